/* tracer._shingles: the folding and word hashing of tracer/fingerprint.py in one C pass.
 *
 * shingle_keys_text(text, ascii_fold, classes) folds a text (ASCII, or NFKC-normalized
 * and case-folded by the caller) as fingerprint.folded() does, and returns what
 * fingerprint_text makes of its words:
 *     (words, level, keys blob, first phrases, other phrases)
 * with the same CRC-32 word hashes, selectors, level, keys and phrases, byte for byte
 * (tests/test_fingerprint_native.py compares it with the Python formulation). Texts of
 * fewer than MIN_WORDS words give (words, 0, b"", "", "").
 *
 * Built by scripts/build_compiled.py beside mypyc's modules; tracer/fingerprint.py runs
 * its own Python code when this module is absent, stale or built with other PARAMS.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define SHINGLE 5
#define MIN_WORDS 50
#define MAX_KEYS 64
#define BASE_MASK 7
#define MAX_LEVEL 12
#define SELECTOR_BITS 16
#define EVIDENCE_PHRASES 16
#define CHUNK 4 /* characters per word of a script written without spaces (CHUNKED) */

/* crc_tables[0]: the CRC-32 of zlib (reflected polynomial 0xEDB88320) a byte at a time;
 * crc_tables[k][n]: of byte n followed by k zero bytes (eight bytes at a time) */
static uint32_t crc_tables[8][256];
#define crc_table crc_tables[0]

static void
make_crc_table(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
    for (int k = 1; k < 8; k++)
        for (int n = 0; n < 256; n++)
            crc_tables[k][n] = (crc_tables[k - 1][n] >> 8) ^ crc_table[crc_tables[k - 1][n] & 0xFF];
}

/* crc is the running value, complemented: start at 0xFFFFFFFF, complement at the end.
 * Eight bytes a step (two little-endian 32-bit loads, eight table reads), then bytes. */
static inline uint32_t
crc_update(uint32_t crc, const unsigned char *p, Py_ssize_t len)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; len >= 8; p += 8, len -= 8) {
        uint32_t low, high;
        memcpy(&low, p, 4);
        memcpy(&high, p + 4, 4);
        low ^= crc;
        crc = crc_tables[7][low & 0xFF] ^ crc_tables[6][(low >> 8) & 0xFF]
              ^ crc_tables[5][(low >> 16) & 0xFF] ^ crc_tables[4][low >> 24]
              ^ crc_tables[3][high & 0xFF] ^ crc_tables[2][(high >> 8) & 0xFF]
              ^ crc_tables[1][(high >> 16) & 0xFF] ^ crc_tables[0][high >> 24];
    }
#endif
    for (Py_ssize_t i = 0; i < len; i++)
        crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return crc;
}

#if defined(__GNUC__) || defined(__clang__)
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#define NOINLINE static __attribute__((noinline))
#else
#define ALWAYS_INLINE static inline
#define NOINLINE static
#endif

/* Folded text as it is written, its words hashed on the way: out holds the words
 * separated by one space each (out[0] is a space, a space may end it), so that a
 * shingle is one span of out, its phrase as fingerprint joins it; word i is
 * out[start[i]:end[i]], its CRC-32 hash[i]. One allocation holds it all. */
typedef struct {
    unsigned char *out;
    Py_ssize_t o;
    Py_ssize_t *start, *end;
    uint32_t *hash;
    Py_ssize_t words;
    uint32_t crc; /* of the word being written, complemented */
    int space;    /* out ends with a space (out[o - 1] == ' ') */
} folder;

/* room for size bytes of folded text (and the space that ends it): 0, or -1 (no memory) */
static int
folder_init(folder *f, Py_ssize_t size)
{
    Py_ssize_t words = size / 2 + 2; /* a word and its space: two bytes at least */
    if (size > (PY_SSIZE_T_MAX - 64) / 16)
        goto no_memory;
    char *block = PyMem_Malloc(words * (2 * sizeof(Py_ssize_t) + sizeof(uint32_t)) + size + 2);
    if (block == NULL)
        goto no_memory;
    f->start = (Py_ssize_t *)block;
    f->end = f->start + words;
    f->hash = (uint32_t *)(f->end + words);
    f->out = (unsigned char *)(f->hash + words);
    f->out[0] = ' ';
    f->o = 1;
    f->words = 0;
    f->crc = 0xFFFFFFFFu;
    f->space = 1;
    return 0;
no_memory:
    PyErr_NoMemory();
    return -1;
}

