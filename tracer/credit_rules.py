"""Which links does a credit phrase govern? Pure; works on visible text and links.

A phrase matched on the folded visible text (:func:`fold`) governs links by its
role (:mod:`tracer.vocabulary`):

``first-link`` (Yoast's "The post <a>X</a> appeared first on <a>SITE</a>")
    the first article link of its sentence before it; with none before it, the
    article link after it (then the edge reads ``originally-published``).
``lead`` ("Originally published [last week] in", "Reprinted from", "Read the full story on")
    a link it runs into, or the first article link after it within 160
    characters of the same line (a site name, a date; a home page on the way is
    passed over; beyond 80 characters the sentence must not end); when only a
    home page follows, the article link before it in its sentence.
``label`` ("Source:", "Quelle:", "来源：", "Via")
    must open its line, a sentence, a bracket, or a link's text (only decoration
    such as emoji, bullets or quotes may stand before it); then the link right
    after it, or after a site name of up to 80 characters when a colon follows the
    label. A plural label ("Sources:") takes the whole list, and the lines under it
    that open with a link (list items); a singular label with three links or more
    is a thanks list and credits nothing.

Never a source: share buttons, tags, images, a site's home page, a link whose text
asks the reader to subscribe, donate, follow or download, a label after an image
word ("Photo source:").
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from typing import Final

from tracer.exceptions import InvalidURL
from tracer.html_links import Link, LinkedText
from tracer.models import Attribution
from tracer.trigger_search import matches_covering
from tracer.urls import canonicalize, domain_of
from tracer.vocabulary import (
    CALLS_TO_ACTION,
    IMAGE_WORDS,
    LABEL_QUALIFIERS,
    LINE_LABELS,
    NOT_OUTLET_NAMES,
    PHRASES,
    PLURAL_HINTS,
    Phrase,
)

__all__ = ["EVIDENCE_CHARS", "FOLD", "SEPARATORS", "clip", "credits_in", "fold"]

EVIDENCE_CHARS: Final = 200
SEPARATORS: Final = " \t\n\r\xa0:：-–—»›>|/·•→▶►(（[【«\"'“”‘’*#~=@.)]）】丨՝"
_LIST_WORDS: Final = frozenset(
    "and und y e et и і та ve og och en oraz a i 和 與 与".split()  # noqa: SIM905
)
_LABEL_COLONS: Final = ":：-–—|｜»›→丨՝"  # ՝: Armenian writes "Աղբյուր՝ <a>"
_SENTENCE_END: Final = ".!?。！？|;»)"
_OPENERS: Final = "([{（【«—–|•·>:"
_LABEL_NAME: Final = 80  # characters of a site name a label with a colon may skip to its link
_LEAD_NAME: Final = 160  # … and a credit verb ("published [last week] in [Origin], [date]: <a>")
_THANKS_LIST: Final = 3  # a singular label followed by this many links thanks, it does not credit
_ITEM_NOTE: Final = 40  # characters of a note after a listed link ("(in Russian)")
_NOTE_MARKS: Final = SEPARATORS + ",;、，،؛"  # what a note or a list's joint may be made of …
_LIST_MARKS: Final = _NOTE_MARKS + "&"  # … and between two links of one line, "&" too
_LONGEST_LIST: Final = 30  # links a plural label credits at most
# what may stand before a link that opens a list item: bullets and emoji, a marker
# ("1.", "[2]", "a)"), then an outlet's name and its colon, dash, middle dot, bar or
# comma ("Reuters: <a>", "The Origin Times — <a>", "1. AP, <a>"; see _outlet_name)
_ITEM_MARKER: Final = re.compile(
    r"[^\w\n]*+(?:(?:[\[(]?(?P<number>\d{1,3})[.):\]]?|[\[(]?(?P<letter>[^\W\d_])[)\]])[^\w\n]*+)?"
    rf"(?:(?P<name>\w[^\n]{{0,{_ITEM_NOTE - 1}}}?)[ \xa0]*(?:[:：|—–·,،]|[ \xa0]-)[^\w\n]*+)?"
)
_NAME_WORDS: Final = 6  # words of an outlet's name before a list item's link, at most
# pages where readers pay a publisher (one path segment: its page, not its posts)
_SUPPORT_HOSTS: Final = frozenset(
    (
        *("ko-fi.com", "patreon.com", "buymeacoffee.com", "boosty.to", "liberapay.com"),
        *("paypal.me", "paypal.com", "donate.stripe.com", "opencollective.com"),
    )
)
# pages to follow a publisher whose address has a fixed first segment (or more)
_FOLLOW_PAGE: Final = re.compile(
    r"(?i)https?://(?:www\.)?(?:bsky\.app/profile"
    r"|linkedin\.com/(?:in|company)|whatsapp\.com/channel|open\.spotify\.com/show"
    r"|podcasts\.apple\.com/[a-z]{2}/podcast)/[^/?#]+(?:/[^/?#]*)?/?(?:[?#].*)?$"
)
# hosts of many authors' posts: a post there lists others' posts as sources
_PLATFORM_HOSTS: Final = frozenset(
    ("reddit.com", "medium.com", "dev.to", "habr.com", "vc.ru", "pikabu.ru")
)
# labels that credit more than sources: alone over "Music: <a>", they credit music
_NOT_OVER_NAMES: Final = frozenset(("credit", "credits", "via", "vía", "h/t", "hat tip"))
_VK_POST: Final = re.compile(r"(?:wall|video|clip|photo|topic|album)-?\d+_\d+")  # vk.com/wall-1_2
# hosts where an address of one path segment and no query is a profile or a channel
# ("t.me/newschan", "x.com/janedoe"), not a post (its posts have two or more)
_PROFILE_HOSTS: Final = frozenset(
    (
        *("t.me", "telegram.me", "twitter.com", "x.com", "facebook.com", "fb.com"),
        *("instagram.com", "vk.com", "youtube.com", "tiktok.com", "threads.net", "ok.ru"),
        *("github.com", "rutube.ru", "pinterest.com", "flipboard.com", "mastodon.social"),
        "dzen.ru",
    )
)
# a sentence ends inside a gap: "Origin Times. <a>…" (a dot inside "origin.example" does not)
_SENTENCE_BREAK: Final = re.compile(r"[.!?。！？](?:\s|$)")
_CALL_TO_ACTION: Final = re.compile("|".join(CALLS_TO_ACTION))
# a label's qualifier words, then its colon ("Fuente original:", "Источник информации:")
_QUALIFIED: Final = re.compile(
    r"[ \xa0]+(?:" + LABEL_QUALIFIERS + r")(?:[ \xa0]+(?:" + LABEL_QUALIFIERS + r"))?[ \xa0]*[:：]"
)


class _Folding(dict[int, str]):
    """Character → its matching form, one character for one (positions stay put).

    NFKC then lower case (full-width ``：`` and ``Ｓ`` become ``:`` and ``s``),
    reduced to its base letter when that gives more than one character
    (Turkish ``İ`` → ``i``); dotless ``ı`` → ``i`` as the vocabulary spells it, and
    Greek final ``ς`` → ``σ`` (a capital ``Σ`` lowers to ``σ`` one letter at a time).
    Filled on demand, for :meth:`str.translate`.

    >>> "ＳＯＵＲＣＥ：İlk ı".translate(FOLD)
    'source:ilk i'
    >>> "ΠΗΓΕΣ πηγές".translate(FOLD)
    'πηγεσ πηγέσ'
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char).lower()
        if len(folded) != 1:
            folded = unicodedata.normalize("NFD", folded)[:1] if folded else char
            if len(folded) != 1:
                folded = char
        if folded == "ı":
            folded = "i"
        elif folded == "ς":
            folded = "σ"
        self[code] = folded
        return folded


