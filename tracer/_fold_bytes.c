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
 *
 * find_words(padded, word_table(words, numbers)) -> [(number, start, end)] finds the
 * words of an ASCII span as the Aho-Corasick automaton of b" " + word + b" " does
 * (trigger_search._ASCII_AUTOMATON, overlapping matches, key numbers mapped): a word is
 * a run of bytes other than the space, so those matches are the runs between two spaces
 * that equal a word; one hash lookup per run instead of the automaton's steps per byte.
 *
 * tests/test_compiled_fold.py compares both with their Python twins on generated and
 * real bodies.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* trigger_search._TABLE, made by fill_table and exported as FOLD_TABLE: trigger_search
 * uses this module only when the two are the same */
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
        /* the text up to the next "<" (memchr: a vector search) */
        const unsigned char *lt = memchr(s + i, '<', (size_t)(n - i));
        Py_ssize_t stop = lt == NULL ? n : lt - s;
        for (; i < stop; i++) {
            unsigned char c = s[i];
            high |= c;
            out[i] = FOLD[c];
        }
        if (i >= n) {
            break;
        }
        Py_ssize_t j = i + 1;
        while (j < n && s[j] != '<' && s[j] != '>') {
            j++;
        }
        if (j < n && s[j] == '>') {
            memset(out + i, ' ', (size_t)(j - i + 1));
            i = j + 1;
        }
        else {
            out[i] = ' '; /* no tag starts here: "<" is text (a space once folded) */
            i++;
        }
    }
    return (high & 0x80) != 0;
}

static int
continuation(unsigned char b)
{
    return b >= 0x80 && b <= 0xbf;
}

/* trigger_search._SYMBOL_BYTES.pattern, exported as SYMBOL_PATTERN: the sequences
 * symbol_at finds (trigger_search uses this module only when its pattern is this one;
 * tests/test_compiled_fold.py checks symbol_at against the pattern on every sequence) */
static const char SYMBOL_PATTERN[] =
    "\\xc2[\\xa0-\\xbf]|\\xe2[\\x80-\\xaf][\\x80-\\xbf]|\\xe3\\x80[\\x80-\\xbf]"
    "|\\xef\\xbc[\\x80-\\x8f\\x9a-\\xa0\\xbb-\\xbf]|\\xef\\xbd[\\x80\\x9b-\\xa5]"
    "|\\xf0\\x9f[\\x80-\\xbf]{2}|\\xd5[\\x9c-\\x9e]|\\xd6\\x89";