/* a word break: one space after a word, none after a space */
ALWAYS_INLINE void
put_space(folder *f)
{
    if (!f->space) {
        f->end[f->words] = f->o;
        f->hash[f->words++] = ~f->crc;
        f->out[f->o++] = ' ';
        f->space = 1;
    }
}

/* a byte of the word being written (after its first) */
ALWAYS_INLINE void
put_next(folder *f, unsigned char b)
{
    f->out[f->o++] = b;
    f->crc = crc_table[(f->crc ^ b) & 0xFF] ^ (f->crc >> 8);
}

/* a byte of a word */
ALWAYS_INLINE void
put_byte(folder *f, unsigned char b)
{
    if (f->space) {
        f->start[f->words] = f->o;
        f->crc = 0xFFFFFFFFu;
        f->space = 0;
    }
    put_next(f, b);
}

/* (words, level, keys blob, first phrases, other phrases) of a folder's words; ascii:
 * every byte of its text is ASCII (the phrases are written straight into their str) */
static PyObject *
keys_of_words(folder *f, int ascii)
{
    put_space(f); /* the last word ends */
    const unsigned char *text = f->out;
    const Py_ssize_t *start = f->start, *end = f->end;
    Py_ssize_t words = f->words;
    int level = 0;
    /* texts under MIN_WORDS words: no shingle, no key, no phrase */
    Py_ssize_t last = words < MIN_WORDS ? 0 : words - SHINGLE + 1;

    /* the selector of the shingle starting at i, as fingerprint.selectors() (low 17
     * bits), in place of the hash of word i (read before, by selector i - 2 at last) */
    uint32_t *selector = f->hash;
    /* kept_at[l]: the shingles that level l keeps (its mask is (BASE_MASK + 1 << l) - 1) */
    Py_ssize_t kept_at[MAX_LEVEL + 1] = {0};
    for (Py_ssize_t i = 0; i < last; i++) {
        uint32_t *hash = selector;
        uint32_t s = ((hash[i] & 0xFFFF) ^ ((hash[i + 1] >> 7) & 0xFFFF)) + (hash[i + 2] & 0xFFFF);
        selector[i] = s;
        for (int l = 0; l <= MAX_LEVEL && !(s & (((uint32_t)(BASE_MASK + 1) << l) - 1)); l++)
            kept_at[l]++;
    }
    while (kept_at[level] > MAX_KEYS && level < MAX_LEVEL)
        level++;
    Py_ssize_t kept = kept_at[level];
    uint32_t mask = ((uint32_t)(BASE_MASK + 1) << level) - 1;
    /* the first EVIDENCE_PHRASES phrases (0) and the others (1), one per line: lengths */
    Py_ssize_t length[2] = {0, 0}, k = 0;
    for (Py_ssize_t i = 0; i < last; i++) {
        if (!(selector[i] & mask)) {
            int part = k >= EVIDENCE_PHRASES;
            length[part] += (k != 0 && k != EVIDENCE_PHRASES) + end[i + SHINGLE - 1] - start[i];
            k++;
        }
    }
    PyObject *blob = PyBytes_FromStringAndSize(NULL, kept * (Py_ssize_t)sizeof(uint64_t));
    PyObject *phrases[2] = {NULL, NULL};
    unsigned char *utf8 = NULL, *into[2];
    if (blob == NULL)
        goto fail;
    if (ascii) {
        for (int part = 0; part < 2; part++) {
            if ((phrases[part] = PyUnicode_New(length[part], 0x7F)) == NULL)
                goto fail;
            into[part] = PyUnicode_1BYTE_DATA(phrases[part]);
        }
    } else {
        if ((utf8 = PyMem_Malloc(length[0] + length[1] + 1)) == NULL) {
            PyErr_NoMemory();
            goto fail;
        }
        into[0] = utf8;
        into[1] = utf8 + length[0];
    }
    unsigned char *keys = (unsigned char *)PyBytes_AS_STRING(blob);
    k = 0;
    for (Py_ssize_t i = 0; i < last; i++) {
        if (selector[i] & mask)
            continue;
        int part = k >= EVIDENCE_PHRASES;
        if (k != 0 && k != EVIDENCE_PHRASES)
            *into[part]++ = '\n';
        Py_ssize_t size = end[i + SHINGLE - 1] - start[i];
        uint32_t crc = crc_update(0xFFFFFFFFu, text + start[i], size);
        memcpy(into[part], text + start[i], size);
        into[part] += size;
        uint64_t key = (uint64_t)(~crc) << SELECTOR_BITS | (selector[i] & ((1u << SELECTOR_BITS) - 1));
        memcpy(keys + k++ * sizeof(uint64_t), &key, sizeof key); /* little-endian: as stored */
    }
    if (!ascii) {
        for (int part = 0; part < 2; part++) {
            const char *first = (const char *)(part ? utf8 + length[0] : utf8);
            if ((phrases[part] = PyUnicode_DecodeUTF8(first, length[part], NULL)) == NULL)
                goto fail;
        }
        PyMem_Free(utf8);
        utf8 = NULL;
    }
    PyObject *result = PyTuple_New(5);
    if (result == NULL)
        goto fail;
    PyObject *n = PyLong_FromSsize_t(words), *at = PyLong_FromLong(level);
    PyTuple_SET_ITEM(result, 0, n);
    PyTuple_SET_ITEM(result, 1, at);
    PyTuple_SET_ITEM(result, 2, blob);
    PyTuple_SET_ITEM(result, 3, phrases[0]);
    PyTuple_SET_ITEM(result, 4, phrases[1]);
    if (n == NULL || at == NULL) {
        Py_DECREF(result);
        return NULL;
    }
    return result;

fail:
    Py_XDECREF(blob);
    Py_XDECREF(phrases[0]);
    Py_XDECREF(phrases[1]);
    PyMem_Free(utf8);
    return NULL;
}

