/* The pending text index rows of tracer.matching in key order, in C (built by
 * `make compiled` beside mypyc's modules; tracer/matching.py keeps the Python way,
 * with the same result, for a build without it).
 *
 * sorted_items(rows) takes the pending rows as the matcher keeps them, a dict of
 * keys (ints in [0, 2**64)) to rows, and returns the keys sorted and their rows, as
 * two lists holding the dict's own int objects (none is made). A poll of 1,000 feeds
 * writes ~500,000 index rows at its end: Python's sort of the keys and a dict lookup
 * per key for its row took ~0.4 s there; two array('Q') of keys and rows and a C sort
 * of them still spent nine tenths of their time converting ints into the arrays.
 *
 * index_keys(blob, mask) takes a fingerprint's keys as stored (8-byte integers, read
 * as tracer.fingerprint.keys_from_blob reads them) and returns the set of the keys k
 * with k & mask == 0 (its index keys); keys_on_posts(blobs, mask, least) counts the
 * other keys of a site's new posts, each on how many of them, for the boilerplate
 * below the index level. The writer of a poll needs both for every new post: from the
 * blobs, no Python int is made for a key below the index level unless it is on
 * `least` posts, and no set of them at all (tracer.matching keeps the Python ways for
 * a build without this module, with the same results).
 *
 * shared_count(blob, keys) counts the keys of a set that a stored fingerprint's blob
 * holds: the first test a candidate of Matcher._score fails (most do, sharing a key or
 * two), done without decoding the blob into a list of ints. put_rows(rows, keys, row)
 * adds a post's new index rows to the pending ones (rows.update(dict.fromkeys(keys,
 * row)) without the dict made in between).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    uint64_t key;
    uint64_t row;
} pair;

/* Sort pairs by key, keeping the order of equal keys: a least-significant-byte
 * radix sort (eight passes of 256 buckets at most; a byte that every key has the
 * same is skipped, such as the top two of the 48-bit text keys). tmp holds n pairs. */
static void
sort_by_key(pair *pairs, pair *tmp, Py_ssize_t n)
{
    size_t counts[8][256];
    memset(counts, 0, sizeof(counts));
    for (Py_ssize_t i = 0; i < n; i++) {
        uint64_t key = pairs[i].key;
        for (int b = 0; b < 8; b++) {
            counts[b][(key >> (8 * b)) & 0xFF]++;
        }
    }
    pair *from = pairs, *to = tmp;
    for (int b = 0; b < 8; b++) {
        size_t *count = counts[b];
        if (n == 0 || count[(from[0].key >> (8 * b)) & 0xFF] == (size_t)n) {
            continue; /* every key has this byte */
        }
        size_t start = 0;
        for (int v = 0; v < 256; v++) {
            size_t c = count[v];
            count[v] = start;
            start += c;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            to[count[(from[i].key >> (8 * b)) & 0xFF]++] = from[i];
        }
        pair *swap = from;
        from = to;
        to = swap;
    }
    if (from != pairs) {
        memcpy(pairs, from, (size_t)n * sizeof(pair));
    }
}

/* The key of a dict entry as a uint64: -1 (OverflowError set) unless an int in
 * [0, 2**64). Reads the int's digits (PyLong_AsUnsignedLongLongMask) once its size is
 * known to fit: PyLong_AsUnsignedLongLong (what array('Q') calls per item) goes
 * through _PyLong_AsByteArray, ~5x the instructions. */
static int
key_of(PyObject *key, uint64_t *out)
{
    if (!PyLong_Check(key)) {
        PyErr_SetString(PyExc_TypeError, "sorted_items: the keys must be ints");
        return -1;
    }
    if (_PyLong_Sign(key) < 0 || _PyLong_NumBits(key) > 64) {
        PyErr_SetString(PyExc_OverflowError, "sorted_items: a key outside [0, 2**64)");
        return -1;
    }
    *out = PyLong_AsUnsignedLongLongMask(key);
    return 0;
}

