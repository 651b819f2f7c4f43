"""Defaults and thresholds, each defined once. No imports: the CLI reads them for its help.

The library (:mod:`tracer.fetch`, :mod:`tracer.poll`, :mod:`tracer.store`)
uses them as its defaults and the CLI as its option defaults and help text,
so the two can never disagree.
"""

from __future__ import annotations

__all__ = [
    "BROKEN_AFTER_HOURS",
    "BROKEN_FAILURES",
    "CONCURRENCY",
    "MAX_BYTES",
    "MAX_CONCURRENCY",
    "MAX_REDIRECTS",
    "PAGE_MAX_BYTES",
    "PER_HOST_DELAY",
    "PER_HOST_LIMIT",
    "TIMEOUT",
]

TIMEOUT = 20.0  # seconds: one deadline per feed for connect, headers and the whole body
MAX_BYTES = 10 * 1024 * 1024  # body cap after decompression
MAX_REDIRECTS = 5
CONCURRENCY = 10  # requests at once in all
MAX_CONCURRENCY = 200
PER_HOST_LIMIT = 2  # requests at once per host, whatever the concurrency

# `feeds list --broken`: a feed needs a human once it has failed this many
# times in a row, or has been failing for this long, or was deactivated.
BROKEN_FAILURES = 3
BROKEN_AFTER_HOURS = 24

# `tracer resolve` and feed discovery (issue 14): pages are smaller than feeds,
# and a pause between the starts of two requests to one host keeps us polite.
PAGE_MAX_BYTES = 2 * 1024 * 1024
PER_HOST_DELAY = 1.0  # seconds