/* the first position of c in text[from:to], or to */
ALWAYS_INLINE Py_ssize_t
find_char(int kind, const void *text, Py_ssize_t from, Py_ssize_t to, Py_UCS4 c)
{
    if (kind == PyUnicode_1BYTE_KIND) { /* memchr: a vector search */
        const Py_UCS1 *found = memchr((const Py_UCS1 *)text + from, (int)c, (size_t)(to - from));
        return found ? found - (const Py_UCS1 *)text : to;
    }
    while (from < to && PyUnicode_READ(kind, text, from) != c)
        from++;
    return from;
}

/* safe[c] of a BMP character (fingerprint._SAFE, for item_keys): SAFE_CHAR when the
 * character is a word break wherever it stands (NFKC, casefold and _BREAKS make only
 * spaces of it, and NFKC composes it with no neighbour); SAFE_NUMBER when the entity
 * "&#c;" (decimal, any leading zeros) decodes to such breaks or ASCII breaks */
#define SAFE_CHAR 1
#define SAFE_NUMBER 2

/* Does text[at:] start with the ASCII name[:size]? */
ALWAYS_INLINE int
ascii_at(int kind, const void *text, Py_ssize_t at, const char *name, Py_ssize_t size)
{
    if (kind == PyUnicode_1BYTE_KIND)
        return !memcmp((const Py_UCS1 *)text + at, name, (size_t)size);
    for (Py_ssize_t k = 0; k < size; k++) {
        if (PyUnicode_READ(kind, text, at + k) != (Py_UCS4)(unsigned char)name[k])
            return 0;
    }
    return 1;
}

/* The entity at chars[i] (an "&") when html.unescape decodes it to word breaks only: the
 * position of its ";", else -1. A decimal one ("&#" up to 7 digits ";") whose number has
 * SAFE_NUMBER in safe, or one of names (NUL-separated, each with its ";": the named
 * entities whose characters are breaks, fingerprint._SAFE_NAMES): as html.unescape reads
 * them, since its names stop at the first ";" and its numbers take every digit. */
NOINLINE Py_ssize_t /* out of fold_chars' loop: its folder stays in registers */
entity_at(int kind, const void *chars, Py_ssize_t i, Py_ssize_t length,
          const unsigned char *safe, const char *names, Py_ssize_t names_size)
{
    Py_ssize_t rest = length - i - 1;
    if (rest >= 3 && PyUnicode_READ(kind, chars, i + 1) == '#') {
        Py_ssize_t j = i + 2;
        Py_UCS4 number = 0, d;
        while (j < length && j < i + 9 && (d = PyUnicode_READ(kind, chars, j)) >= '0' && d <= '9') {
            number = number * 10 + (d - '0');
            j++;
        }
        if (j > i + 2 && j < length && PyUnicode_READ(kind, chars, j) == ';' && number < 0x10000
            && safe[number] & SAFE_NUMBER)
            return j;
        return -1;
    }
    for (const char *name = names, *stop = names + names_size; name < stop;) {
        Py_ssize_t size = (Py_ssize_t)strlen(name);
        if (rest >= size && (Py_UCS4)(unsigned char)name[0] == PyUnicode_READ(kind, chars, i + 1)
            && ascii_at(kind, chars, i + 1, name, size))
            return i + size;
        name += size + 1;
    }
    return -1;
}