static PyObject *
sorted_items(PyObject *self, PyObject *rows)
{
    PyObject *result = NULL, *sorted_keys = NULL, *sorted_rows = NULL;
    PyObject **entries = NULL; /* key and row objects (one reference each), dict order */
    pair *pairs = NULL;        /* (key, its entry's position) */
    Py_ssize_t held = 0;       /* entries holding a reference */
    if (!PyDict_CheckExact(rows)) {
        PyErr_SetString(PyExc_TypeError, "sorted_items: a dict");
        return NULL;
    }
    Py_ssize_t n = PyDict_GET_SIZE(rows);
    entries = PyMem_Malloc(n ? 2 * (size_t)n * sizeof(PyObject *) : 1);
    pairs = PyMem_Malloc(n ? 2 * (size_t)n * sizeof(pair) : 1); /* the pairs, then room */
    if (entries == NULL || pairs == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t pos = 0;
    PyObject *key, *row;
    while (held < n && PyDict_Next(rows, &pos, &key, &row)) { /* runs no Python code */
        if (key_of(key, &pairs[held].key) < 0) {
            goto done;
        }
        pairs[held].row = (uint64_t)held;
        Py_INCREF(key);
        Py_INCREF(row);
        entries[2 * held] = key;
        entries[2 * held + 1] = row;
        held++;
    }
    Py_BEGIN_ALLOW_THREADS
    sort_by_key(pairs, pairs + held, held);
    Py_END_ALLOW_THREADS
    sorted_keys = PyList_New(held);
    sorted_rows = PyList_New(held);
    if (sorted_keys == NULL || sorted_rows == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < held; i++) { /* the lists take the references */
        PyList_SET_ITEM(sorted_keys, i, entries[2 * pairs[i].row]);
        PyList_SET_ITEM(sorted_rows, i, entries[2 * pairs[i].row + 1]);
    }
    held = 0;
    result = PyTuple_Pack(2, sorted_keys, sorted_rows);
done:
    for (Py_ssize_t i = 0; i < 2 * held; i++) {
        Py_DECREF(entries[i]);
    }
    Py_XDECREF(sorted_keys);
    Py_XDECREF(sorted_rows);
    PyMem_Free(pairs);
    PyMem_Free(entries);
    return result;
}

/* Add the keys of a blob with no bit of mask set to the set `found`. 0, or -1 with an
 * error set. */
static int
add_index_keys(const unsigned char *bytes, Py_ssize_t len, uint64_t mask, PyObject *found)
{
    for (Py_ssize_t at = 0; at < len; at += 8) {
        uint64_t key;
        memcpy(&key, bytes + at, 8); /* the machine's order, as keys_from_blob's array('Q') */
        if (key & mask) {
            continue;
        }
        PyObject *number = PyLong_FromUnsignedLongLong(key);
        if (number == NULL) {
            return -1;
        }
        int failed = PySet_Add(found, number) < 0;
        Py_DECREF(number);
        if (failed) {
            return -1;
        }
    }
    return 0;
}

/* The keys of a blob with no bit of mask set, as a set (the index keys of a post). */
static PyObject *
index_keys(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "index_keys: takes a blob and a mask");
        return NULL;
    }
    uint64_t mask = PyLong_AsUnsignedLongLong(args[1]);
    if (mask == (uint64_t)-1 && PyErr_Occurred()) {
        return NULL;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    PyObject *found = NULL;
    if (view.len % 8) {
        PyErr_SetString(PyExc_ValueError, "index_keys: a blob of 8-byte keys");
        goto done;
    }
    found = PySet_New(NULL);
    if (found != NULL && add_index_keys(view.buf, view.len, mask, found) < 0) {
        Py_CLEAR(found);
    }
done:
    PyBuffer_Release(&view);
    return found;
}

/* A key's first slot in an open-addressing table of 2**bits slots (keys_on_posts,
 * shared_count): the key's bits mixed, then its top `bits` by Fibonacci hashing. */
static inline size_t
slot_of(uint64_t key, int bits)
{
    return (size_t)((key ^ key >> 29) * 0x9E3779B97F4A7C15ULL >> (64 - bits));
}

/* A set of uint64 keys in C: an open-addressing table of 2**bits slots, sized for
 * `room` keys at most (twice as many slots), each slot with a stamp (0: empty). */
typedef struct {
    uint64_t *keys;
    uint32_t *stamps;
    size_t slots;
    int bits;
} keytable;

