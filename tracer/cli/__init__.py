"""The command line: thin typer commands that open the store, call one function, print.

``app`` holds the global options and shared helpers; each module registers one
group of commands on it: ``feeds`` (manage feeds), ``poll``, ``query`` (chain,
reposts, origins, sites, stats), ``export``, ``urls`` (clean-url), ``copies``
(copies, rematch), ``outlets`` (group an outlet's domains), ``watch`` (follow
new reposts).
"""

from tracer.cli import copies, export, feeds, outlets, poll, query, urls, watch
from tracer.cli.app import app, main

__all__ = [
    "app",
    "copies",
    "export",
    "feeds",
    "main",
    "outlets",
    "poll",
    "query",
    "urls",
    "watch",
]
