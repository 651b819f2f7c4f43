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
# psql's other form, "host=db.example dbname=tracer": libpq's keywords, each before a "="
_LIBPQ_KEYWORD = re.compile(
    r"\s*(?:host|hostaddr|port|dbname|user|password|passfile|service|options|sslmode"
    r"|sslrootcert|application_name|connect_timeout|target_session_attrs)\s*="
)


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
    >>> engine_of("run=2.db")
    'sqlite'
    """
    match = _URL_SCHEME.match(target)
    if match is None:
        keyword = _LIBPQ_KEYWORD.match(target)
        if keyword is not None:
            raise UnsupportedDatabase(
                f"--db looks like a libpq connection string ('{keyword.group().strip()}…'): "
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