FOLD: Final = _Folding()
_RANK: Final = {phrase: rank for rank, phrase in enumerate(PHRASES)}
_PLURAL: Final = frozenset(hint.translate(FOLD) for hint in PLURAL_HINTS)
_NOT_OUTLETS: Final = frozenset(name.translate(FOLD) for name in NOT_OUTLET_NAMES)
# each trigger word as it reads in folded visible text
_TEXT_TRIGGERS: Final = {
    trigger: trigger.translate(FOLD) for phrase in PHRASES for trigger in phrase.triggers
}


def fold(text: str) -> str:
    """``text`` as phrases are matched on it: lower case, one character for one.

    >>> fold("ＳＯＵＲＣＥ：İlk")
    'source:ilk'
    """
    return text.lower() if text.isascii() else text.translate(FOLD)


def credits_in(window: LinkedText, phrases: dict[str, dict[Phrase, None]]) -> list[Attribution]:
    """The credits in ``window``: each phrase found on its text, by precedence, with the
    links it governs (see :mod:`tracer.extract` for the order)."""
    text = window.text
    lowered = fold(text)
    found: dict[tuple[int, int, str], tuple[int, int, Phrase]] = {}
    for trigger, candidates in phrases.items():
        needle = _TEXT_TRIGGERS[trigger]
        at = lowered.find(needle)
        while at >= 0:
            for phrase in candidates:
                if phrase.anchored:
                    match = phrase.regex.match(lowered, at)
                    spans = [match.span()] if match else []
                else:
                    spans = _spans_around(phrase, lowered, at)
                for start, end in spans:
                    if phrase.spaceless or (
                        (start == 0 or not lowered[start - 1].isalnum())
                        and (end == len(lowered) or not lowered[end].isalnum())
                    ):
                        found[(start, end, phrase.source)] = (start, end, phrase)
            at = lowered.find(needle, at + len(needle))
    if not found:
        return []
    # longest first; on a tie the vocabulary's order (first-link, lead, label) decides
    matches = sorted(found.values(), key=lambda m: (m[0] - m[1], m[0], _RANK[m[2]]))
    # a phrase that governs no link does not hide an overlapping one that does
    taken: list[tuple[int, int]] = []
    results: list[tuple[int, Attribution]] = []
    for start, end, phrase in matches:
        if any(start < e and s < end for s, e in taken):
            continue
        governed = _govern(window, lowered, start, end, phrase)
        if governed:
            taken.append((start, end))
        pattern = phrase.pattern
        if phrase.role == "first-link" and governed and governed[0].start >= end:
            pattern = "originally-published"  # "erschien zuerst auf <a>": the article follows
        for link in governed:
            evidence = _evidence(text, start, link)
            results.append((start, Attribution(pattern, link.href, evidence)))
    results.sort(key=lambda found: found[0])
    return [attribution for _start, attribution in results]