/* What item_keys reads besides the text: fingerprint._ASCII_FOLD, _SAFE and _SAFE_NAMES */
typedef struct {
    const unsigned char *ascii_fold, *safe;
    const char *names;
    Py_ssize_t names_size;
} fold_tables;

/* chars[0:length] (a str's data of the given kind; ascii: every character is ASCII)
 * folded into a folder. ASCII characters by the table ascii_fold, which makes a break a
 * byte <= ' ' (a space, or one of bytes.split()'s), and any other character a byte > ' '
 * (fingerprint._ASCII_FOLD does; tests check it), "&" and "<" among the breaks: so a
 * letter costs one test. Another character is a break when safe has SAFE_CHAR for it,
 * else -1 (folding it needs NFKC). With entities (tables->names), each "&" is decoded as
 * fingerprint.unescape() does when it starts an entity of entity_at (all breaks), else
 * -1 (unescape would decode another character, or leave the work to html.unescape).
 * With tags, the second pass of the tag regexes (_TAG, see strip_into) on the way: each
 * "<" that has a ">" after it, up to the first one, is a break. 0 when all is folded. */
ALWAYS_INLINE int
fold_chars(folder *into, int kind, int ascii, const void *chars, Py_ssize_t length,
           const fold_tables *tables, int entities, int tags)
{
    const unsigned char *ascii_fold = tables->ascii_fold;
    /* a copy in registers: a store to out (char) could alias the fields behind a pointer */
    folder copy = *into, *f = &copy;
    /* with tags: chars[gt_end - 1] is the last ">" (gt_end 0: none) */
    Py_ssize_t gt_end = tags ? length : 0;
    while (gt_end > 0 && PyUnicode_READ(kind, chars, gt_end - 1) != '>')
        gt_end--;
#define FOLD_OF(c) (ascii || (c) < 0x80 ? ascii_fold[c] : 0)
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, chars, i), next;
        unsigned char b = FOLD_OF(c);
        if (b > ' ') { /* a word's letters, in a loop of their own */
            put_byte(f, b);
            while (i + 1 < length && (next = PyUnicode_READ(kind, chars, i + 1),
                                      (b = FOLD_OF(next)) > ' ')) {
                put_next(f, b);
                i++;
            }
            continue;
        }
        if (!ascii && c >= 0x80) {
            if (c < 0x10000 && tables->safe[c] & SAFE_CHAR) {
                put_space(f);
                continue;
            }
            *into = copy;
            return -1;
        }
        if (c == '<' && i + 1 < gt_end) { /* a tag, up to the first ">" after it: a break */
            i = find_char(kind, chars, i + 1, gt_end, '>');
        } else if (c == '&' && entities) {
            i = entity_at(kind, chars, i, length, tables->safe, tables->names, tables->names_size);
            if (i < 0) {
                *into = copy;
                return -1;
            }
        }
        put_space(f);
    }
#undef FOLD_OF
    *into = copy;
    return 0;
}

/* fold_chars of an ASCII text without entities or tags (shingle_keys_text) */
static void
fold_ascii(folder *into, const unsigned char *chars, Py_ssize_t length,
           const unsigned char *ascii_fold)
{
    fold_tables tables = {ascii_fold, NULL, NULL, 0};
    fold_chars(into, PyUnicode_1BYTE_KIND, 1, chars, length, &tables, 0, 0);
}

/* fold_chars with entities, one function a case (each compiled on its own: its folder
 * stays in registers) */
#define FOLD_CASE(name, kind, ascii, tags)                                                   \
    NOINLINE int name(folder *into, const void *chars, Py_ssize_t length,                     \
                      const fold_tables *tables)                                             \
    {                                                                                        \
        return fold_chars(into, kind, ascii, chars, length, tables, 1, tags);                \
    }
