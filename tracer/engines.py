"""Which database engine a ``--db`` value names. Pure.

A file path is a SQLite database. A value shaped like a URL (``scheme://…``)
names an engine by its scheme; tracer refuses the engines it does not
support instead of creating a SQLite file called ``postgresql:``.
Supporting an engine means adding it to :data:`ENGINES`.
"""

from __future__ import annotations

import re

from tracer.exceptions import StorageError

__all__ = ["ENGINES", "UnsupportedDatabase", "engine_of"]

# engine name -> how a --db value names it (for error messages)
ENGINES: dict[str, str] = {
    "sqlite": "a file path",
    "postgresql": "a postgresql://user:pass@host:port/dbname URL",
}
_SCHEMES = {"postgresql": "postgresql", "postgres": "postgresql"}
_URL_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
# psql's other form, "host=db.example dbname=tracer": libpq's keywords, each with "="
_LIBPQ_KEYWORDS = frozenset(
    (
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "service",
        "options", "sslmode", "sslcert", "sslkey", "sslrootcert", "sslpassword",
        "application_name", "connect_timeout", "client_encoding", "keepalives",
        "keepalives_idle", "keepalives_interval", "keepalives_count", "target_session_attrs",
        "gssencmode", "krbsrvname", "requirepeer", "channel_binding",
    )
)  # fmt: skip
_KEYWORD_ALTERNATION = "|".join(sorted(_LIBPQ_KEYWORDS, key=len, reverse=True))
_LIBPQ_PAIR = re.compile(
    r"\s*(" + _KEYWORD_ALTERNATION + r")\s*=\s*(?:'(?:[^'\\]|\\.)*'|[^\s']+)\s*"
)
# a single pair names a server only with one of these ("user=alice.db" may be a file)
_SERVER_KEYWORDS = frozenset(("host", "hostaddr", "service"))


class UnsupportedDatabase(StorageError):
    """A ``--db`` URL of an engine tracer does not support."""


def engine_of(target: str) -> str:
    """The engine a ``--db`` value names; :class:`UnsupportedDatabase` for any other.

    >>> engine_of("tracer.db"), engine_of("/var/lib/tracer/x.db"), engine_of("C:/data/t.db")
    ('sqlite', 'sqlite', 'sqlite')
    >>> engine_of("postgresql://tracer:secret@db.example:5432/tracer")
    'postgresql'

    >>> engine_of("mysql://user:secret@db.example/tracer")
    Traceback (most recent call last):
    tracer.engines.UnsupportedDatabase: unsupported database engine 'mysql' (supported: sqlite, \
as a file path; postgresql, as a postgresql://user:pass@host:port/dbname URL)

    Only the scheme is repeated: the rest of a URL may hold a password. psql's
    keyword form is not taken for a file name:

    >>> engine_of("host=db.example dbname=tracer")
    Traceback (most recent call last):
    tracer.engines.UnsupportedDatabase: --db looks like a libpq connection string \
('host=…'): give it as a URL, postgresql://user@host:port/dbname (other parameters \
as ?sslmode=require&…)
    >>> engine_of("run=2.db"), engine_of("user=alice.db"), engine_of("port=5433.sqlite")
    ('sqlite', 'sqlite', 'sqlite')
    """
    match = _URL_SCHEME.match(target)
    if match is None:
        keyword = _libpq_keyword_string(target)
        if keyword is not None:
            raise UnsupportedDatabase(
                f"--db looks like a libpq connection string ('{keyword}=…'): "
                "give it as a URL, postgresql://user@host:port/dbname "
                "(other parameters as ?sslmode=require&…)"
            )
        return "sqlite"
    if match.group(1).lower() in _SCHEMES:
        return _SCHEMES[match.group(1).lower()]
    supported = "; ".join(f"{name}, as {form}" for name, form in ENGINES.items())
    raise UnsupportedDatabase(
        f"unsupported database engine {match.group(1)!r} (supported: {supported})"
    )


def _libpq_keyword_string(target: str) -> str | None:
    """The first keyword of ``target`` if it is a libpq keyword/value string: two pairs
    or more, or one that names a server (``host=``, ``service=``); else None.

    >>> _libpq_keyword_string("keepalives=1 host=db dbname=t"), _libpq_keyword_string("host=db")
    ('keepalives', 'host')
    >>> _libpq_keyword_string("dbname=x.db"), _libpq_keyword_string("notes=1 host=db")
    (None, None)
    """
    pairs = []
    position = 0
    while position < len(target):
        pair = _LIBPQ_PAIR.match(target, position)
        if pair is None:
            return None
        pairs.append(pair.group(1))
        position = pair.end()
    if len(pairs) >= 2 or (pairs and pairs[0] in _SERVER_KEYWORDS):
        return pairs[0]
    return None