# An English credit verb with no subject of its own ("originally published", "first
# appeared"): it credits the post only when it opens its sentence ("Originally published
# at <a>") or when the post is its subject ("This op-ed was originally published in",
# "This is a guest post by Jane, originally posted at", "A version of this story first
# appeared in"). "The band first appeared on <a>", "The study, first published in <a>"
# and "It was first published in 1998 by <a>a small press</a>" speak of something else.
_BARE_LEAD: Final = re.compile(r"(?:was |is |has been )?(?:originally|first|initially) ")
_POST_SUBJECT: Final = re.compile(
    r"(?:(?:a|an|the) (?:[\w-]+ )?version of |(?:portions|parts|some) of )?(?:this|our|my|"
    r"the following|the (?:post|article|story|essay|interview|column|report|op-?ed|blog post|"
    r"piece|text)|(?:a|an) (?:[\w-]+ )?version|(?:article|post|story|essay|column|interview|"
    r"piece|text|blog post)\b)\b"
)
# a byline or a permission before the verb: "Written by Jane and originally published on",
# "Reprinted with permission, originally published at"
_CREDIT_START: Final = re.compile(
    r"(?:by|written by|posted by|reprinted|republished|reproduced|shared|cross-?posted|"
    r"(?:a )?guest post|syndicated|i|we)\b"
)
_POST_NOUN: Final = re.compile(
    r"\b(?:article|story|post|piece|essay|report|column|interview|op-?ed|commentary|"
    r"analysis|feature|text|entry|content|review|thread|newsletter|episode|version|blog)\b"
)
_AUXILIARY_END: Final = re.compile(r"(?:^| )(?:was|is|were|are|has been|have been|had been)$")
_SENTENCE_MARKS: Final = (". ", "! ", "? ", ";", ":", "。", "\n", "|", "—", "–", " - ", "(", "[")


def _about_the_post(lowered: str, line_start: int, start: int) -> bool:
    """Whether a credit verb with no subject of its own at ``start`` speaks of the post
    (see :data:`_BARE_LEAD`).

    >>> text = "the band first appeared on tv. this is a guest post, originally posted at"
    >>> _about_the_post(text, 0, text.index("first")), _about_the_post(text, 0, 53)
    (False, True)
    >>> _about_the_post("(originally published at", 0, 1)
    True
    """
    sentence = lowered[line_start:start]
    cut = max(
        (found + len(mark) for mark in _SENTENCE_MARKS if (found := sentence.rfind(mark)) >= 0),
        default=0,
    )
    prefix = _AUXILIARY_END.sub("", sentence[cut:].strip(SEPARATORS + ","))
    if not prefix or _CREDIT_START.match(prefix):
        return True
    subject = _POST_SUBJECT.match(prefix)
    if subject is None:  # "Jane Doe's essay originally appeared in": a post noun ends it
        return _POST_NOUN.fullmatch(prefix.rsplit(" ", 1)[-1]) is not None
    if lowered.startswith("written", start) or lowered.startswith("originally written", start):
        # "The score was originally written for <a>string quartet</a>": only "this …"
        return subject.group().startswith(("this", "our", "my"))
    alone = prefix == subject.group()  # "This was originally published on"
    return (
        alone
        or not subject.group().endswith(("this", "our", "my"))
        or bool(_POST_NOUN.search(prefix))
    )