FOLD_CASE(fold_ascii_title, PyUnicode_1BYTE_KIND, 1, 0)
FOLD_CASE(fold_ascii_body, PyUnicode_1BYTE_KIND, 1, 1)
FOLD_CASE(fold_latin1_title, PyUnicode_1BYTE_KIND, 0, 0)
FOLD_CASE(fold_latin1_body, PyUnicode_1BYTE_KIND, 0, 1)
FOLD_CASE(fold_ucs2_title, PyUnicode_2BYTE_KIND, 0, 0)
FOLD_CASE(fold_ucs2_body, PyUnicode_2BYTE_KIND, 0, 1)
FOLD_CASE(fold_ucs4_title, PyUnicode_4BYTE_KIND, 0, 0)
FOLD_CASE(fold_ucs4_body, PyUnicode_4BYTE_KIND, 0, 1)
#undef FOLD_CASE

/* fold_chars with entities of chars[0:length], of the given kind (ascii: every character
 * is ASCII); tags: a body's (see fold_chars) */
static int
fold_text(folder *into, int kind, int ascii, const void *chars, Py_ssize_t length,
          const fold_tables *tables, int tags)
{
    if (ascii)
        return (tags ? fold_ascii_body : fold_ascii_title)(into, chars, length, tables);
    switch (kind) {
    case PyUnicode_1BYTE_KIND:
        return (tags ? fold_latin1_body : fold_latin1_title)(into, chars, length, tables);
    case PyUnicode_2BYTE_KIND:
        return (tags ? fold_ucs2_body : fold_ucs2_title)(into, chars, length, tables);
    default:
        return (tags ? fold_ucs4_body : fold_ucs4_title)(into, chars, length, tables);
    }
}

/* classes[c] of a BMP character (fingerprint._CLASSES): what folding does with it */
#define BREAK 1    /* a word break: a space */
#define DELETE 2   /* dropped (format characters) */
#define HAN_KANA 4 /* a word of its own */
#define CHUNKED 8  /* cut into words of CHUNK characters, counted from the run's start */

ALWAYS_INLINE void
put_utf8(folder *f, Py_UCS4 c)
{
    if (c < 0x800) {
        put_byte(f, 0xC0 | (c >> 6));
    } else if (c < 0x10000) {
        put_byte(f, 0xE0 | (c >> 12));
        put_byte(f, 0x80 | ((c >> 6) & 0x3F));
    } else {
        put_byte(f, 0xF0 | (c >> 18));
        put_byte(f, 0x80 | ((c >> 12) & 0x3F));
        put_byte(f, 0x80 | ((c >> 6) & 0x3F));
    }
    put_byte(f, 0x80 | (c & 0x3F));
}

/* shingle_keys_text(text, ascii_fold, classes): keys_of_words of a text that is ASCII,
 * or NFKC-normalized and case-folded: each character folded on the way (ASCII by the
 * 128-byte table ascii_fold, the rest of the BMP by the 65,536-byte table classes; other
 * characters are kept), as fingerprint.folded() does with str.translate and encode. */
static PyObject *
shingle_keys_text(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 3 || !PyUnicode_Check(args[0]) || !PyBytes_Check(args[1])
        || !PyBytes_Check(args[2]) || PyBytes_GET_SIZE(args[1]) < 128
        || PyBytes_GET_SIZE(args[2]) != 0x10000) {
        PyErr_SetString(PyExc_TypeError,
                        "shingle_keys_text(text: str, ascii_fold: bytes[128+], classes: bytes[65536])");
        return NULL;
    }
    PyObject *text = args[0];
    const unsigned char *ascii_fold = (const unsigned char *)PyBytes_AS_STRING(args[1]);
    const unsigned char *classes = (const unsigned char *)PyBytes_AS_STRING(args[2]);
    if (PyUnicode_READY(text) < 0)
        return NULL;
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (length > (PY_SSIZE_T_MAX - 1) / 6)
        return PyErr_NoMemory();
    folder into;
    int ascii = kind == PyUnicode_1BYTE_KIND && PyUnicode_IS_ASCII(text);
    if (folder_init(&into, ascii ? length : 6 * length) < 0) /* a character: at most 6 bytes */
        return NULL;
    if (ascii) {
        fold_ascii(&into, data, length, ascii_fold);
    } else {
        folder f = into; /* in registers (see fold_ascii) */
        int run = 0;     /* characters of the CHUNKED word being written */
        for (Py_ssize_t i = 0; i < length; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (c < 0x80) {
                unsigned char b = ascii_fold[c];
                if (run) { /* the run of a CHUNKED script ends */
                    put_space(&f);
                    run = 0;
                }
                if (b > ' ')
                    put_byte(&f, b);
                else
                    put_space(&f);
                continue;
            }
            unsigned char cls = c < 0x10000 ? classes[c] : 0;
            if ((cls & CHUNKED) && !(cls & (BREAK | DELETE))) {
                if (run == 0)
                    put_space(&f);
                put_utf8(&f, c);
                if (++run == CHUNK) {
                    put_space(&f);
                    run = 0;
                }
                continue;
            }
            if (run && (!(cls & DELETE) || (cls & HAN_KANA))) { /* (a dropped one: not) */
                put_space(&f);
                run = 0;
            }
            if (cls & HAN_KANA) {
                put_space(&f);
                if (!(cls & (BREAK | DELETE))) {
                    put_utf8(&f, c);
                    put_space(&f);
                }
            } else if (cls & BREAK) {
                put_space(&f);
            } else if (!(cls & DELETE)) {
                put_utf8(&f, c);
            }
        }
        into = f;
    }
    PyObject *result = keys_of_words(&into, ascii);
    PyMem_Free(into.start);
    return result;
}

