/* tracer._fold_bytes: the trigger search's folding of a span of a post's bytes, in one
 * pass (built by scripts/build_compiled.py beside the mypyc modules).
 *
 * fold_chunk(raw, lo, end, limit) -> (folded, padded, ascii_only) gives exactly what
 * tracer.trigger_search.fold_chunk, its pure-Python twin and the reference, gives:
 *
 *   chunk   = raw[lo:end] with every complete tag ("<" then no "<" or ">" then ">")
 *             as spaces of the same length;
 *   ascii_only = chunk.isascii();
 *   if not ascii_only: chunk with the punctuation and symbol sequences of
 *             trigger_search._SYMBOL_BYTES as spaces (scanned left to right);
 *   folded  = chunk.translate(trigger_search._TABLE)  (ASCII letters and digits kept,
 *             capitals lower-cased, other ASCII bytes as spaces, bytes >= 0x80 kept);
 *   padded  = b" " + folded[:limit] + b" ".
 *
 * The Python version needs a regex split, joins, a count, a translate and a join
 * (about a fifth of an entry's instructions); here it is one loop over the bytes.
 * tests/test_compiled_fold.py compares the two on generated and real bodies.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

static unsigned char FOLD[256];

static void
fill_table(void)
{
    for (int b = 0; b < 256; b++) {
        if (b >= 128 || (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z')) {
            FOLD[b] = (unsigned char)b;
        }
        else if (b >= 'A' && b <= 'Z') {
            FOLD[b] = (unsigned char)(b + 32);
        }
        else {
            FOLD[b] = ' ';
        }
    }
}

/* Tags as spaces, the rest folded; returns whether a byte >= 0x80 stands outside the tags. */
static int
blank_tags_and_fold(const unsigned char *s, unsigned char *out, Py_ssize_t n)
{
    unsigned char high = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c == '<') {
            Py_ssize_t j = i + 1;
            while (j < n && s[j] != '<' && s[j] != '>') {
                j++;
            }
            if (j < n && s[j] == '>') {
                memset(out + i, ' ', (size_t)(j - i + 1));
                i = j + 1;
                continue;
            }
            /* no tag starts here: "<" is text (a space once folded) */
        }
        high |= c;
        out[i] = FOLD[c];
        i++;
    }
    return (high & 0x80) != 0;
}

static int
continuation(unsigned char b)
{
    return b >= 0x80 && b <= 0xbf;
}

/* The length of the symbol sequence of _SYMBOL_BYTES that starts at out[i], or 0. */
static Py_ssize_t
symbol_at(const unsigned char *out, Py_ssize_t i, Py_ssize_t n)
{
    unsigned char b;
    switch (out[i]) {
    case 0xc2: /* \xc2[\xa0-\xbf] */
        if (i + 1 < n && out[i + 1] >= 0xa0 && out[i + 1] <= 0xbf) {
            return 2;
        }
        return 0;
    case 0xe2: /* \xe2[\x80-\xaf][\x80-\xbf] */
        if (i + 2 < n && out[i + 1] >= 0x80 && out[i + 1] <= 0xaf && continuation(out[i + 2])) {
            return 3;
        }
        return 0;
    case 0xe3: /* \xe3\x80[\x80-\xbf] */
        if (i + 2 < n && out[i + 1] == 0x80 && continuation(out[i + 2])) {
            return 3;
        }
        return 0;
    case 0xef:
        if (i + 2 >= n) {
            return 0;
        }
        b = out[i + 2];
        if (out[i + 1] == 0xbc) { /* \xef\xbc[\x80-\x8f\x9a-\xa0\xbb-\xbf] */
            if ((b >= 0x80 && b <= 0x8f) || (b >= 0x9a && b <= 0xa0) || (b >= 0xbb && b <= 0xbf)) {
                return 3;
            }
        }
        else if (out[i + 1] == 0xbd) { /* \xef\xbd[\x80\x9b-\xa5] */
            if (b == 0x80 || (b >= 0x9b && b <= 0xa5)) {
                return 3;
            }
        }
        return 0;
    case 0xf0: /* \xf0\x9f[\x80-\xbf]{2} */
        if (i + 3 < n && out[i + 1] == 0x9f && continuation(out[i + 2])
            && continuation(out[i + 3])) {
            return 4;
        }
        return 0;
    default:
        return 0;
    }
}