_BY_THEN_WHERE: Final = re.compile(r"[ \xa0]+(?:at|in|on|@)[ \xa0]+(?:the[ \xa0]+)?")


def _where_by_wrote(text: str, links: list[Link], author: Link) -> Link:
    """The link a credit "… by <a>AUTHOR</a> at/in/on <a>WHERE</a>" credits: the place
    the author wrote, not the author's page ("Originally posted by <a>user</a> at <a>Water
    plan approved</a>", GitHub's "Originally posted by @user in URL"). ``author`` is
    the first link after "by"; with no link right after "at", it is the one credited.

    >>> from tracer.html_links import read_links
    >>> window = read_links('Posted by <a href="/u">jo</a> at <a href="/p/1">A post</a>',
    ...                     "https://b.example/")
    >>> _where_by_wrote(window.text, window.links, window.links[0]).href
    'https://b.example/p/1'
    """
    between = _BY_THEN_WHERE.match(text, author.end)
    if between is None:
        return author
    for link in links:
        if link.start == between.end() and not (link.skip or link.home):
            return link
    return author


def _sentence_goes_on(text: str, link: Link) -> bool:
    """Whether a comma after ``link`` goes on to more of the sentence (three words or
    more before its line ends, not a date): the label that opened it was a sentence's
    first words.

    >>> from tracer.html_links import read_links
    >>> window = read_links('Tratto da <a href="/r">un romanzo</a>, il film racconta', None)
    >>> _sentence_goes_on(window.text, window.links[0])
    True
    >>> window = read_links('Tratto da <a href="/r">Giornale A</a>, 3 marzo', None)
    >>> _sentence_goes_on(window.text, window.links[0])
    False
    """
    rest = text[link.end : _line_end(text, link.end)].lstrip()
    if not rest.startswith((",", "،", "，")):
        return False
    words = rest[1:].split()
    return len(words) >= 3 and not words[0][0].isdigit()  # "…</a>, 3 marzo 2024": a date


def _after_a_date(gap: str) -> bool:
    """Whether the text between a credit verb and its link is a date or a year closed by
    a comma: the link opens the next clause ("Originally published in 1951, <a>").

    >>> _after_a_date(" in 1951, "), _after_a_date(" on 3 March 2024 at "), _after_a_date(" ")
    (True, False, False)
    """
    return gap.rstrip().endswith(",") and any(char.isdigit() for char in gap)


def _spans_around(phrase: Phrase, text: str, at: int) -> list[tuple[int, int]]:
    return matches_covering(phrase.regex, text, at, phrase.reach, phrase.after + 40)