/* Could a regex IGNORECASE literal `letter` (lowercase ASCII) match c? As Python's re
 * does: ASCII case pairs, and U+017F (long s) for s, U+0130 and U+0131 (dotted capital
 * and dotless i) for i (tests check these sets against re itself). */
static inline int
letter_matches(Py_UCS4 c, char letter)
{
    if (c < 0x80)
        return (c | 0x20) == (Py_UCS4)letter && letter >= 'a' && letter <= 'z';
    return (letter == 's' && c == 0x17F) || (letter == 'i' && (c == 0x130 || c == 0x131));
}

/* The tag stripping below has one body for the three widths of a str (one, two or
 * four bytes a character): its functions take the width (the str's kind) as an
 * argument and are always inlined, and strip_tags calls them with each kind as a
 * constant, so the compiler makes one copy per width with the kind's tests folded
 * away (as PyUnicode_READ's own switch is). */

/* Does text[at:] start with a spelling of name that a regex IGNORECASE literal matches? */
ALWAYS_INLINE int
name_at(int kind, const void *text, Py_ssize_t at, Py_ssize_t size, const char *name)
{
    for (Py_ssize_t k = 0; name[k]; k++) {
        if (at + k >= size || !letter_matches(PyUnicode_READ(kind, text, at + k), name[k]))
            return 0;
    }
    return 1;
}

/* The first pass of the tag regexes (_DROP) over in[:size] (a text of the given kind)
 * into out (room for size characters): the length of the result, or -1 when a "<" is
 * followed by a name _DROP's script/style/noscript could match (the regexes decide) */
ALWAYS_INLINE Py_ssize_t
drop_into(int kind, const void *in, Py_ssize_t size, char *out)
{
    /* pass 1: _DROP; comments is 0 once a "<!--" has no "-->" after it: nor has any
     * later one (without it, n unclosed "<!--" cost n scans to the end of the text) */
    Py_ssize_t o = 0, i = 0;
    int comments = 1;
    while (i < size) {
        Py_ssize_t at = find_char(kind, in, i, size, '<');
        memcpy(out + o * kind, (const char *)in + i * kind, (size_t)(at - i) * kind);
        o += at - i;
        i = at;
        if (i == size)
            break;
        if (name_at(kind, in, i + 1, size, "script") || name_at(kind, in, i + 1, size, "style")
            || name_at(kind, in, i + 1, size, "noscript"))
            return -1;
        if (comments && i + 3 < size && PyUnicode_READ(kind, in, i + 1) == '!'
            && PyUnicode_READ(kind, in, i + 2) == '-' && PyUnicode_READ(kind, in, i + 3) == '-') {
            Py_ssize_t j = i + 4;
            while (j + 2 < size
                   && !(PyUnicode_READ(kind, in, j) == '-' && PyUnicode_READ(kind, in, j + 1) == '-'
                        && PyUnicode_READ(kind, in, j + 2) == '>'))
                j++;
            if (j + 2 < size) { /* a comment: one space */
                PyUnicode_WRITE(kind, out, o++, ' ');
                i = j + 3;
                continue;
            }
            comments = 0;
        }
        PyUnicode_WRITE(kind, out, o++, '<');
        i++;
    }
    return o;
}