static int
keytable_init(keytable *t, size_t room)
{
    t->slots = 16;
    t->bits = 4;
    while (t->slots < 2 * room) {
        t->slots <<= 1;
        t->bits++;
    }
    t->keys = PyMem_Malloc(t->slots * sizeof(uint64_t));
    t->stamps = PyMem_Calloc(t->slots, sizeof(uint32_t));
    if (t->keys == NULL || t->stamps == NULL) {
        PyMem_Free(t->keys);
        PyMem_Free(t->stamps);
        t->keys = NULL;
        t->stamps = NULL;
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static void
keytable_free(keytable *t)
{
    PyMem_Free(t->keys);
    PyMem_Free(t->stamps);
    t->keys = NULL;
    t->stamps = NULL;
}

/* The slot of key in t: the one holding it, else the empty slot where it would go. */
static inline size_t
keytable_slot(const keytable *t, uint64_t key)
{
    size_t slot = slot_of(key, t->bits);
    while (t->stamps[slot] && t->keys[slot] != key) {
        slot = (slot + 1) & (t->slots - 1);
    }
    return slot;
}

/* Put key into t (stamped 1, as a set's members are). */
static inline void
keytable_put(keytable *t, uint64_t key)
{
    size_t slot = keytable_slot(t, key);
    t->keys[slot] = key;
    t->stamps[slot] = 1;
}

/* An int in [0, 2**64) as a uint64: 1, else 0 (any other object; no error set). */
static inline int
u64_of(PyObject *number, uint64_t *out)
{
    if (!PyLong_Check(number) || _PyLong_Sign(number) < 0 || _PyLong_NumBits(number) > 64) {
        return 0;
    }
    *out = PyLong_AsUnsignedLongLongMask(number);
    return 1;
}

/* A Python set's members into t (stamped 1): with by_hash, their hashes (a filter for
 * keytable_holds); else its ints in [0, 2**64) (keys; its other members could not equal
 * the blobs' keys looked up in t). */
static int
keytable_of_set(keytable *t, PyObject *set, int by_hash)
{
    if (keytable_init(t, (size_t)PySet_GET_SIZE(set)) < 0) {
        return -1;
    }
    Py_ssize_t pos = 0;
    PyObject *key;
    Py_hash_t hash;
    while (_PySet_NextEntry(set, &pos, &key, &hash)) {
        uint64_t value = (uint64_t)hash;
        if (by_hash || u64_of(key, &value)) {
            keytable_put(t, value);
        }
    }
    return 0;
}

/* Whether the set that t holds the hashes of (keytable_of_set by hash) holds key, whose hash
 * is given: 1, 0, or -1 with an error set. Only a key whose hash is there is looked up
 * in the set (no int is converted, nothing hashed again). */
static int
keytable_holds(const keytable *t, PyObject *set, PyObject *key, Py_hash_t hash)
{
    if (t->stamps[keytable_slot(t, (uint64_t)hash)] == 0) {
        return 0;
    }
    return PySet_Contains(set, key);
}

/* batch_keys(blobs, ignoreds, mask): a batch's index keys (those with no bit of mask
 * set) sorted out in one call. For each blob, a tuple of its distinct index keys not in
 * its ignored set (ignoreds[i], sets of ints), in the blob's order; the set of these
 * keys (the union); the index keys on two or more blobs (ignored or not); and the sum of
 * the tuples' sizes. Each ignored set is read into a C table once (a batch's posts share
 * a few), and a key's int is made once, for its tuple and the union. */
static PyObject *
batch_keys(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyList_CheckExact(args[0]) || !PyList_CheckExact(args[1])
        || PyList_GET_SIZE(args[0]) != PyList_GET_SIZE(args[1])) {
        PyErr_SetString(PyExc_TypeError,
                        "batch_keys: takes a list of blobs, a list of as many sets and a mask");
        return NULL;
    }
    PyObject *blobs = args[0], *ignoreds = args[1];
    uint64_t mask = PyLong_AsUnsignedLongLong(args[2]);
    if (mask == (uint64_t)-1 && PyErr_Occurred()) {
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(blobs), total = 0, longest = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *blob = PyList_GET_ITEM(blobs, i);
        if (!PyBytes_Check(blob) || !PyAnySet_Check(PyList_GET_ITEM(ignoreds, i))) {
            PyErr_SetString(PyExc_TypeError, "batch_keys: blobs are bytes, ignoreds sets");
            return NULL;
        }
        if (PyBytes_GET_SIZE(blob) % 8) {
            PyErr_SetString(PyExc_ValueError, "batch_keys: a blob of 8-byte keys");
            return NULL;
        }
        total += PyBytes_GET_SIZE(blob) / 8;
        longest = PyBytes_GET_SIZE(blob) / 8 > longest ? PyBytes_GET_SIZE(blob) / 8 : longest;
    }
    PyObject *sets = PyList_New(n), *wanted = PySet_New(NULL), *again = PySet_New(NULL);
    PyObject **kept_keys = PyMem_Malloc(longest ? (size_t)longest * sizeof(PyObject *) : 1);
    Py_ssize_t kept_count = 0; /* the blob's kept keys so far, a reference each */
    PyObject *result = NULL;
    keytable seen = {NULL, NULL, 0, 0}; /* every index key so far, stamped 1 + its last blob */
    unsigned char *twice = NULL;        /* per slot of seen: the key is in again */
    keytable ignored = {NULL, NULL, 0, 0};
    PyObject *ignored_set = NULL; /* the set ignored was read from (a borrowed reference) */
    Py_ssize_t looked_up = 0;
    if (sets == NULL || wanted == NULL || again == NULL || keytable_init(&seen, total) < 0) {
        goto done;
    }
    twice = PyMem_Calloc(seen.slots, 1);
    if (twice == NULL || kept_keys == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *blob = PyList_GET_ITEM(blobs, i), *ignore = PyList_GET_ITEM(ignoreds, i);
        if (PySet_GET_SIZE(ignore) && ignore != ignored_set) {
            keytable_free(&ignored);
            ignored_set = NULL;
            if (keytable_of_set(&ignored, ignore, 0) < 0) {
                goto done;
            }
            ignored_set = ignore;
        }
        const char *bytes = PyBytes_AS_STRING(blob);
        uint32_t stamp = (uint32_t)i + 2;
        for (Py_ssize_t at = 0; at < PyBytes_GET_SIZE(blob); at += 8) {
            uint64_t key;
            memcpy(&key, bytes + at, 8); /* the machine's order, as keys_from_blob's array('Q') */
            if (key & mask) {
                continue;
            }
            size_t slot = keytable_slot(&seen, key);
            uint32_t last = seen.stamps[slot];
            if (last == stamp) {
                continue; /* twice in this blob */
            }
            seen.keys[slot] = key;
            seen.stamps[slot] = stamp;
            int repeated = last != 0 && !twice[slot];
            int kept = !PySet_GET_SIZE(ignore)
                       || ignored.stamps[keytable_slot(&ignored, key)] == 0;
            if (!repeated && !kept) {
                continue;
            }
            PyObject *number = PyLong_FromUnsignedLongLong(key);
            int failed = number == NULL;
            if (!failed && repeated) {
                twice[slot] = 1;
                failed = PySet_Add(again, number) < 0;
            }
            if (!failed && kept) {
                failed = PySet_Add(wanted, number) < 0;
                kept_keys[kept_count++] = number; /* the reference goes there */
            }
            else {
                Py_XDECREF(number);
            }
            if (failed) {
                goto done;
            }
        }
        PyObject *found = PyTuple_New(kept_count);
        if (found == NULL) {
            goto done;
        }
        for (Py_ssize_t j = 0; j < kept_count; j++) { /* the tuple takes the references */
            PyTuple_SET_ITEM(found, j, kept_keys[j]);
        }
        looked_up += kept_count;
        kept_count = 0;
        PyList_SET_ITEM(sets, i, found); /* the list takes the reference */
    }
    result = Py_BuildValue("(OOOn)", sets, wanted, again, looked_up);
done:
    for (Py_ssize_t j = 0; j < kept_count; j++) {
        Py_DECREF(kept_keys[j]);
    }
    PyMem_Free(kept_keys);
    keytable_free(&seen);
    keytable_free(&ignored);
    PyMem_Free(twice);
    Py_XDECREF(sets);
    Py_XDECREF(wanted);
    Py_XDECREF(again);
    return result;
}

/* Count, for each key of the blobs with a bit of mask set, the blobs that hold it
 * (a key twice in one blob counts once: each slot notes the last blob that counted it);
 * return {key: count} of those on at least `least` blobs. An open-addressing table of
 * (key, count), twice the keys' number. */
static PyObject *
keys_on_posts(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyList_CheckExact(args[0])) {
        PyErr_SetString(PyExc_TypeError, "keys_on_posts: takes a list of blobs, a mask, a least");
        return NULL;
    }
    PyObject *blobs = args[0];
    uint64_t mask = PyLong_AsUnsignedLongLong(args[1]);
    if (mask == (uint64_t)-1 && PyErr_Occurred()) {
        return NULL;
    }
    long least = PyLong_AsLong(args[2]);
    if (least == -1 && PyErr_Occurred()) {
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(blobs), total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *blob = PyList_GET_ITEM(blobs, i);
        if (!PyBytes_Check(blob)) {
            PyErr_SetString(PyExc_TypeError, "keys_on_posts: blobs are bytes");
            return NULL;
        }
        Py_ssize_t size = PyBytes_GET_SIZE(blob);
        if (size % 8) {
            PyErr_SetString(PyExc_ValueError, "keys_on_posts: a blob of 8-byte keys");
            return NULL;
        }
        total += size / 8;
    }
    size_t slots = 16;
    int bits = 4;
    while (slots < 2 * (size_t)total) {
        slots <<= 1;
        bits++;
    }
    uint64_t *table = PyMem_Calloc(slots, sizeof(uint64_t));
    uint32_t *counts = PyMem_Calloc(slots, sizeof(uint32_t)); /* 0: an empty slot */
    uint32_t *last = PyMem_Calloc(slots, sizeof(uint32_t)); /* 1 + the last blob holding it */
    PyObject *result = NULL;
    if (table == NULL || counts == NULL || last == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *blob = PyList_GET_ITEM(blobs, i);
        const char *bytes = PyBytes_AS_STRING(blob);
        Py_ssize_t keys = PyBytes_GET_SIZE(blob) / 8;
        uint32_t stamp = (uint32_t)i + 1;
        for (Py_ssize_t at = 0; at < keys; at++) {
            uint64_t key;
            memcpy(&key, bytes + 8 * at, 8);
            if (!(key & mask)) {
                continue;
            }
            size_t slot = slot_of(key, bits);
            while (counts[slot] && table[slot] != key) {
                slot = (slot + 1) & (slots - 1);
            }
            if (last[slot] == stamp) {
                continue; /* once per blob */
            }
            last[slot] = stamp;
            table[slot] = key;
            counts[slot]++;
        }
    }
    result = PyDict_New();
    if (result == NULL) {
        goto done;
    }
    for (size_t slot = 0; slot < slots; slot++) {
        if (counts[slot] == 0 || (long)counts[slot] < least) {
            continue;
        }
        PyObject *key = PyLong_FromUnsignedLongLong(table[slot]);
        PyObject *count = PyLong_FromUnsignedLong(counts[slot]);
        int failed = key == NULL || count == NULL || PyDict_SetItem(result, key, count) < 0;
        Py_XDECREF(key);
        Py_XDECREF(count);
        if (failed) {
            Py_CLEAR(result);
            goto done;
        }
    }
done:
    PyMem_Free(table);
    PyMem_Free(counts);
    PyMem_Free(last);
    return result;
}

