/* The pending text index rows of tracer.matching and a fingerprint's keys sorted out,
 * in C (built by `make compiled` beside mypyc's modules; tracer/matching.py keeps the
 * Python ways, with the same results, for a build without it).
 *
 * RowTable holds the matcher's pending index rows (key -> site << POST_BITS | post,
 * both uint64) until they are written, then gives them in key order, flat as the
 * INSERT binds them (see its comment below). A poll of 1,000 feeds gathers ~500,000
 * of them: in a dict of Python ints, each lookup and insert was a few cache misses.
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
 * two), done without decoding the blob into a list of ints.
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

/* A Python set's ints in [0, 2**64) into t (stamped 1): keys (its other members could
 * not equal the uint64 keys looked up in t). */
static int
keytable_of_set(keytable *t, PyObject *set)
{
    if (keytable_init(t, (size_t)PySet_GET_SIZE(set)) < 0) {
        return -1;
    }
    Py_ssize_t pos = 0;
    PyObject *key;
    Py_hash_t hash;
    while (_PySet_NextEntry(set, &pos, &key, &hash)) {
        uint64_t value;
        if (u64_of(key, &value)) {
            keytable_put(t, value);
        }
    }
    return 0;
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
            if (keytable_of_set(&ignored, ignore) < 0) {
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

/* RowTable: the matcher's pending index rows (tracer.matching.Matcher._pending), key ->
 * row, both uint64 (keys: text keys, ints in [0, 2**64); rows: site << POST_BITS |
 * post). A cold poll of 1,000 feeds gathers ~500,000 of them before writing them: kept
 * in a dict, that was ~1M int objects besides the dict's own index and entries, and each
 * lookup or insert of the poll's writer a few cache misses (a quarter of its matching
 * CPU). Here the pairs sit inline in an open-addressing table of 2**bits slots, linear
 * probing from slot_of(key): a lookup reads one or two adjacent slots.
 *
 * Key 0 marks an empty slot: a row of key 0 is kept aside (has_zero, zero_row). A
 * removed key's run is shifted back (no tombstones). The table grows (doubles) past 5/8
 * full. tracer.matching.PendingRows is its Python twin (same methods, same results;
 * tests/test_pairs_native.py compares them). */
typedef struct {
    PyObject_HEAD
    pair *slots;      /* key 0: an empty slot */
    size_t mask;      /* the number of slots - 1 */
    int bits;         /* log2 of the number of slots */
    Py_ssize_t count; /* rows, key 0's included */
    int has_zero;
    uint64_t zero_row;
} RowTable;

#define ROWTABLE_LEAST_BITS 4

/* Empty slots, 2**bits of them: 0, else -1 with MemoryError set (the table unchanged). */
static int
rowtable_alloc(RowTable *t, int bits)
{
    pair *slots = PyMem_Calloc((size_t)1 << bits, sizeof(pair));
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    PyMem_Free(t->slots);
    t->slots = slots;
    t->bits = bits;
    t->mask = ((size_t)1 << bits) - 1;
    return 0;
}

/* The slot holding key (not 0), else the empty slot where it would go. */
static inline size_t
rowtable_slot(const RowTable *t, uint64_t key)
{
    size_t slot = slot_of(key, t->bits);
    while (t->slots[slot].key != 0 && t->slots[slot].key != key) {
        slot = (slot + 1) & t->mask;
    }
    return slot;
}

/* Whether t has key; its row into *row if so. */
static inline int
rowtable_get(const RowTable *t, uint64_t key, uint64_t *row)
{
    if (key == 0) {
        *row = t->zero_row;
        return t->has_zero;
    }
    const pair *found = &t->slots[rowtable_slot(t, key)];
    *row = found->row;
    return found->key != 0;
}

/* Twice the slots, every pair moved to its place there: 0, else -1 with an error set. */
static int
rowtable_grow(RowTable *t)
{
    pair *old = t->slots;
    size_t old_slots = t->mask + 1;
    t->slots = NULL;
    if (rowtable_alloc(t, t->bits + 1) < 0) {
        t->slots = old;
        return -1;
    }
    for (size_t i = 0; i < old_slots; i++) {
        if (old[i].key != 0) {
            t->slots[rowtable_slot(t, old[i].key)] = old[i];
        }
    }
    PyMem_Free(old);
    return 0;
}

/* t[key] = row: 0, else -1 with an error set (the table unchanged). */
static int
rowtable_set(RowTable *t, uint64_t key, uint64_t row)
{
    if (key == 0) {
        t->count += !t->has_zero;
        t->has_zero = 1;
        t->zero_row = row;
        return 0;
    }
    size_t slot = rowtable_slot(t, key);
    if (t->slots[slot].key == 0) {
        if ((size_t)(t->count + 1) * 8 > (t->mask + 1) * 5) {
            if (rowtable_grow(t) < 0) {
                return -1;
            }
            slot = rowtable_slot(t, key);
        }
        t->count++;
    }
    t->slots[slot].key = key;
    t->slots[slot].row = row;
    return 0;
}

/* Remove key from t if it has it: each later pair of the run that may sit in the freed
 * slot (its first slot is not between the two, cyclically) moves back into it. */
static void
rowtable_remove(RowTable *t, uint64_t key)
{
    if (key == 0) {
        t->count -= t->has_zero;
        t->has_zero = 0;
        return;
    }
    size_t hole = rowtable_slot(t, key);
    if (t->slots[hole].key == 0) {
        return;
    }
    t->count--;
    for (size_t at = (hole + 1) & t->mask; t->slots[at].key != 0; at = (at + 1) & t->mask) {
        size_t home = slot_of(t->slots[at].key, t->bits);
        if (((at - home) & t->mask) >= ((at - hole) & t->mask)) {
            t->slots[hole] = t->slots[at];
            hole = at;
        }
    }
    t->slots[hole].key = 0;
}

/* An int in [0, 2**64) as a uint64: 0, else -1 with TypeError or OverflowError set. */
static int
u64_arg(PyObject *number, uint64_t *out, const char *what)
{
    if (!PyLong_Check(number)) {
        PyErr_Format(PyExc_TypeError, "RowTable: %s must be ints", what);
        return -1;
    }
    if (!u64_of(number, out)) {
        PyErr_Format(PyExc_OverflowError, "RowTable: %s outside [0, 2**64)", what);
        return -1;
    }
    return 0;
}

static PyObject *
rowtable_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    if (PyTuple_GET_SIZE(args) || (kwargs != NULL && PyDict_GET_SIZE(kwargs))) {
        PyErr_SetString(PyExc_TypeError, "RowTable() takes no arguments");
        return NULL;
    }
    RowTable *t = (RowTable *)type->tp_alloc(type, 0);
    if (t != NULL && rowtable_alloc(t, ROWTABLE_LEAST_BITS) < 0) {
        Py_CLEAR(t);
    }
    return (PyObject *)t;
}

static void
rowtable_dealloc(RowTable *t)
{
    PyMem_Free(t->slots);
    Py_TYPE(t)->tp_free((PyObject *)t);
}

static Py_ssize_t
rowtable_len(RowTable *t)
{
    return t->count;
}

/* clear(): no rows, and the memory of the slots given back. */
static PyObject *
rowtable_clear(RowTable *t, PyObject *unused)
{
    if (t->mask + 1 > ((size_t)1 << ROWTABLE_LEAST_BITS)) {
        if (rowtable_alloc(t, ROWTABLE_LEAST_BITS) < 0) {
            return NULL;
        }
    }
    else {
        memset(t->slots, 0, (t->mask + 1) * sizeof(pair));
    }
    t->count = 0;
    t->has_zero = 0;
    Py_RETURN_NONE;
}

/* get(key): the row of key, else None (a key that is not an int in [0, 2**64) too). */
static PyObject *
rowtable_get_method(RowTable *t, PyObject *key)
{
    uint64_t value, row;
    if (u64_of(key, &value) && rowtable_get(t, value, &row)) {
        return PyLong_FromUnsignedLongLong(row);
    }
    Py_RETURN_NONE;
}

/* Ask the CPU for the slot where a lookup of key starts (a hint: nothing else changes).
 * A poll's table outgrows the caches and most keys looked up are in no slot: each lookup
 * would wait for memory in turn; the slots of many keys asked first arrive together. */
static inline void
rowtable_prefetch(const RowTable *t, uint64_t key)
{
#if defined(__GNUC__)
    __builtin_prefetch(&t->slots[slot_of(key, t->bits)]);
#endif
}

#define ROWTABLE_AHEAD 32 /* keys_in: slots asked for before the first is read */

/* keys_in(keys): the keys of the set keys that t has (a set of the same objects). Read
 * ROWTABLE_AHEAD keys at a time: their slots prefetched, then looked up. */
static PyObject *
rowtable_keys_in(RowTable *t, PyObject *keys)
{
    if (!PyAnySet_Check(keys)) {
        PyErr_SetString(PyExc_TypeError, "RowTable.keys_in: takes a set");
        return NULL;
    }
    PyObject *found = PySet_New(NULL);
    if (found == NULL) {
        return NULL;
    }
    PyObject *read[ROWTABLE_AHEAD]; /* each holding a reference while read */
    uint64_t values[ROWTABLE_AHEAD];
    Py_ssize_t pos = 0;
    int more = 1, failed = 0;
    while (more && !failed) {
        int n = 0;
        PyObject *key;
        Py_hash_t hash;
        while (n < ROWTABLE_AHEAD && (more = _PySet_NextEntry(keys, &pos, &key, &hash))) {
            if (u64_of(key, &values[n])) {
                rowtable_prefetch(t, values[n]);
                read[n++] = Py_NewRef(key);
            }
        }
        for (int i = 0; i < n; i++) {
            uint64_t row;
            if (!failed && rowtable_get(t, values[i], &row)) {
                failed = PySet_Add(found, read[i]) < 0;
            }
            Py_DECREF(read[i]);
        }
    }
    if (failed) {
        Py_CLEAR(found);
    }
    return found;
}

/* drop(keys): each key of the iterable keys that t has leaves it. */
static PyObject *
rowtable_drop(RowTable *t, PyObject *keys)
{
    PyObject *iterator = PyObject_GetIter(keys);
    if (iterator == NULL) {
        return NULL;
    }
    PyObject *key;
    while ((key = PyIter_Next(iterator)) != NULL) {
        uint64_t value;
        if (u64_of(key, &value)) {
            rowtable_remove(t, value);
        }
        Py_DECREF(key);
    }
    Py_DECREF(iterator);
    if (PyErr_Occurred()) {
        return NULL;
    }
    Py_RETURN_NONE;
}

/* Whether the keytable that keytable_of_set filled (keys NULL: none, an empty set) holds key. */
static inline int
keytable_has(const keytable *t, uint64_t key)
{
    return t->keys != NULL && t->stamps[keytable_slot(t, key)] != 0;
}

/* put_batch(more, new_rows, held, everywhere): a batch's new index rows into t.
 * new_rows is a list of (row, keys), keys a tuple of distinct keys; each key but those
 * in the set everywhere gets t[key] = row, unless it is in the set held and t has it:
 * then the row goes into more[key] (a list; more a dict) if it differs from t's. The
 * keys of held and everywhere go into C tables first (by value: the keys are ints). */
static PyObject *
rowtable_put_batch(RowTable *t, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyDict_CheckExact(args[0]) || !PyList_CheckExact(args[1])
        || !PyAnySet_Check(args[2]) || !PyAnySet_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError,
                        "RowTable.put_batch: takes a dict, a list of (row, keys) and two sets");
        return NULL;
    }
    PyObject *more = args[0], *new_rows = args[1];
    keytable held = {NULL, NULL, 0, 0}, everywhere = {NULL, NULL, 0, 0};
    PyObject *result = NULL;
    if ((PySet_GET_SIZE(args[2]) && keytable_of_set(&held, args[2]) < 0)
        || (PySet_GET_SIZE(args[3]) && keytable_of_set(&everywhere, args[3]) < 0)) {
        goto done;
    }
    /* the slots of the batch's keys asked for first (rowtable_prefetch): a feed's few
     * hundred keys, most of them new */
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(new_rows); i++) {
        PyObject *item = PyList_GET_ITEM(new_rows, i);
        if (PyTuple_CheckExact(item) && PyTuple_GET_SIZE(item) == 2
            && PyTuple_CheckExact(PyTuple_GET_ITEM(item, 1))) {
            PyObject *keys = PyTuple_GET_ITEM(item, 1);
            for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(keys); k++) {
                uint64_t value;
                if (u64_of(PyTuple_GET_ITEM(keys, k), &value)) {
                    rowtable_prefetch(t, value);
                }
            }
        }
    }
    /* more's keys are hashed (an int subclass may run Python code there, which may change
     * the list): each item is held while its keys are read, the list's size read again */
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(new_rows); i++) {
        PyObject *item = PyList_GET_ITEM(new_rows, i);
        if (!PyTuple_CheckExact(item) || PyTuple_GET_SIZE(item) != 2
            || !PyTuple_CheckExact(PyTuple_GET_ITEM(item, 1))) {
            PyErr_SetString(PyExc_TypeError,
                            "RowTable.put_batch: new rows are (row, tuple of keys)");
            goto done;
        }
        PyObject *row = PyTuple_GET_ITEM(item, 0), *keys = PyTuple_GET_ITEM(item, 1);
        uint64_t row_value;
        if (u64_arg(row, &row_value, "rows") < 0) {
            goto done;
        }
        Py_INCREF(item);
        int failed = 0;
        for (Py_ssize_t k = 0; !failed && k < PyTuple_GET_SIZE(keys); k++) {
            PyObject *key = PyTuple_GET_ITEM(keys, k);
            uint64_t value, current;
            if (u64_arg(key, &value, "keys") < 0) {
                failed = 1;
            }
            else if (keytable_has(&everywhere, value)) {
                continue; /* became stock or theme text in this batch */
            }
            else if (keytable_has(&held, value) && rowtable_get(t, value, &current)) {
                if (current != row_value) {
                    PyObject *empty = PyList_New(0);
                    PyObject *listed = empty ? PyDict_SetDefault(more, key, empty) : NULL;
                    failed = listed == NULL || PyList_Append(listed, row) < 0;
                    Py_XDECREF(empty);
                }
            }
            else {
                failed = rowtable_set(t, value, row_value) < 0;
            }
        }
        Py_DECREF(item);
        if (failed) {
            goto done;
        }
    }
    result = Py_NewRef(Py_None);