/* Both passes of the tag regexes over in[:size] into out (drop_into), the second in
 * place (a tag of at least two characters becomes one space: the output never overtakes
 * the input): the length of the result, or -1 (the regexes decide) */
ALWAYS_INLINE Py_ssize_t
strip_into(int kind, const void *in, Py_ssize_t size, char *out)
{
    Py_ssize_t o = drop_into(kind, in, size, out), i;
    if (o < 0)
        return -1;
    /* pass 2: _TAG, every "<" up to the first ">" after it; none after: the rest stays */
    Py_ssize_t n = 0;
    i = 0;
    while (i < o) {
        Py_ssize_t at = find_char(kind, out, i, o, '<');
        Py_ssize_t gt = at < o ? find_char(kind, out, at + 1, o, '>') : o;
        if (gt == o)
            at = o;
        memmove(out + n * kind, out + i * kind, (size_t)(at - i) * kind);
        n += at - i;
        if (gt == o)
            break;
        PyUnicode_WRITE(kind, out, n++, ' ');
        i = gt + 1;
    }
    return n;
}

/* strip_tags of a text of the given kind (strip_into), as a str or None */
ALWAYS_INLINE PyObject *
strip_tags_of_kind(int kind, PyObject *text)
{
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    char *out = PyMem_Malloc((size_t)(size + 1) * kind);
    PyObject *result = NULL;
    if (out == NULL)
        return PyErr_NoMemory();
    Py_ssize_t n = strip_into(kind, PyUnicode_DATA(text), size, out);
    if (n < 0) {
        result = Py_None;
        Py_INCREF(result);
    } else if (PyUnicode_IS_ASCII(text)) { /* and so is what is left of it */
        result = PyUnicode_New(n, 0x7F);
        if (result != NULL)
            memcpy(PyUnicode_1BYTE_DATA(result), out, (size_t)n);
    } else {
        result = PyUnicode_FromKindAndData(kind, out, n); /* narrowed as the str needs */
    }
    PyMem_Free(out);
    return result;
}

/* strip_tags(text) -> str | None: fingerprint's _TAG.sub(" ", _DROP.sub(" ", text)) when
 * no "<" of text is followed by a name that _DROP's script/style/noscript could match
 * (then None: the regexes do it). Comments ("<!--" to the first "-->" after it) become a
 * space in a first pass, then every "<" up to the next ">" in a second, as the two
 * regex substitutions do one after the other. */
static PyObject *
strip_tags(PyObject *module, PyObject *text)
{
    (void)module;
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "strip_tags(text: str)");
        return NULL;
    }
    if (PyUnicode_READY(text) < 0)
        return NULL;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        return strip_tags_of_kind(PyUnicode_1BYTE_KIND, text);
    case PyUnicode_2BYTE_KIND:
        return strip_tags_of_kind(PyUnicode_2BYTE_KIND, text);
    default:
        return strip_tags_of_kind(PyUnicode_4BYTE_KIND, text);
    }
}

/* drop_into with a constant kind in each call */
static Py_ssize_t
drop_into_kind(int kind, const void *in, Py_ssize_t size, char *out)
{
    switch (kind) {
    case PyUnicode_1BYTE_KIND:
        return drop_into(PyUnicode_1BYTE_KIND, in, size, out);
    case PyUnicode_2BYTE_KIND:
        return drop_into(PyUnicode_2BYTE_KIND, in, size, out);
    default:
        return drop_into(PyUnicode_4BYTE_KIND, in, size, out);
    }
}

/* item_keys(title, body, ascii_fold, safe, names) -> shingle_keys_text's tuple of the
 * text that fingerprint.fingerprint_item() makes of an item's title (None: "") and first
 * body (None: none), in one pass and without that text as a str: the title decoded
 * (unescape), " \n " when there is a body, then the body's visible text (strip_tags, then
 * unescape). Only when all of it folds without NFKC: ASCII characters and the safe breaks
 * of safe (SAFE_CHAR), every "&" an entity of entity_at, no script, style or noscript
 * element; else None (fingerprint_item does it in its steps). */