def _govern(window: LinkedText, lowered: str, start: int, end: int, phrase: Phrase) -> list[Link]:
    """The links a matched phrase credits, by its role (see the module's precedence notes)."""
    text, links = window.text, window.links
    line_start = text.rfind("\n", 0, start) + 1
    bare = phrase.role != "label" and _BARE_LEAD.match(lowered, start) is not None
    if phrase.role == "first-link":
        before = _article_before(text, links, line_start, start)
        if before is not None:
            # the article link stands before the phrase; a link after it is the site
            return [before]
        if bare and not _about_the_post(lowered, line_start, start):
            return []  # "The band first appeared on <a>The Late Show</a>": not this post
        # nothing before: the verb credits what follows ("Dieser Artikel erschien zuerst auf")
        after_link = _next_link(
            text, links, end, name_chars=_LEAD_NAME, alone=_alone(text, line_start, start)
        )
        return [after_link] if after_link is not None else []
    if bare and not _about_the_post(lowered, line_start, start):
        return []  # "The band first appeared on <a>The Late Show</a>": not this post

    inside = None
    for link in links:  # sorted by start
        if link.start > start:
            break
        if not link.plain and end <= link.end:
            inside = link
            break
    photo_under = False  # a label under a picture: a link to a photo page credits it
    if phrase.role == "label":
        if not _opens_line(text, line_start, start, inside):
            return []
        if _image_credit(lowered, line_start, start):
            return []
        if window.images and _under_image(text, window.images, start, lowered[start:end]):
            if lowered[start:end] in _PICTURE_LABELS:
                return []
            photo_under = True
    if inside is not None:
        if inside.skip or inside.home:
            return []
        if phrase.role == "label" and text[inside.start : start].strip(SEPARATORS):
            return []
        return [] if photo_under and _photo_link(text, inside) else [inside]
    for link in links:  # sorted by start
        if link.start >= end:
            break
        if start < link.start and not (link.skip or link.home):
            # "Read the whole thing <a>here</a>": the phrase runs into it
            return [] if photo_under and _photo_link(text, link) else [link]
    if phrase.role == "label":
        qualified = _QUALIFIED.match(lowered, end)
        if qualified is not None:
            end = qualified.end() - 1  # "Fuente original: <a>": the colon after the qualifier
    after = text[end : end + 4].lstrip(" \xa0\u202f")  # (U+202F: French "Source :")
    colon = bool(after) and after[0] in _LABEL_COLONS
    name_chars = (_LABEL_NAME if colon else 0) if phrase.role == "label" else _LEAD_NAME
    plural = lowered[start:end] in _PLURAL
    alone = _alone(text, line_start, start) and lowered[start:end] not in _NOT_OVER_NAMES
    first = _next_link(text, links, end, name_chars=name_chars, numbered=plural, alone=alone)
    if first is None:
        if phrase.role == "lead" and _home_follows(text, links, end):
            # "L'articolo <a>X</a> è stato pubblicato originariamente sul sito <a>HOME</a>":
            # the phrase names the site; the article stands before it, as in Yoast's footer
            before = _article_before(text, links, line_start, start)
            return [before] if before is not None else []
        return []
    if bare and _after_a_date(text[end : first.start]):
        return []  # "Originally published in 1951, <a>The Novel</a> remains a classic"
    if phrase.role == "lead" and lowered[start:end].endswith(" by"):
        first = _where_by_wrote(text, links, first)
    if photo_under and _photo_link(text, first):
        return []  # "<img>" then "Source: <a>Jane Doe / Flickr</a> (CC BY 2.0)"
    if phrase.source in LINE_LABELS and _sentence_goes_on(text, first):
        return []  # "Tratto da <a>un romanzo</a>, il film racconta…": a sentence
    governed = [first]
    if phrase.role == "label" or phrase.pattern == "source-label":
        # the lines under the label are a list only when the label stands alone on its
        # line ("Sources:" over items); "Sources: <a>A</a>, <a>B</a>" ends with its line
        under = plural and "\n" in text[end : first.start]
        own = domain_of(window.base) if under and window.base else ""  # the blog's
        if own in _PROFILE_HOSTS or own in _PLATFORM_HOSTS:
            own = ""  # a post on a network or a platform: its other posts are others'
        governed += _list_after(text, links, first, plural=plural, under=under, own=own)
        if not plural and len(governed) >= _THANKS_LIST:
            return []  # "h/t A, B, C and D", "Via A, B, C…": a thanks list, not a source
    return governed


def _article_before(text: str, links: list[Link], line_start: int, start: int) -> Link | None:
    """The first article link of the phrase's sentence, before the phrase (or None)."""
    floor = max(line_start, start - 400)
    for link in links:
        if (
            floor <= link.start < start
            and not (link.skip or link.home)
            and _SENTENCE_BREAK.search(text, link.end, start) is None
        ):
            return link
    return None


def _home_follows(text: str, links: list[Link], end: int) -> bool:
    for link in links:
        if link.start >= end and not link.skip:
            gap = text[end : link.start]
            return link.home and "\n" not in gap and len(gap) <= _LEAD_NAME
    return False


def _alone(text: str, line_start: int, start: int) -> bool:
    """Does the phrase at ``start`` open its line (decoration at most before it)?"""
    return not any(char.isalnum() for char in text[line_start:start])


def _opens_line(text: str, line_start: int, start: int, inside: Link | None) -> bool:
    """A label opens its line, a sentence, a bracket, a dash-led aside or a link's text."""
    if _alone(text, line_start, start):
        return True  # only decoration before it: bullets, emoji, quotes, brackets
    before = text[line_start:start].rstrip()
    if inside is not None and not text[inside.start : start].strip(SEPARATORS):
        return True
    return before[-1] in _OPENERS or before[-1] in _SENTENCE_END


def _image_credit(lowered: str, line_start: int, start: int) -> bool:
    before = lowered[max(line_start, start - 40) : start].strip(SEPARATORS).split()
    return bool(before) and before[-1].strip(SEPARATORS) in IMAGE_WORDS


# Labels that under a picture always credit it ("Credit:", "Courtesy of"); under a
# picture "Source:", "Via", "Quelle:"… credit it only with a link to a photo page
_PICTURE_LABELS: Final = frozenset(("credit", "credits", "courtesy", "courtesy of"))
# Hosts of photo libraries and agencies, and what photo links and credit lines say
_PHOTO_HOSTS: Final = frozenset(
    (
        "flickr.com",
        "unsplash.com",
        "pexels.com",
        "pixabay.com",
        "shutterstock.com",
        "gettyimages.com",
        "istockphoto.com",
        "wikimedia.org",
        "depositphotos.com",
        "dreamstime.com",
        "123rf.com",
        "alamy.com",
        "freepik.com",
        "500px.com",
        "imgur.com",
    )
)
_PHOTO_HINT: Final = re.compile(
    r"(?i)\.(?:jpe?g|png|gif|webp|avif)(?:$|[?#])|/(?:photos?|images?|pictures?|gallery|galleries)"
    r"(?:/|$)|\b(?:flickr|unsplash|pexels|pixabay|shutterstock|getty images|wikimedia commons"
    r"|cc[ -]by|cc0|creative commons|photographer)\b"
)