done:
    keytable_free(&held);
    keytable_free(&everywhere);
    return result;
}

/* sorted_flat(): [key, row, key, row, ...] of every row, in key order (an INSERT of
 * (key, row) pairs binds slices of it as they are). The pairs are sorted in C, without
 * the GIL (sort_by_key), and one int made for each value. */
static PyObject *
rowtable_sorted_flat(RowTable *t, PyObject *unused)
{
    Py_ssize_t n = t->count;
    pair *pairs = PyMem_Malloc(n ? 2 * (size_t)n * sizeof(pair) : 1); /* the pairs, then room */
    if (pairs == NULL) {
        return PyErr_NoMemory();
    }
    Py_ssize_t at = 0;
    if (t->has_zero) {
        pairs[at].key = 0;
        pairs[at++].row = t->zero_row;
    }
    for (size_t slot = 0; slot <= t->mask; slot++) {
        if (t->slots[slot].key != 0) {
            pairs[at++] = t->slots[slot];
        }
    }
    Py_BEGIN_ALLOW_THREADS
    sort_by_key(pairs, pairs + n, n);
    Py_END_ALLOW_THREADS
    pair *sorted = n ? PyMem_Realloc(pairs, (size_t)n * sizeof(pair)) : NULL; /* room freed */
    pairs = sorted != NULL ? sorted : pairs;
    PyObject *flat = PyList_New(2 * n);
    for (Py_ssize_t i = 0; flat != NULL && i < n; i++) {
        PyObject *key = PyLong_FromUnsignedLongLong(pairs[i].key);
        PyObject *row = PyLong_FromUnsignedLongLong(pairs[i].row);
        if (key == NULL || row == NULL) {
            Py_XDECREF(key);
            Py_XDECREF(row);
            Py_CLEAR(flat);
            break;
        }
        PyList_SET_ITEM(flat, 2 * i, key);
        PyList_SET_ITEM(flat, 2 * i + 1, row);
    }
    PyMem_Free(pairs);
    return flat;
}