/* How many keys of the set `keys` the blob holds (each counted once: the size of
 * keys & set(keys_from_blob(blob))). The blob's keys go into a small open-addressing
 * table (on the stack for a fingerprint's 64 keys at most) and each key of the set is
 * looked up there: no Python int is made for the blob's keys. A key of the set that is
 * not an int in [0, 2**64) is in no blob. */
static PyObject *
shared_count(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyAnySet_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "shared_count: takes a blob and a set");
        return NULL;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    PyObject *result = NULL;
    uint64_t local_keys[128];
    unsigned char local_used[128];
    uint64_t *table = local_keys;
    unsigned char *used = local_used;
    Py_ssize_t n = view.len / 8;
    size_t slots = 128;
    int bits = 7;
    if (view.len % 8) {
        PyErr_SetString(PyExc_ValueError, "shared_count: a blob of 8-byte keys");
        goto done;
    }
    while (slots < 2 * (size_t)n) {
        slots <<= 1;
        bits++;
    }
    if (slots > 128) {
        table = PyMem_Malloc(slots * sizeof(uint64_t));
        used = PyMem_Malloc(slots);
        if (table == NULL || used == NULL) {
            PyErr_NoMemory();
            goto done;
        }
    }
    memset(used, 0, slots);
    const unsigned char *bytes = view.buf;
    for (Py_ssize_t at = 0; at < n; at++) {
        uint64_t key;
        memcpy(&key, bytes + 8 * at, 8); /* the machine's order, as array('Q') */
        size_t slot = slot_of(key, bits);
        while (used[slot] && table[slot] != key) {
            slot = (slot + 1) & (slots - 1);
        }
        table[slot] = key;
        used[slot] = 1;
    }
    Py_ssize_t pos = 0, count = 0;
    PyObject *key;
    Py_hash_t hash;
    while (_PySet_NextEntry(args[1], &pos, &key, &hash)) {
        if (!PyLong_Check(key) || _PyLong_Sign(key) < 0 || _PyLong_NumBits(key) > 64) {
            continue;
        }
        uint64_t wanted = PyLong_AsUnsignedLongLongMask(key);
        size_t slot = slot_of(wanted, bits);
        while (used[slot]) {
            if (table[slot] == wanted) {
                count++;
                break;
            }
            slot = (slot + 1) & (slots - 1);
        }
    }
    result = PyLong_FromSsize_t(count);