def _photo_link(text: str, link: Link) -> bool:
    """Whether ``link``, under a picture, goes to the picture's page: a photo library, an
    image file or a photo path, or a credit line that names one or a licence.

    >>> from tracer.html_links import read_links
    >>> window = read_links('<a href="https://flickr.com/photos/jo/1">Jo</a> (CC BY 2.0)', None)
    >>> _photo_link(window.text, window.links[0])
    True
    >>> window = read_links('<a href="https://news.example/2026/03/strike/">News</a>', None)
    >>> _photo_link(window.text, window.links[0])
    False
    """
    host = domain_of(link.href) if link.href.startswith("http") else ""
    if host in _PHOTO_HOSTS or any(host.endswith("." + known) for known in _PHOTO_HOSTS):
        return True
    if _PHOTO_HINT.search(link.href) is not None:
        return True
    return _PHOTO_HINT.search(text, link.start, _line_end(text, link.end)) is not None


def _under_image(text: str, images: list[int], start: int, label: str) -> bool:
    """Whether a singular label at ``start`` is the first text after a picture: a credit
    line under an image ("<p><img></p><p>Credit: <a>Jane Doe</a>", "<img><br>Source:
    <a>Flickr</a>") credits the picture, as a ``<figcaption>`` would. A plural label
    there lists the sources of what the picture shows, or of the post.

    >>> text = "Intro.\\nCredit: Jane\\n"
    >>> _under_image(text, [7], 7, "credit"), _under_image(text, [0], 7, "credit")
    (True, False)
    >>> _under_image(text, [7], 7, "sources")
    False
    """
    if label in _PLURAL:
        return False
    before = bisect_right(images, start)
    return before > 0 and not text[images[before - 1] : start].strip(SEPARATORS)


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _next_link(
    text: str,
    links: list[Link],
    end: int,
    name_chars: int,
    numbered: bool = False,
    alone: bool = False,
) -> Link | None:
    """The article link that follows a phrase: right after it, or after at most
    ``name_chars`` characters of the same sentence (a site name, a date, "the March
    issue of"); a home page on the way names the site and is passed over. With
    ``alone`` (the phrase opens its line), a link on the next line after an outlet's
    name ("Source:" over "Reuters: <a>"); with ``numbered`` (a plural label) after
    any item's opening ("Sources:" over "1. <a>").

    >>> from tracer.html_links import read_links
    >>> link = '<a href="https://a.example/x/">X</a>'
    >>> window = read_links('Originally published last week in ' + link, None)
    >>> _next_link(window.text, window.links, 20, name_chars=_LEAD_NAME).href
    'https://a.example/x/'
    >>> window = read_links('First appeared in our newsletter. <a href="/s">Sign up</a>', "https://a.example/")
    >>> _next_link(window.text, window.links, 17, name_chars=_LEAD_NAME) is None
    True
    >>> window = read_links('Originally published by The Origin Times (New York) on Friday, '
    ...     'March 3, 2019, in its weekend edition. Later ' + link, None)
    >>> _next_link(window.text, window.links, 23, name_chars=_LEAD_NAME) is None
    True
    """
    for link in links:
        if link.start < end or link.skip or link.home:
            continue
        gap = text[end : link.start]
        bare = gap.strip(SEPARATORS)
        if not bare or (
            (numbered or alone) and _item_below(gap, numbered) and _short_line_after(text, link)
        ):
            return link if gap.count("\n") <= 1 else None
        if "\n" in gap or len(bare) > name_chars:
            return None
        if len(bare) > _LABEL_NAME and _SENTENCE_BREAK.search(gap) is not None:
            return None  # a long way, and into another sentence
        if _CALL_TO_ACTION.search(text[link.start : link.end].lower()) is not None:
            return None  # "… first appeared in our newsletter. <a>Sign up here</a>"
        return link
    return None