static PyObject *
rowtable_sizeof(RowTable *t, PyObject *unused)
{
    return PyLong_FromSize_t(sizeof(RowTable) + (t->mask + 1) * sizeof(pair));
}

static PyMethodDef rowtable_methods[] = {
    {"clear", (PyCFunction)rowtable_clear, METH_NOARGS, "clear(): no rows."},
    {"get", (PyCFunction)rowtable_get_method, METH_O, "get(key, /): the row of key, else None."},
    {"keys_in", (PyCFunction)rowtable_keys_in, METH_O,
     "keys_in(keys, /): the keys of the set keys that the table has."},
    {"drop", (PyCFunction)rowtable_drop, METH_O, "drop(keys, /): the keys leave the table."},
    {"put_batch", (PyCFunction)(void (*)(void))rowtable_put_batch, METH_FASTCALL,
     "put_batch(more, new_rows, held, everywhere, /): a batch's (row, keys) into the table"
     " (matching.PendingRows.put_batch)."},
    {"sorted_flat", (PyCFunction)rowtable_sorted_flat, METH_NOARGS,
     "sorted_flat(): [key, row, key, row, ...] in key order."},
    {"__sizeof__", (PyCFunction)rowtable_sizeof, METH_NOARGS, "The table's size in bytes."},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods rowtable_as_sequence = {
    .sq_length = (lenfunc)rowtable_len,
};

static PyTypeObject RowTableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "tracer._pairs.RowTable",
    .tp_doc = "RowTable(): pending index rows, uint64 key -> uint64 row (matching.PendingRows).",
    .tp_basicsize = sizeof(RowTable),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = rowtable_new,
    .tp_dealloc = (destructor)rowtable_dealloc,
    .tp_as_sequence = &rowtable_as_sequence,
    .tp_methods = rowtable_methods,
};

static PyMethodDef methods[] = {
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
    {"touching", (PyCFunction)(void (*)(void))touching, METH_FASTCALL,
     "touching(tuples, index, repeats, /): bytes, 1 for each tuple of keys of which one may"
     " be a key of the dict index or of the set repeats."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_pairs", "Pending index rows in key order, a fingerprint's keys sorted out (tracer.matching).",
    -1, methods,
};

PyMODINIT_FUNC
PyInit__pairs(void)
{
    if (PyType_Ready(&RowTableType) < 0) {
        return NULL;
    }
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddObjectRef(m, "RowTable", (PyObject *)&RowTableType) < 0) {
        Py_CLEAR(m);
    }
    return m;
}