/* The length of the symbol sequence of SYMBOL_PATTERN that starts at out[i], or 0. */
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
    case 0xd5: /* \xd5[\x9c-\x9e]: Armenian exclamation, comma (՝), question */
        if (i + 1 < n && out[i + 1] >= 0x9c && out[i + 1] <= 0x9e) {
            return 2;
        }
        return 0;
    case 0xd6: /* \xd6\x89: Armenian full stop (։) */
        if (i + 1 < n && out[i + 1] == 0x89) {
            return 2;
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
    /* as Python slices: raw[lo:end], then folded[:limit] (an offset below 0 counts from
     * the end, one out of range is clamped; integers past Py_ssize_t are clipped to it) */
    Py_ssize_t lo = PyNumber_AsSsize_t(args[1], NULL);
    Py_ssize_t end = PyNumber_AsSsize_t(args[2], NULL);
    Py_ssize_t limit = PyNumber_AsSsize_t(args[3], NULL);
    if (PyErr_Occurred()) {
        return NULL;
    }
    Py_ssize_t n = PySlice_AdjustIndices(PyBytes_GET_SIZE(args[0]), &lo, &end, 1);
    Py_ssize_t start = 0;
    limit = PySlice_AdjustIndices(n, &start, &limit, 1);
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

/* The ASCII trigger words, for find_words, in a bytes object made once by word_table
 * and read by every find_words call: per first byte, a mask of the words' lengths
 * (bit L: a word of L bytes starts with it; most runs of a text fail this test), then
 * an open-addressing hash table of the words. A word is at most WORD_MAX bytes (the
 * bits of a length mask; exported as WORD_MAX: trigger_search leaves the word search to
 * its automaton when a trigger word is longer). */
#define WORD_MAX 31
#define FIRSTS (256 * sizeof(uint32_t))
typedef struct {
    unsigned char size; /* 0: an empty slot */
    char word[WORD_MAX];
    int32_t number;
} WordSlot;

static uint32_t
word_hash(const unsigned char *word, Py_ssize_t size)
{
    uint32_t hash = 2166136261u; /* FNV-1a */
    for (Py_ssize_t i = 0; i < size; i++) {
        hash = (hash ^ word[i]) * 16777619u;
    }
    return hash;
}

static PyObject *
word_table(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyList_Check(args[0]) || !PyList_Check(args[1])
        || PyList_GET_SIZE(args[0]) != PyList_GET_SIZE(args[1])) {
        PyErr_SetString(PyExc_TypeError, "word_table(words, numbers): two lists of one size");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(args[0]);
    Py_ssize_t slots = 16;
    while (slots < 4 * count) {
        slots *= 2;
    }
    Py_ssize_t bytes = (Py_ssize_t)FIRSTS + slots * (Py_ssize_t)sizeof(WordSlot);
    PyObject *table = PyBytes_FromStringAndSize(NULL, bytes);
    if (table == NULL) {
        return NULL;
    }
    memset(PyBytes_AS_STRING(table), 0, (size_t)bytes);
    uint32_t *firsts = (uint32_t *)PyBytes_AS_STRING(table);
    WordSlot *slot = (WordSlot *)(PyBytes_AS_STRING(table) + FIRSTS);
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *word = PyList_GET_ITEM(args[0], k);
        long number = PyLong_AsLong(PyList_GET_ITEM(args[1], k));
        if (number == -1 && PyErr_Occurred()) {
            Py_DECREF(table);
            return NULL;
        }
        if (!PyBytes_Check(word) || PyBytes_GET_SIZE(word) < 1
            || PyBytes_GET_SIZE(word) > WORD_MAX || number < 0 || number > INT32_MAX
            || memchr(PyBytes_AS_STRING(word), ' ', (size_t)PyBytes_GET_SIZE(word))) {
            Py_DECREF(table);
            PyErr_SetString(PyExc_ValueError,
                            "word_table: a word is 1 to 31 bytes without a space");
            return NULL;
        }
        const unsigned char *bytes = (const unsigned char *)PyBytes_AS_STRING(word);
        Py_ssize_t size = PyBytes_GET_SIZE(word);
        Py_ssize_t at = (Py_ssize_t)(word_hash(bytes, size) & (uint32_t)(slots - 1));
        while (slot[at].size) {
            if (slot[at].size == size && memcmp(slot[at].word, bytes, (size_t)size) == 0) {
                Py_DECREF(table);
                PyErr_SetString(PyExc_ValueError, "word_table: a word is given twice");
                return NULL;
            }
            at = (at + 1) & (slots - 1);
        }
        firsts[bytes[0]] |= (uint32_t)1 << size;
        slot[at].size = (unsigned char)size;
        memcpy(slot[at].word, bytes, (size_t)size);
        slot[at].number = (int32_t)number;
    }
    return table;
}