def _list_after(
    text: str, links: list[Link], first: Link, plural: bool, under: bool = False, own: str = ""
) -> list[Link]:
    """The links after ``first`` that continue its list: on its line, joined by
    commas or "and"; ``under`` a plural label that stands alone on its line, also the
    lines below that open with a link as the first did (list items, "1. <a>", "[2]
    <a>", "Reuters: <a>"), each line's short note after its link ("(in Russian)", ",
    29 November") passed over; ``own`` is the blog's domain (see :func:`_is_item`).

    >>> from tracer.html_links import read_links
    >>> window = read_links("<p>Sources:</p><ul>"
    ...     "<li><a href='https://a.example/1'>A</a> (in Russian)</li>"
    ...     "<li><a href='https://b.example/2'>B</a></li></ul>"
    ...     "<p>Related: <a href='https://c.example/3'>C</a></p>", None)
    >>> first = window.links[0]
    >>> [link.href for link in _list_after(window.text, window.links, first, True, under=True)]
    ['https://b.example/2']
    >>> _list_after(window.text, window.links, first, plural=False)
    []
    """
    more: list[Link] = []
    previous = first
    line_end = _line_end(text, first.end)
    items = False  # past the first line: one link a line, each an item of the list
    shape = _item_shape(text, text.rfind("\n", 0, first.start) + 1, first.start) if under else None
    # a channel, an account or a page of the blog's own is a source inside a list,
    # but as its last lines the blog's furniture ("Наш Telegram", "Support us on
    # Ko-fi", "Older posts", Substack's "Share"): held until an item follows them
    # (a list of one network's channels and posts takes them all)
    profiles = under and domain_of(first.href) in _PROFILE_HOSTS
    held: list[Link] = []
    for link in links:
        if link.start < previous.end:
            continue
        if link.start > line_end:
            if shape is None or not _is_item(text, previous.end, link, shape, own):
                break
            items = True
            line_end = _line_end(text, link.end)
            if (own and domain_of(link.href) == own) or _is_furniture(link.href, profiles):
                held.append(link)
                previous = link
                continue
            more += held
            held.clear()
        elif link.skip:
            continue
        elif items:
            # a second link on an item's line: "« Part 1 | Part 3 »", not a list
            if more and more[-1] is previous:
                more.pop()
            break
        else:
            gap = text[previous.end : link.start].strip(_LIST_MARKS)
            if gap and gap.lower() not in _LIST_WORDS and not (plural and len(gap) <= _ITEM_NOTE):
                break
        if len(more) + 1 == _LONGEST_LIST:
            break
        if not link.home:
            more.append(link)
        previous = link
    return more


def _short_line_after(text: str, link: Link) -> bool:
    """Is what follows ``link`` on its line a short note at most ("(in Russian)")?"""
    note = text[link.end : _line_end(text, link.end)]
    return len(note.strip(_NOTE_MARKS)) <= _ITEM_NOTE


def _item_below(gap: str, numbered: bool) -> bool:
    """Is ``gap`` a line break and an outlet's name ("Reuters: "), or with ``numbered``
    whatever opens a list item ("1. ", "[2] ", "b) Reuters: ")?"""
    line_break = gap.find("\n")
    if line_break < 0 or gap[:line_break].strip(SEPARATORS):
        return False
    shape = _item_shape(gap, line_break + 1, len(gap))
    return shape is not None and (numbered or shape == (0, True))


def _item_shape(text: str, start: int, end: int) -> tuple[int, bool] | None:
    """How ``text[start:end]`` opens a list item before its link: its marker (0: none
    or bullets, 1: a number, 2: a letter) and whether it names an outlet (None: it is
    not what opens an item).

    >>> shape = lambda text: _item_shape(text, 0, len(text))
    >>> [shape(t) for t in ("• ", "[2] ", "b) ", "Reuters: ", "1. The Origin Times — ")]
    [(0, False), (1, False), (2, False), (0, True), (1, True)]
    >>> [shape(t) for t in ("Related coverage: ", "Photo credit: ", "Reuters ", "Tags — ")]
    [None, None, None, None]
    """
    opening = _ITEM_MARKER.fullmatch(text, start, end)
    if opening is None:
        return None
    name = opening.group("name")
    if name is not None and not _outlet_name(name):
        return None
    marker = 1 if opening.group("number") else 2 if opening.group("letter") else 0
    return marker, name is not None


def _outlet_name(name: str) -> bool:
    """May ``name``, before a list item's link, be an outlet's: a short name, not a
    question or an exclamation, not a line of navigation or a byline ("Related
    coverage", "Tags", "Previous post", "Written by"), an image credit ("Photo
    credit", "Cover photo") or a call to action ("Subscribe")?"""
    if any(mark in name for mark in "!?！？"):
        return False
    words = [word for word in (w.strip(SEPARATORS) for w in fold(name).split()) if word]
    if not 0 < len(words) <= _NAME_WORDS:
        return False
    if any(word in IMAGE_WORDS or word[:-1] in IMAGE_WORDS for word in (words[0], words[-1])):
        return False  # "Photo credit:", "Cover photo:", "Photos:", "Images:"
    if any(" ".join(words[:count]) in _NOT_OUTLETS for count in range(1, len(words) + 1)):
        return False
    return _CALL_TO_ACTION.search(" ".join(words)) is None


