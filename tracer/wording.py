"""Counts in words for the lines people read: ``1 feed``, ``2 feeds``; text from
feeds and pages made safe to print on a terminal.

Only for human output (stderr summaries, plain listings, the report's text);
``--json`` keys never change with the count.
"""

from __future__ import annotations

# C0 controls, DEL and C1 controls: a terminal acts on them (escape sequences)
_CONTROLS = {c: "\ufffd" for c in (*range(32), *range(127, 160))}
_CONTROLS.update({ord("\t"): " ", ord("\n"): " ", ord("\r"): " "})


def counted(count: int, singular: str, plural: str | None = None, *, grouped: bool = False) -> str:
    """``count`` and its noun, singular for exactly one (``plural`` defaults to noun + s);
    ``grouped`` writes thousands separators (the report).

    >>> counted(1, "feed"), counted(0, "feed"), counted(12, "new post")
    ('1 feed', '0 feeds', '12 new posts')
    >>> counted(1, "match", "matches"), counted(3, "match", "matches")
    ('1 match', '3 matches')
    >>> counted(1200, "repost", grouped=True), counted(1200, "repost")
    ('1,200 reposts', '1200 reposts')
    """
    number = f"{count:,}" if grouped else str(count)
    return f"{number} {singular if count == 1 else plural or singular + 's'}"


def shown(text: str | None) -> str:
    """``text`` from a feed or a page as plain output prints it: every control character
    a terminal would act on (ESC, BEL, a C1 CSI…) as U+FFFD, tabs and line breaks as a
    space (a title never breaks a tab-separated line); ``None`` as empty.

    >>> shown("Title \\x1b]0;owned\\x07 x\\tsplit\\nline"), shown(None)
    ('Title \ufffd]0;owned\ufffd x split line', '')
    """
    return (text or "").translate(_CONTROLS)