static PyObject *
item_keys(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 5 || !(args[0] == Py_None || PyUnicode_Check(args[0]))
        || !(args[1] == Py_None || PyUnicode_Check(args[1])) || !PyBytes_Check(args[2])
        || PyBytes_GET_SIZE(args[2]) < 128 || !PyBytes_Check(args[3])
        || PyBytes_GET_SIZE(args[3]) != 0x10000 || !PyBytes_Check(args[4])) {
        PyErr_SetString(PyExc_TypeError,
                        "item_keys(title: str | None, body: str | None, ascii_fold: bytes[128+],"
                        " safe: bytes[65536], names: bytes)");
        return NULL;
    }
    PyObject *title = args[0], *body = args[1];
    fold_tables tables = {
        (const unsigned char *)PyBytes_AS_STRING(args[2]),
        (const unsigned char *)PyBytes_AS_STRING(args[3]),
        PyBytes_AS_STRING(args[4]),
        PyBytes_GET_SIZE(args[4]),
    };
    if ((title != Py_None && PyUnicode_READY(title) < 0)
        || (body != Py_None && PyUnicode_READY(body) < 0))
        return NULL;
    Py_ssize_t title_length = title == Py_None ? 0 : PyUnicode_GET_LENGTH(title);
    Py_ssize_t body_length = body == Py_None ? 0 : PyUnicode_GET_LENGTH(body);
    int body_kind = body == Py_None ? PyUnicode_1BYTE_KIND : PyUnicode_KIND(body);
    int body_ascii = body == Py_None || PyUnicode_IS_ASCII(body);
    if (title_length > PY_SSIZE_T_MAX / 8 - 8 || body_length > PY_SSIZE_T_MAX / 8 - 8)
        return PyErr_NoMemory();
    /* folded: one byte a character at most (and " \n "); the body's visible text after it
     * (an ASCII body's, else in a block of its own: aligned for its kind) */
    folder f;
    if (folder_init(&f, title_length + (body_ascii ? 2 : 1) * body_length + 8) < 0)
        return NULL;
    char *visible = body_ascii ? (char *)f.out + title_length + body_length + 6
                               : PyMem_Malloc((size_t)body_length * body_kind + 1);
    if (visible == NULL) {
        PyMem_Free(f.start);
        return PyErr_NoMemory();
    }
    int failed = 0;
    if (title_length)
        failed = fold_text(&f, PyUnicode_KIND(title), PyUnicode_IS_ASCII(title),
                           PyUnicode_DATA(title), title_length, &tables, 0);
    if (!failed && body != Py_None) {
        put_space(&f); /* " \n " */
        Py_ssize_t n = drop_into_kind(body_kind, PyUnicode_DATA(body), body_length, visible);
        failed = n < 0 || fold_text(&f, body_kind, body_ascii, visible, n, &tables, 1);
    }
    PyObject *result;
    if (failed) {
        result = Py_None;
        Py_INCREF(result);
    } else {
        result = keys_of_words(&f, 1); /* only ASCII bytes are written */
    }
    if (!body_ascii)
        PyMem_Free(visible);
    PyMem_Free(f.start);
    return result;
}

static PyMethodDef methods[] = {
    {"strip_tags", strip_tags, METH_O,
     "strip_tags(text: str) -> fingerprint's two tag regexes' result, or None: they must run"},
    {"item_keys", (PyCFunction)(void (*)(void))item_keys, METH_FASTCALL,
     "item_keys(title: str | None, body: str | None, ascii_fold: bytes, safe: bytes, names: bytes)"
     " -> shingle_keys_text's"
     " tuple of fingerprint_item's text, or None: its steps must run"},
    {"shingle_keys_text", (PyCFunction)(void (*)(void))shingle_keys_text, METH_FASTCALL,
     "shingle_keys_text(text: str, ascii_fold: bytes, classes: bytes) -> (words, level,"
     " keys blob, first phrases, other phrases) of the folded text"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "tracer._shingles",
    "The word hashing of tracer.fingerprint in C (same results as its Python code).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__shingles(void)
{
    make_crc_table();
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL)
        return NULL;
    /* fingerprint.py uses this module only when these are its own constants */
    PyObject *params = Py_BuildValue(
        "(iiiiiiii)", SHINGLE, MIN_WORDS, MAX_KEYS, BASE_MASK, MAX_LEVEL, SELECTOR_BITS,
        EVIDENCE_PHRASES, CHUNK);
    if (params == NULL || PyModule_AddObject(module, "PARAMS", params) < 0) {
        Py_XDECREF(params);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