def _is_item(text: str, after: int, link: Link, shape: tuple[int, bool], own: str) -> bool:
    """Is ``link`` the next item of a list whose previous link ends at ``after``: it
    opens the next line, as the list's first item opened its own (``shape``: the same
    marker, an outlet's name before it or not), a short note at most after it, and it
    is an article link with a text that asks nothing (not a share button,
    "Subscribe", an icon)? An item that names an outlet is not on the blog's own
    site (``own``): "Previous post: <a>", "Written by: <a>"."""
    start = link.start
    line_break = text.find("\n", after, start)
    if line_break < 0 or "\n" in text[line_break + 1 : start]:
        return False
    shown = text[start : link.end].strip()
    if link.skip or not shown or shown[0] in "@#" or "/@" in link.href:
        return False  # a share button, an icon, a handle or hashtag, a profile
    if len(text[after:line_break].strip(_NOTE_MARKS)) > _ITEM_NOTE:
        return False  # the line before ended in more than a note
    if not _short_line_after(text, link):
        return False
    if _item_shape(text, line_break + 1, start) != shape:
        return False  # "<a>A</a>" then "Related: <a>", "1. <a>" then "(c) <a>Jane</a>"
    if shape[1] and own and domain_of(link.href) == own:
        return False
    return _CALL_TO_ACTION.search(text[start : link.end].lower()) is None


def _is_furniture(href: str, profiles: bool = False) -> bool:
    """Is ``href`` a page to follow or pay a publisher (a Ko-fi or Patreon page,
    Google News, a LinkedIn or Bluesky profile, a podcast's page), or, unless
    ``profiles`` (a list of one network's channels and posts), a profile or a
    channel on a social network: one path segment and no query once its tracking
    parameters are gone, not one of its posts?

    >>> _is_furniture("https://t.me/newschan?utm_source=blog"), _is_furniture("https://t.me/a/9")
    (True, False)
    >>> _is_furniture("https://www.youtube.com/@chan"), _is_furniture("https://youtube.com/watch?v=x")
    (True, False)
    >>> _is_furniture("https://vk.com/club123"), _is_furniture("https://vk.com/wall-157_4612")
    (True, False)
    >>> _is_furniture("https://ko-fi.com/jane"), _is_furniture("https://www.patreon.com/posts/x-123")
    (True, False)
    """
    if _FOLLOW_PAGE.match(href) is not None:
        return True
    domain = domain_of(href)
    if domain == "news.google.com":
        return "/publications/" in href
    if domain in _SUPPORT_HOSTS:
        return _one_segment(href)
    return not profiles and domain in _PROFILE_HOSTS and _one_segment(href)


def _one_segment(href: str) -> bool:
    """Is ``href``'s path one segment with no query, once tracking parameters are gone
    (and not a VK post: ``vk.com/wall-1_2``)?"""
    try:
        href = canonicalize(href)
    except InvalidURL:
        return False
    rest = href.split("://", 1)[-1]
    path = rest[rest.find("/") :] if "/" in rest else ""
    segment = path.strip("/")
    return "?" not in path and "/" not in segment and _VK_POST.match(segment) is None


def _evidence(text: str, start: int, link: Link) -> str:
    """The visible text of the credit: the phrase's line to the link's (a list's item
    far under its label: the label's line, "…", the item's line).

    >>> text = "Sources:\\nRT (in English)\\nTASS\\n3. Sputnik\\n"
    >>> _evidence(text, 0, Link(text.index("Sputnik"), len(text) - 1, "https://s.example/1"))
    'Sources: … 3. Sputnik'
    """
    first = min(start, link.start)
    last = max(start, link.start + len(text[link.start : link.end].rstrip()))  # "<a>X<br></a>"
    line_start = text.rfind("\n", 0, first) + 1
    line_end = _line_end(text, last)
    lines = text[line_start:line_end].split("\n")
    if len(lines) > 2:
        lines = [lines[0], "…", lines[-1]]
    snippet = " ".join(" ".join(lines).split())
    if len(snippet) <= EVIDENCE_CHARS:
        return snippet
    begin = max(line_start, first - 40)
    return clip(" ".join(text[begin : max(last, begin + EVIDENCE_CHARS)].split()))


def clip(text: str) -> str:
    return text if len(text) <= EVIDENCE_CHARS else text[: EVIDENCE_CHARS - 1].rstrip() + "…"