static void
blank_symbols(unsigned char *out, Py_ssize_t n)
{
    Py_ssize_t i = 0;
    while (i < n) {
        if (out[i] < 0xc2) {
            i++;
            continue;
        }
        Py_ssize_t size = symbol_at(out, i, n);
        if (size) {
            memset(out + i, ' ', (size_t)size);
            i += size;
        }
        else {
            i++;
        }
    }
}

static PyObject *
fold_chunk(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "fold_chunk(raw, lo, end, limit) takes 4 arguments");
        return NULL;
    }
    if (!PyBytes_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "fold_chunk: raw must be bytes");
        return NULL;
    }
    Py_ssize_t lo = PyLong_AsSsize_t(args[1]);
    Py_ssize_t end = PyLong_AsSsize_t(args[2]);
    Py_ssize_t limit = PyLong_AsSsize_t(args[3]);
    if (PyErr_Occurred()) {
        return NULL;
    }
    Py_ssize_t size = PyBytes_GET_SIZE(args[0]);
    if (lo < 0 || end < 0 || limit < 0) {
        PyErr_SetString(PyExc_ValueError, "fold_chunk: lo, end and limit must be >= 0");
        return NULL;
    }
    /* as Python slices them: raw[lo:end], folded[:limit] */
    if (lo > size) {
        lo = size;
    }
    if (end > size) {
        end = size;
    }
    if (end < lo) {
        end = lo;
    }
    Py_ssize_t n = end - lo;
    if (limit > n) {
        limit = n;
    }
    const unsigned char *s = (const unsigned char *)PyBytes_AS_STRING(args[0]) + lo;
    PyObject *folded = PyBytes_FromStringAndSize(NULL, n);
    if (folded == NULL) {
        return NULL;
    }
    unsigned char *out = (unsigned char *)PyBytes_AS_STRING(folded);
    int wide = blank_tags_and_fold(s, out, n);
    if (wide) {
        blank_symbols(out, n);
    }
    PyObject *padded = PyBytes_FromStringAndSize(NULL, limit + 2);
    if (padded == NULL) {
        Py_DECREF(folded);
        return NULL;
    }
    unsigned char *pad = (unsigned char *)PyBytes_AS_STRING(padded);
    pad[0] = ' ';
    memcpy(pad + 1, out, (size_t)limit);
    pad[limit + 1] = ' ';
    PyObject *result = PyTuple_New(3);
    if (result == NULL) {
        Py_DECREF(folded);
        Py_DECREF(padded);
        return NULL;
    }
    PyTuple_SET_ITEM(result, 0, folded);
    PyTuple_SET_ITEM(result, 1, padded);
    PyObject *ascii_only = wide ? Py_False : Py_True;
    Py_INCREF(ascii_only);
    PyTuple_SET_ITEM(result, 2, ascii_only);
    return result;
}

static PyMethodDef methods[] = {
    {"fold_chunk", (PyCFunction)(void (*)(void))fold_chunk, METH_FASTCALL,
     "fold_chunk(raw, lo, end, limit) -> (folded, padded, ascii_only): see"
     " tracer.trigger_search.fold_chunk"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "tracer._fold_bytes",
    "The trigger search's folding of a span of bytes in one pass (see"
    " tracer.trigger_search.fold_chunk, its pure-Python twin).",
    -1, methods,
};

PyMODINIT_FUNC
PyInit__fold_bytes(void)
{
    fill_table();
    return PyModule_Create(&module);
}
