"""The command line: thin typer commands that open the store, call one function, print.

``app`` holds the global options and shared helpers; each module registers one
group of commands on it: ``feeds`` (manage feeds), ``poll``, ``query`` (chain,
reposts, origins, sites, stats), ``export``, ``urls`` (clean-url), ``copies``
(copies, rematch), ``resolve`` (read cited pages), ``discover`` (feeds of unpolled sites),
``report`` (report, datasette-metadata), ``outlets`` (group an outlet's domains), ``watch``
(follow new reposts), ``copydb`` (copy-db).
"""

from tracer.cli import (
    copies,
    copydb,
    discover,
    export,
    feeds,
    outlets,
    poll,
    query,
    report,
    resolve,
    urls,
    watch,
)
from tracer.cli.app import app, main

__all__ = [
    "app",
    "copies",
    "copydb",
    "discover",
    "export",
    "feeds",
    "main",
    "outlets",
    "poll",
    "query",
    "report",
    "resolve",
    "urls",
    "watch",
]