done:
    if (table != local_keys) {
        PyMem_Free(table);
    }
    if (used != local_used) {
        PyMem_Free(used);
    }
    PyBuffer_Release(&view);
    return result;
}

/* rows[key] = row for each key of the set `keys` (what rows.update(dict.fromkeys(keys,
 * row)) does, in the set's order, without the dict in between): a post's new index
 * rows into the matcher's pending rows, all holding the one `row` object. */
static PyObject *
put_rows(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyDict_CheckExact(args[0]) || !PyAnySet_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "put_rows: takes a dict, a set and a row");
        return NULL;
    }
    Py_ssize_t pos = 0;
    PyObject *key;
    Py_hash_t hash;
    while (_PySet_NextEntry(args[1], &pos, &key, &hash)) {
        if (PyDict_SetItem(args[0], key, args[2]) < 0) {
            return NULL;
        }
    }
    Py_RETURN_NONE;
}

/* put_batch(rows, more, new_rows, held, everywhere): a batch's new index rows into the
 * pending ones. new_rows is a list of (row, keys), keys a tuple of distinct ints; each
 * key but those in the set everywhere gets rows[key] = row, unless it is in the set
 * held and rows has it: then
 * the row goes into more[key] (a list) if it differs from rows[key]. The hashes of held
 * and everywhere go into C tables first: most keys are in neither, found so at once. */
