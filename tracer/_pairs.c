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
 * split_keys(blob, mask) takes a fingerprint's keys as stored (8-byte integers, read
 * as tracer.fingerprint.keys_from_blob reads them) and returns two sets: the keys k
 * with k & mask == 0 (the index keys) and the others. The writer of a poll needs both
 * sets of every new post; from the blob they are made without the tuple of every key
 * and the two byte masks of the Python way (kept for a build without this module,
 * with the same result).
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

static PyObject *
split_keys(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "split_keys: takes a blob and a mask");
        return NULL;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    PyObject *indexed = NULL, *below = NULL, *result = NULL;
    uint64_t mask = PyLong_AsUnsignedLongLong(args[1]);
    if (mask == (uint64_t)-1 && PyErr_Occurred()) {
        goto done;
    }
    if (view.len % 8) {
        PyErr_SetString(PyExc_ValueError, "split_keys: a blob of 8-byte keys");
        goto done;
    }
    indexed = PySet_New(NULL);
    below = PySet_New(NULL);
    if (indexed == NULL || below == NULL) {
        goto done;
    }
    const unsigned char *bytes = view.buf;
    for (Py_ssize_t at = 0; at < view.len; at += 8) {
        uint64_t key;
        memcpy(&key, bytes + at, 8); /* the machine's order, as keys_from_blob's array('Q') */
        PyObject *number = PyLong_FromUnsignedLongLong(key);
        if (number == NULL) {
            goto done;
        }
        int failed = PySet_Add(key & mask ? below : indexed, number);
        Py_DECREF(number);
        if (failed < 0) {
            goto done;
        }
    }
    result = PyTuple_Pack(2, indexed, below);
done:
    Py_XDECREF(indexed);
    Py_XDECREF(below);
    PyBuffer_Release(&view);
    return result;
}

static PyMethodDef methods[] = {
    {"sorted_items", sorted_items, METH_O,
     "sorted_items(rows, /): the keys of a dict of ints in [0, 2**64) (to any objects)"
     " sorted, and their values, as two lists."},
    {"split_keys", (PyCFunction)(void (*)(void))split_keys, METH_FASTCALL,
     "split_keys(blob, mask, /): the 8-byte little-endian keys of blob as two sets,"
     " those with no bit of mask set and the others."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_pairs", "Pending index rows in key order, a fingerprint's keys split (tracer.matching).",
    -1, methods,
};

PyMODINIT_FUNC
PyInit__pairs(void)
{
    return PyModule_Create(&module);
}
