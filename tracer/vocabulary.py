"""The credit vocabulary compiled for fast search. Pure; built once at import.

:mod:`tracer.credits` holds the phrases as readable regular expressions.
This module turns each into a :class:`Phrase` (compiled, lower-case, word
bounded) and works out its *trigger words*: whole words such that every text
the phrase matches contains at least one of them. Extraction first looks for
trigger words in a post with cheap byte operations and runs a phrase's
regular expression only where one of its triggers occurs. The strings a phrase
can match are listed by a small parser of the regular-expression subset the
vocabulary uses (groups, alternation, classes of characters, repeats); an open
repeat or a class such as ``\\s`` is a gap that never holds a trigger word.

>>> phrase = next(p for p in PHRASES if p.source == r"source article from")
>>> phrase.pattern, phrase.role, sorted(phrase.triggers)
('source-article-from', 'lead', ['source'])
>>> bool(phrase.regex.search("<br>source  article\\nfrom x")), phrase.anchored
(True, True)
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path

from tracer import credits

__all__ = [
    "CALLS_TO_ACTION",
    "CONTINUE_READING",
    "IMAGE_WORDS",
    "LABEL_QUALIFIERS",
    "LINE_LABELS",
    "NOT_OUTLET_NAMES",
    "PHRASES",
    "PLURAL_HINTS",
    "Phrase",
    "is_spaceless",
]

_MAX_EXPANSIONS = 50_000
_GAP = " \x00 "  # stands for ".{0,80}?" and the like: never a trigger word
# Words are split exactly as extraction splits a post: at ASCII non-alphanumerics.
_SPLIT = re.compile(r"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")
# Words too common to be good triggers (used only when nothing rarer covers a phrase).
_COMMON = frozenset(
    "the a an at on in of by for to is was has been with from here this it more first read "  # noqa: SIM905
    "de la le el en em no na su da di op auf bei der die das zum zur von и в на с из".split()
)
# Words never used as triggers when a phrase starts with them.
_STOP = frozenset(
    ("the", "a", "an", "of", "to", "in", "on", "at", "is", "was", "by", "for", "com", "con")
)
# Scripts written without spaces between words: matched by substring, not by word.
_SPACELESS = re.compile(r"[\u0e00-\u0e7f\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def is_spaceless(word: str) -> bool:
    """True for CJK, kana, hangul and Thai words (no spaces around them).

    >>> is_spaceless("来源"), is_spaceless("source")
    (True, False)
    """
    return bool(_SPACELESS.search(word))


class Phrase:
    """One phrase of :mod:`tracer.credits`, ready for the search.

    Only what the trigger search needs for every phrase (its trigger words) is worked
    out at import; the rest (its three regular expressions ``regex``, ``folded`` and
    ``prefilter``, their sources, ``anchored``, ``reach``, ``after``) on first use: a
    body meets a handful of the vocabulary's phrases, and compiling them all was most
    of the cost of importing the extraction. Once worked out, each is a plain attribute.
    """

    __slots__ = (
        "after",
        "anchored",
        "folded",
        "folded_pattern",
        "pattern",
        "prefilter",
        "prefilter_pattern",
        "reach",
        "regex",
        "role",
        "source",
        "spaceless",
        "triggers",
    )
    pattern: str  # the family id stored on the edge
    role: str  # "lead" | "first-link" | "label"
    source: str  # the phrase as written in tracer.credits
    triggers: frozenset[str]  # lower-case words; one of them is in every match
    anchored: bool  # every match starts with one of its triggers
    spaceless: bool  # CJK-like: no word boundaries around it
    reach: int  # at most this many characters of a match come before its trigger
    after: int  # at most this many characters of a match from its trigger on
    folded_pattern: bytes  # the source of ``folded``
    prefilter_pattern: bytes  # the source of ``prefilter``
    regex: re.Pattern[str]  # over lower-cased visible text (word bounds checked by the caller)
    folded: re.Pattern[bytes]  # a looser form over folded bytes (see tracer.trigger_search)
    prefilter: re.Pattern[bytes]  # ``folded`` without its word-end check: cheaper, looser

    def __init__(
        self, pattern: str, role: str, source: str, triggers: frozenset[str], spaceless: bool
    ) -> None:
        self.pattern = pattern
        self.role = role
        self.source = source
        self.triggers = triggers
        self.spaceless = spaceless

    def __getattr__(self, name: str) -> object:
        """Work out an attribute the first time it is read (only called for an attribute
        not set yet); concurrent first reads work it out twice, harmlessly."""
        value: object
        if name == "regex":
            value = _compile(self.source)
        elif name == "folded":
            value = re.compile(self.folded_pattern)
        elif name == "prefilter":
            value = re.compile(self.prefilter_pattern)
        elif name == "folded_pattern":
            value = _folded_pattern(self.source)
        elif name == "prefilter_pattern":
            value = _folded_pattern(self.source, word_end=False)
        elif name == "anchored":
            value = _anchored(self.source, self.triggers)
        elif name == "reach":
            value = _reach(self.source, self.triggers)
        elif name == "after":
            value = _after(self.source, self.triggers)
        else:
            raise AttributeError(name)
        setattr(self, name, value)
        return value

    def __repr__(self) -> str:
        return f"Phrase({self.pattern!r}, {self.role!r}, {self.source!r})"


_CLASS_ESCAPES = frozenset("sSwWdD")
_ANCHOR_ESCAPES = frozenset("bBAZ")


def _spellings_of(source: str) -> list[str]:
    """Every string the (simple) regular expression ``source`` matches; open repeats
    and classes that are not a short list of characters become a gap.

    >>> _spellings_of(r"(?:re)?printed (?:from|of)")
    ['printed from', 'printed of', 'reprinted from', 'reprinted of']
    >>> [spelling.replace(_GAP, "~") for spelling in _spellings_of(r"sources? .{1,80}? via")]
    ['source ~ via', 'sources ~ via']
    """
    spellings, end = _alternation(source, 0)
    if end != len(source):
        raise ValueError(f"unbalanced ')' in phrase {source!r}")
    return spellings


def _alternation(source: str, at: int) -> tuple[list[str], int]:
    options, at = _sequence(source, at)
    while at < len(source) and source[at] == "|":
        more, at = _sequence(source, at + 1)
        options += more
    return options, at


def _sequence(source: str, at: int) -> tuple[list[str], int]:
    results = [""]
    while at < len(source) and source[at] not in "|)":
        options, at = _atom(source, at)
        low, high, at = _quantifier(source, at)
        if (low, high) != (1, 1):
            if high > 3:
                options = [_GAP]
            else:
                repeated: list[str] = []
                for count in range(low, high + 1):
                    repeated += [""] if count == 0 else [option * count for option in options]
                options = repeated
        results = [result + option for result in results for option in options]
        if len(results) > _MAX_EXPANSIONS:
            raise ValueError("phrase has too many spellings to index")
    return results, at


def _atom(source: str, at: int) -> tuple[list[str], int]:
    char = source[at]
    if char == "(":
        assertion = source.startswith(("(?=", "(?!", "(?<=", "(?<!"), at)
        start = at + 1
        if source.startswith("?", start):
            start = source.index(":", start) + 1 if not assertion else source.index("(", at) + 1
            if assertion:
                start = at + (4 if source.startswith("(?<", at) else 3)
        inner, end = _alternation(source, start)
        if end >= len(source) or source[end] != ")":
            raise ValueError(f"unbalanced '(' in phrase {source!r}")
        return ([""] if assertion else inner), end + 1
    if char == "[":
        end = at + 1
        if source.startswith("^", end):
            end += 1
        if source.startswith("]", end):
            end += 1
        while source[end] != "]":
            end += 2 if source[end] == "\\" else 1
        members = source[at + 1 : end]
        plain = (
            members
            and not members.startswith("^")
            and "\\" not in members
            and not any(members[i] == "-" and 0 < i < len(members) - 1 for i in range(len(members)))
        )
        return (list(dict.fromkeys(members)) if plain else [_GAP]), end + 1
    if char == ".":
        return [_GAP], at + 1
    if char in "^$":
        return [""], at + 1
    if char == "\\":
        escaped = source[at + 1]
        if escaped in _CLASS_ESCAPES:
            return [_GAP], at + 2
        if escaped in _ANCHOR_ESCAPES:
            return [""], at + 2
        return [escaped], at + 2
    return [char], at + 1


def _quantifier(source: str, at: int) -> tuple[int, int, int]:
    if at >= len(source):
        return 1, 1, at
    char = source[at]
    if char == "?":
        low, high, at = 0, 1, at + 1
    elif char == "*":
        low, high, at = 0, 10**9, at + 1
    elif char == "+":
        low, high, at = 1, 10**9, at + 1
    elif char == "{" and source.find("}", at) > at:
        close = source.index("}", at)
        first, comma, last = source[at + 1 : close].partition(",")
        if not first.isdigit() or (last and not last.isdigit()):
            return 1, 1, at  # a literal "{"
        low = int(first)
        high = (int(last) if last else 10**9) if comma else low
        at = close + 1
    else:
        return 1, 1, at
    if at < len(source) and source[at] in "?+":
        at += 1  # lazy or possessive: the same strings
    return low, high, at


def _words(text: str) -> set[str]:
    return {word for word in _SPLIT.split(text) if word and word != _GAP.strip()}


@functools.lru_cache(maxsize=4)
def _spellings(source: str) -> list[str]:
    """:func:`_spellings_of`, remembered for the few calls that read one phrase in turn
    (its trigger words, whether it is anchored, its reach): never modify the list."""
    return _spellings_of(source)


def triggers_of(source: str) -> frozenset[str]:
    """Words such that each spelling of ``source`` contains one (greedy set cover).

    >>> sorted(triggers_of(r"(?:source|sources)(?: link)?"))
    ['source', 'sources']
    >>> sorted(triggers_of(r"read more (?:at|on)"))
    ['read']
    """
    texts = _spellings(source)
    spellings = [_words(s) for s in texts]
    required = set.intersection(*spellings) if spellings else set()
    if required:
        # one word in every spelling: the earliest (anchored matching is cheapest),
        # unless it is a very common word and a rarer one exists
        best = min(required, key=lambda w: (w in _COMMON, texts[0].find(w)))
        return frozenset({best})
    chosen: set[str] = set()
    left = [s for s in spellings if s]
    while left:
        counts = Counter(word for words in left for word in words)
        best = max(
            counts,
            key=lambda w: (counts[w] * (0.2 if w in _COMMON else 1.0) * min(len(w), 6), w),
        )
        chosen.add(best)
        left = [s for s in left if best not in s]
    if not chosen:
        raise ValueError(f"phrase {source!r} has no trigger word")
    return frozenset(chosen)


def _compile(source: str) -> re.Pattern[str]:
    """The phrase over folded visible text. A phrase of spaced words ends at a word's
    end: the trailing look-ahead makes "su|sul" try "sul" in "sul sito". (No look-behind
    at the start: it would cost the regex engine its literal-prefix fast path.)

    >>> _compile(r"pubblicato(?: (?:su|sul))?").match("pubblicato sul sito").group()
    'pubblicato sul'
    """
    # Turkish dotless ı: "KAYNAĞI".lower() is "kaynaği"; Greek "ΠΗΓΕΣ" folds to
    # "πηγεσ" (no final sigma): texts are folded the same way
    source = source.replace("ı", "i").replace("ς", "σ")
    pattern = source.replace(" ?", r"\s*").replace(" ", r"\s+")
    if not is_spaceless(source):
        pattern = f"(?:{pattern})(?!\\w)"
    return re.compile(pattern)


# In folded bytes (tags blanked, ASCII lower-cased, punctuation as spaces), an
# entity between two words of a phrase (&nbsp;, &#8217;) leaves its name behind.
_FOLDED_SPACE = r" +(?:(?:nbsp|amp|rsquo|lsquo|apos|quot|x?[0-9a-f]{2,5}) +)*"
# The same, possessive: used where the next token of the phrase never starts with a
# space, so giving spaces back can never help a match. Without it a run of blanked
# tags after a trigger ("news</a></p>…") makes the engine retry every split of the run.
_FOLDED_SPACE_SOLID = r" ++(?:(?:nbsp|amp|rsquo|lsquo|apos|quot|x?[0-9a-f]{2,5}) ++)*"


_HIGH = "\x03"  # placeholder for a run of high bytes, expanded last


def _ascii_only(source: str) -> str:
    """``source`` with every non-ASCII character (or class of them) as a run of high bytes."""
    out: list[str] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "[":
            close = source.index("]", index + 1)
            klass = source[index : close + 1]
            if klass.isascii():
                out.append(klass)
            else:  # e.g. [aă]: an ASCII member or a run of high bytes
                members = "".join(c for c in klass[1:-1] if c.isascii())
                out.append(f"(?:[{members}]|{_HIGH})" if members else _HIGH)
            index = close + 1
            continue
        if char == "\\" and index + 1 < len(source):
            out.append(source[index : index + 2])
            index += 2
            continue
        if not char.isascii():
            if not out or out[-1] != _HIGH:
                out.append(_HIGH)
        else:
            out.append(char)
        index += 1
    return "".join(out)


def _folded(source: str, word_end: bool = True) -> re.Pattern[bytes]:
    """:func:`_folded_pattern`, compiled."""
    return re.compile(_folded_pattern(source, word_end))


def _folded_pattern(source: str, word_end: bool = True) -> bytes:
    """The phrase over folded bytes: a looser filter, never stricter than the phrase.

    Folded bytes have no ASCII punctuation and only ASCII is lower-cased, so
    ``'``, ``-``, ``/``, ``(`` become spaces, ``@`` nothing,
    and any non-ASCII letters match any run of high bytes (in any case).
    """
    text = (
        _ascii_only(source.replace("ı", "(?:i|ı)"))
        .replace(" ?", "\x02")
        .replace(" ", "\x01")
        .replace("-?", "\x02")
    )
    text = text.replace("@", "")  # folds to a space: "read more @" is checked on the text
    text = text.replace("\\(", "\x01").replace("\\)", "\x01")
    text = text.replace("'", "\x01").replace("-", "\x01").replace("/", "\x01")
    text = text.replace(".{", "(?s:.){")
    text = _spaces(text)
    text = text.replace(_HIGH, r"[\x80-\xff]+")
    if word_end and not is_spaceless(source):
        text = f"(?:{text})(?![a-z0-9\\x80-\\xff])"  # ends at a word's end, as _compile
    return text.encode()


def _spaces(text: str) -> str:
    """Expand the space placeholders of :func:`_folded`: ``\x01`` one run of spaces (and
    entity names), ``\x02`` an optional one. Adjacent ones are merged first ("h ?/ ?t"
    would otherwise try every split of a long run three ways); a run before a token that
    never starts with a space is possessive (see :func:`_solid`). Same strings matched.

    >>> _spaces("h\x02\x01\x02t") == "h" + _FOLDED_SPACE_SOLID + "t"
    True
    >>> _spaces("a\x01(?s:.){1,9}?") == "a" + _FOLDED_SPACE + "(?s:.){1,9}?"
    True
    """
    while "\x02\x01" in text or "\x01\x02" in text or "\x02\x02" in text:
        text = text.replace("\x02\x01", "\x01").replace("\x01\x02", "\x01")
        text = text.replace("\x02\x02", "\x02")
    out: list[str] = []
    for index, char in enumerate(text):
        if char == "\x01":
            out.append(_FOLDED_SPACE_SOLID if _solid(text[index + 1 :]) else _FOLDED_SPACE)
        elif char == "\x02":
            out.append(" *+" if _solid(text[index + 1 :]) else "(?: +)?")
        else:
            out.append(char)
    return "".join(out)


def _solid(rest: str) -> bool:
    """Does the pattern ``rest`` always start with a character other than a space?
    Conservative: a literal letter, a run of high bytes, a class without spaces, or a
    group whose every alternative is solid; anything optional or unknown is not.

    >>> _solid("source"), _solid("(?:at|on|in)"), _solid("x?y"), _solid("(?s:.){1,9}"), _solid("")
    (True, True, False, False, False)
    >>> _solid(r"[^\\s.!?;:]+ "), _solid("(?:a|)b"), _solid("(?:a|b)?c")
    (True, False, False)
    """
    if not rest:
        return False  # the end: a word-end check may need a space given back
    first = rest[0]
    if (first.isascii() and first.isalnum()) or first == _HIGH:
        return rest[1:2] not in ("?", "*", "{")
    if first == "[":
        close = rest.find("]", 2)
        if close < 0 or rest[close + 1 : close + 2] in ("?", "*", "{"):
            return False
        members = rest[1:close]
        if members.startswith("^"):
            return "\\s" in members
        return not any(
            part in members for part in (" ", "\\s", "\\S", "\\W", "\\D", "\x01", "\x02")
        )
    if rest.startswith("(?:"):
        depth, alternatives, start, index = 0, [], 3, 2
        while index + 1 < len(rest):
            index += 1
            char = rest[index]
            if char == "\\":
                index += 1  # an escaped character: never a group's bracket
            elif char == "(":
                depth += 1
            elif char == ")" and depth:
                depth -= 1
            elif char == ")":
                alternatives.append(rest[start:index])
                if rest[index + 1 : index + 2] in ("?", "*", "{"):
                    return False
                return all(_solid(alternative) for alternative in alternatives)
            elif char == "|" and not depth:
                alternatives.append(rest[start:index])
                start = index + 1
    return False


def _anchored(source: str, triggers: frozenset[str]) -> bool:
    return all(s.startswith(tuple(triggers)) for s in _spellings(source))


def _after(source: str, triggers: frozenset[str]) -> int:
    after = 0
    for spelling in _spellings(source):
        found = [spelling.find(t) for t in triggers if t in spelling]
        rest = spelling[min(found) :] if found else spelling
        after = max(after, 300 if _GAP in rest else len(rest))
    return after


def _reach(source: str, triggers: frozenset[str]) -> int:
    reach = 0
    for spelling in _spellings(source):
        found = [spelling.find(t) for t in triggers if t in spelling]
        before = spelling[: min(found)] if found else spelling
        reach = max(reach, 100 if _GAP in before else len(before))
    return reach


def strip_optional_words(source: str) -> str:
    """Drop leading optional whole words: they never change which link a phrase governs,
    and a phrase that starts with its trigger is matched anchored (cheaply).

    >>> strip_optional_words("(?:this (?:article|post) )?(?:was )?first published")
    'first published'
    >>> strip_optional_words("(?:re)?published from")
    '(?:re)?published from'
    """
    while source.startswith("(?:"):
        depth, close = 0, len(source)
        for position, char in enumerate(source):
            depth += (char == "(") - (char == ")")
            if char == ")" and depth == 0:
                close = position
                break
        group, rest = source[3:close], source[close + 1 :]
        if not rest.startswith("?") or not group.endswith(" "):
            break
        source = rest[1:]
    return source


def _first_words(source: str) -> frozenset[str] | None:
    """The set of first words of every spelling, when none is a stop word."""
    words = set()
    for spelling in _spellings(source):
        parts = [w for w in _SPLIT.split(spelling) if w]
        if not parts or parts[0] in _STOP or not spelling.startswith(parts[0]):
            return None
        words.add(parts[0])
    return frozenset(words) if len(words) <= 12 else None


def _sources() -> list[tuple[str, str, str]]:
    """``(role, pattern, source)`` of every phrase of :mod:`tracer.credits`, in order."""
    tables = (
        ("first-link", credits.FIRST_LINK),
        ("lead", credits.LEADS),
        ("label", credits.LABELS),
    )
    return [
        (role, pattern, strip_optional_words(source).strip())
        for role, table in tables
        for pattern, sources in table.items()
        for source in sources
    ]


def phrase_triggers(source: str) -> frozenset[str]:
    """The trigger words of one phrase: the first words of its spellings when none of
    them is a stop word, else a small set that covers them all (:func:`triggers_of`)."""
    return _first_words(source) or triggers_of(source)


def _build() -> tuple[Phrase, ...]:
    known = _known_triggers()
    phrases = []
    for role, pattern, source in _sources():
        listed = known.get(source)
        triggers = frozenset(listed) if listed is not None else phrase_triggers(source)
        phrases.append(Phrase(pattern, role, source, triggers, is_spaceless(source)))
    return tuple(phrases)


# Working out the trigger words of every phrase (expanding its spellings) was most of
# the import's cost: they are listed in ``tracer/vocabulary_triggers.py``, written by
# ``python -m tracer.vocabulary`` from the phrases. A phrase missing from that list (it
# was just added or edited) is worked out here, and a test fails until it is rewritten.
TRIGGERS_FILE = Path(__file__).with_name("vocabulary_triggers.py")


def _known_triggers() -> dict[str, tuple[str, ...]]:
    try:
        from tracer.vocabulary_triggers import TRIGGERS
    except ImportError:  # pragma: no cover - the file is part of the package
        return {}
    return TRIGGERS


def triggers_file_text() -> str:
    """The text of :data:`TRIGGERS_FILE` for the phrases of :mod:`tracer.credits`."""
    lines = [
        '"""Trigger words of every credit phrase (see :mod:`tracer.vocabulary`).',
        "",
        "Written by ``python -m tracer.vocabulary``: do not edit.",
        '"""',
        "",
        "# ruff: noqa: E501",
        "",
        "TRIGGERS: dict[str, tuple[str, ...]] = {",
    ]
    for _role, _pattern, source in _sources():
        lines.append(f"    {source!r}: {tuple(sorted(phrase_triggers(source)))!r},")
    lines.append("}")
    return "\n".join(lines) + "\n"


PHRASES: tuple[Phrase, ...] = _build()
IMAGE_WORDS: frozenset[str] = frozenset(credits.IMAGE_WORDS)
PLURAL_HINTS: frozenset[str] = frozenset(credits.PLURAL_HINTS)
NOT_OUTLET_NAMES: frozenset[str] = frozenset(credits.NOT_OUTLET_NAMES)
CALLS_TO_ACTION: tuple[str, ...] = credits.CALLS_TO_ACTION
LABEL_QUALIFIERS: str = credits.LABEL_QUALIFIERS
CONTINUE_READING: tuple[str, ...] = credits.CONTINUE_READING
LINE_LABELS: frozenset[str] = frozenset(credits.LINE_LABELS)


if __name__ == "__main__":
    TRIGGERS_FILE.write_text(triggers_file_text(), encoding="utf-8")
    print(f"wrote {TRIGGERS_FILE}")