static PyObject *
put_batch(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5 || !PyDict_CheckExact(args[0]) || !PyDict_CheckExact(args[1])
        || !PyList_CheckExact(args[2]) || !PyAnySet_Check(args[3]) || !PyAnySet_Check(args[4])) {
        PyErr_SetString(PyExc_TypeError,
                        "put_batch: takes two dicts, a list of (row, keys) and two sets");
        return NULL;
    }
    PyObject *rows = args[0], *more = args[1], *new_rows = args[2];
    PyObject *held = PySet_GET_SIZE(args[3]) ? args[3] : NULL;
    PyObject *everywhere = PySet_GET_SIZE(args[4]) ? args[4] : NULL;
    keytable held_keys = {NULL, NULL, 0, 0}, everywhere_keys = {NULL, NULL, 0, 0};
    PyObject *result = NULL;
    if ((held != NULL && keytable_of_set(&held_keys, held, 1) < 0)
        || (everywhere != NULL && keytable_of_set(&everywhere_keys, everywhere, 1) < 0)) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(new_rows); i++) {
        PyObject *item = PyList_GET_ITEM(new_rows, i);
        if (!PyTuple_CheckExact(item) || PyTuple_GET_SIZE(item) != 2
            || !PyTuple_CheckExact(PyTuple_GET_ITEM(item, 1))) {
            PyErr_SetString(PyExc_TypeError, "put_batch: new rows are (row, tuple of keys)");
            goto done;
        }
        PyObject *row = PyTuple_GET_ITEM(item, 0), *keys = PyTuple_GET_ITEM(item, 1);
        Py_INCREF(item); /* row and keys kept alive, whatever the comparisons run */
        int failed = 0;
        for (Py_ssize_t k = 0; !failed && k < PyTuple_GET_SIZE(keys); k++) {
            PyObject *key = PyTuple_GET_ITEM(keys, k);
            Py_hash_t hash = PyObject_Hash(key);
            if (hash == -1) {
                failed = 1;
                continue;
            }
            int found;
            if (everywhere != NULL) {
                found = keytable_holds(&everywhere_keys, everywhere, key, hash);
                if (found) {
                    failed = found < 0;
                    continue;
                }
            }
            if (held != NULL) {
                found = keytable_holds(&held_keys, held, key, hash);
                if (found < 0) {
                    failed = 1;
                    continue;
                }
                PyObject *current = found ? _PyDict_GetItem_KnownHash(rows, key, hash) : NULL;
                if (current != NULL) {
                    Py_INCREF(current);
                    int differs = PyObject_RichCompareBool(current, row, Py_NE);
                    Py_DECREF(current);
                    if (differs > 0) {
                        PyObject *empty = PyList_New(0);
                        PyObject *listed = empty ? PyDict_SetDefault(more, key, empty) : NULL;
                        failed = listed == NULL || PyList_Append(listed, row) < 0;
                        Py_XDECREF(empty);
                    }
                    else {
                        failed = differs < 0;
                    }
                    continue;
                }
                if (PyErr_Occurred()) {
                    failed = 1;
                    continue;
                }
            }
            failed = _PyDict_SetItem_KnownHash(rows, key, row, hash) < 0;
        }
        Py_DECREF(item);
        if (failed) {
            goto done;
        }
    }
    result = Py_NewRef(Py_None);