static PyObject *
find_words(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyBytes_Check(args[0]) || !PyBytes_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "find_words(text, table): two bytes objects");
        return NULL;
    }
    Py_ssize_t slots = (PyBytes_GET_SIZE(args[1]) - (Py_ssize_t)FIRSTS) / (Py_ssize_t)sizeof(WordSlot);
    if (slots < 1 || (slots & (slots - 1)) != 0
        || (Py_ssize_t)FIRSTS + slots * (Py_ssize_t)sizeof(WordSlot) != PyBytes_GET_SIZE(args[1])) {
        PyErr_SetString(PyExc_ValueError, "find_words: not a table made by word_table");
        return NULL;
    }
    const uint32_t *firsts = (const uint32_t *)PyBytes_AS_STRING(args[1]);
    const WordSlot *slot = (const WordSlot *)(PyBytes_AS_STRING(args[1]) + FIRSTS);
    const unsigned char *text = (const unsigned char *)PyBytes_AS_STRING(args[0]);
    Py_ssize_t n = PyBytes_GET_SIZE(args[0]);
    PyObject *found = PyList_New(0);
    if (found == NULL) {
        return NULL;
    }
    /* A word needs a space after it: nothing after the last space can match, and the
     * runs before it end at a space without a bounds check. */
    Py_ssize_t last = n - 1;
    while (last >= 0 && text[last] != ' ') {
        last--;
    }
    Py_ssize_t i = 0;
    while (i < last) {
        while (text[i] == ' ') {
            i++;
        }
        if (i > last) {
            break;
        }
        Py_ssize_t start = i;
        while (text[i] != ' ') {
            i++;
        }
        Py_ssize_t size = i - start;
        /* a word between two spaces: " word " as the padded keys of the automaton */
        if (start == 0 || size > WORD_MAX || !((firsts[text[start]] >> size) & 1)) {
            continue;
        }
        uint32_t hash = word_hash(text + start, size);
        Py_ssize_t at = (Py_ssize_t)(hash & (uint32_t)(slots - 1));
        while (slot[at].size) {
            if (slot[at].size == size && memcmp(slot[at].word, text + start, (size_t)size) == 0) {
                PyObject *match = PyTuple_New(3);
                if (match == NULL) {
                    Py_DECREF(found);
                    return NULL;
                }
                PyObject *number = PyLong_FromLong(slot[at].number);
                PyObject *before = PyLong_FromSsize_t(start - 1);
                PyObject *after = PyLong_FromSsize_t(i + 1);
                PyTuple_SET_ITEM(match, 0, number); /* NULL items: freed below */
                PyTuple_SET_ITEM(match, 1, before);
                PyTuple_SET_ITEM(match, 2, after);
                if (number == NULL || before == NULL || after == NULL
                    || PyList_Append(found, match) < 0) {
                    Py_DECREF(match);
                    Py_DECREF(found);
                    return NULL;
                }
                Py_DECREF(match);
                break;
            }
            at = (at + 1) & (slots - 1);
        }
    }
    return found;
}

static PyMethodDef methods[] = {
    {"word_table", (PyCFunction)(void (*)(void))word_table, METH_FASTCALL,
     "word_table(words, numbers) -> table: the hash table find_words reads (each word"
     " 1 to 31 bytes without a space, each with its number)"},
    {"find_words", (PyCFunction)(void (*)(void))find_words, METH_FASTCALL,
     "find_words(text, table) -> [(number, start, end)]: each word of the table that"
     " stands between two spaces of text, as an Aho-Corasick search of b' ' + word + b' '"
     " with overlapping matches gives them (by end), start at the space before"},
    {"fold_chunk", (PyCFunction)(void (*)(void))fold_chunk, METH_FASTCALL,
     "fold_chunk(raw, lo, end, limit) -> (folded, padded, ascii_only): see"
     " tracer.trigger_search.fold_chunk"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "tracer._fold_bytes",
    "The trigger search's folding of a span of bytes in one pass (see"
    " tracer.trigger_search.fold_chunk, its pure-Python twin) and its search of the"
    " ASCII trigger words (find_words, for the Aho-Corasick automaton of those words).",
    -1, methods,
};

PyMODINIT_FUNC
PyInit__fold_bytes(void)
{
    fill_table();
    PyObject *self = PyModule_Create(&module);
    if (self == NULL) {
        return NULL;
    }
    if (PyModule_AddIntConstant(self, "WORD_MAX", WORD_MAX) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    /* what trigger_search compares with its own _TABLE and _SYMBOL_BYTES.pattern */
    PyObject *table = PyBytes_FromStringAndSize((const char *)FOLD, sizeof FOLD);
    if (table == NULL || PyModule_AddObject(self, "FOLD_TABLE", table) < 0) {
        Py_XDECREF(table);
        Py_DECREF(self);
        return NULL;
    }
    PyObject *pattern = PyBytes_FromStringAndSize(SYMBOL_PATTERN, sizeof SYMBOL_PATTERN - 1);
    if (pattern == NULL || PyModule_AddObject(self, "SYMBOL_PATTERN", pattern) < 0) {
        Py_XDECREF(pattern);
        Py_DECREF(self);
        return NULL;
    }
    return self;
}