done:
    keytable_free(&held_keys);
    keytable_free(&everywhere_keys);
    return result;
}

/* keys_in(keys, rows): the keys of the set `keys` that the dict `rows` has (keys &
 * rows.keys(), each looked up with the hash the set keeps: not hashed again). */
static PyObject *
keys_in(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyAnySet_Check(args[0]) || !PyDict_CheckExact(args[1])) {
        PyErr_SetString(PyExc_TypeError, "keys_in: takes a set and a dict");
        return NULL;
    }
    PyObject *found = PySet_New(NULL);
    if (found == NULL) {
        return NULL;
    }
    Py_ssize_t pos = 0;
    PyObject *key;
    Py_hash_t hash;
    while (_PySet_NextEntry(args[0], &pos, &key, &hash)) {
        Py_INCREF(key);
        int has = _PyDict_Contains_KnownHash(args[1], key, hash);
        int failed = has < 0 || (has && PySet_Add(found, key) < 0);
        Py_DECREF(key);
        if (failed) {
            Py_DECREF(found);
            return NULL;
        }
    }
    return found;
}

/* touching(tuples, index, repeats): for each tuple of keys, 1 if one of its keys may be
 * a key of the dict index or of the set repeats, else 0 (bytes). The hashes of index's
 * and repeats' keys go into a C table and each key's hash is looked up there: a key
 * whose hash is there may be one of them (ints below 2**61 - 1 are their own hashes:
 * then it is); a key whose hash is not is surely neither. */
static PyObject *
touching(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyList_CheckExact(args[0]) || !PyDict_CheckExact(args[1])
        || !PyAnySet_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "touching: takes a list of tuples, a dict and a set");
        return NULL;
    }
    PyObject *tuples = args[0], *index = args[1], *repeats = args[2];
    Py_ssize_t n = PyList_GET_SIZE(tuples);
    PyObject *result = PyBytes_FromStringAndSize(NULL, n);
    if (result == NULL) {
        return NULL;
    }
    char *flags = PyBytes_AS_STRING(result);
    memset(flags, 0, (size_t)n);
    if (PyDict_GET_SIZE(index) == 0 && PySet_GET_SIZE(repeats) == 0) {
        return result;
    }
    keytable hashes = {NULL, NULL, 0, 0};
    if (keytable_init(&hashes, (size_t)(PyDict_GET_SIZE(index) + PySet_GET_SIZE(repeats))) < 0) {
        Py_DECREF(result);
        return NULL;
    }
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    Py_hash_t hash;
    while (_PyDict_Next(index, &pos, &key, &value, &hash)) {
        keytable_put(&hashes, (uint64_t)hash);
    }
    pos = 0;
    while (_PySet_NextEntry(repeats, &pos, &key, &hash)) {
        keytable_put(&hashes, (uint64_t)hash);
    }
    /* A key's __hash__ may run Python code that changes the list (never an int's): each
     * tuple is held while its keys are hashed, and the list's size is read again, as
     * the Python way's iteration does (then the bytes are as long as the tuples read). */
    Py_ssize_t i = 0;
    for (; i < n && i < PyList_GET_SIZE(tuples); i++) {
        PyObject *keys = PyList_GET_ITEM(tuples, i);
        if (!PyTuple_CheckExact(keys)) {
            PyErr_SetString(PyExc_TypeError, "touching: a list of tuples of keys");
            Py_CLEAR(result);
            goto done;
        }
        Py_INCREF(keys);
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(keys); k++) {
            hash = PyObject_Hash(PyTuple_GET_ITEM(keys, k));
            if (hash == -1) {
                Py_DECREF(keys);
                Py_CLEAR(result);
                goto done;
            }
            if (hashes.stamps[keytable_slot(&hashes, (uint64_t)hash)]) {
                flags[i] = 1;
                break;
            }
        }
        Py_DECREF(keys);
    }
    if (i < n) {
        _PyBytes_Resize(&result, i); /* (NULL with an error set when it fails) */
    }
done:
    keytable_free(&hashes);
    return result;
}

static PyMethodDef methods[] = {
    {"sorted_items", sorted_items, METH_O,
     "sorted_items(rows, /): the keys of a dict of ints in [0, 2**64) (to any objects)"
     " sorted, and their values, as two lists."},
    {"index_keys", (PyCFunction)(void (*)(void))index_keys, METH_FASTCALL,
     "index_keys(blob, mask, /): the set of the 8-byte keys of blob with no bit of mask set."},
    {"keys_on_posts", (PyCFunction)(void (*)(void))keys_on_posts, METH_FASTCALL,
     "keys_on_posts(blobs, mask, least, /): {key: blobs holding it} of the keys with a bit"
     " of mask set that at least least of the blobs hold."},
    {"shared_count", (PyCFunction)(void (*)(void))shared_count, METH_FASTCALL,
     "shared_count(blob, keys, /): how many keys of the set keys the blob's 8-byte keys hold."},
    {"batch_keys", (PyCFunction)(void (*)(void))batch_keys, METH_FASTCALL,
     "batch_keys(blobs, mask, /): each blob's index keys (index_keys), their union, and the"
     " keys on two or more of the blobs."},
    {"put_batch", (PyCFunction)(void (*)(void))put_batch, METH_FASTCALL,
     "put_batch(rows, more, new_rows, held, everywhere, /): a batch's (row, keys) into the"
     " pending rows (matching.put_batch)."},
    {"touching", (PyCFunction)(void (*)(void))touching, METH_FASTCALL,
     "touching(tuples, index, repeats, /): bytes, 1 for each tuple of keys of which one may"
     " be a key of the dict index or of the set repeats."},
    {"keys_in", (PyCFunction)(void (*)(void))keys_in, METH_FASTCALL,
     "keys_in(keys, rows, /): the keys of the set keys that the dict rows has."},
    {"put_rows", (PyCFunction)(void (*)(void))put_rows, METH_FASTCALL,
     "put_rows(rows, keys, row, /): rows[key] = row for each key of the set keys."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_pairs", "Pending index rows in key order, a fingerprint's keys sorted out (tracer.matching).",
    -1, methods,
};

PyMODINIT_FUNC
PyInit__pairs(void)
{
    return PyModule_Create(&module);
}
