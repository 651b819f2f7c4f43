"""PostgreSQL (≥ 13) through psycopg 3: the shared store for many analysts and many pollers.

The ``tracer[postgres]`` extra installs the driver. SQL reaches this engine in
SQLite's spelling and is translated once per statement text
(:func:`translate`): ``?`` → ``%s``, ``:name`` → ``%(name)s``, a literal
``%`` doubled, ``INSERT OR IGNORE …`` → ``INSERT … ON CONFLICT DO NOTHING``.
The connection is in autocommit mode: a read is its own snapshot, and
:meth:`PostgresEngine.transaction` groups writes (savepoints when nested).
psycopg prepares a statement on the server after it ran 5 times, so the
hot queries (walks, per-feed writes) are planned once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import struct
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, ClassVar, NamedTuple

from tracer.engine.base import Engine, Params, redact
from tracer.engine.queries import PLAN_EACH_CALL
from tracer.exceptions import StorageError

try:
    import psycopg
except ImportError:  # the optional extra is not installed
    psycopg = None  # type: ignore[assignment]
else:
    # psycopg's warnings (a pipeline closed on a connection already lost, say) go through
    # logging: with no handler anywhere Python would print them beside tracer's own one-line
    # report. An application that configures logging still gets them (they propagate).
    logging.getLogger("psycopg").addHandler(logging.NullHandler())

__all__ = ["MIGRATION_LOCK", "PostgresEngine", "translate"]

MIGRATION_LOCK = 0x7472616365  # pg_advisory_xact_lock key: one migrating process at a time
# a failed piped transaction's rollback: the first try may end at the failure's sync
ROLLBACK_TRIES = 3
MISSING_DRIVER = "a postgresql:// database needs the psycopg driver: pip install 'tracer[postgres]'"

_TOKENS = re.compile(r"'(?:[^']|'')*'|\?|(?<![:\w]):([A-Za-z_]\w*)|%")
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.I)


@lru_cache(maxsize=512)
def translate(
    sql: str, with_params: bool = True, binary: frozenset[int | str] = frozenset()
) -> str:
    """SQLite-spelled SQL → psycopg's; the parameters named in ``binary`` (positions of
    ``?``, names of ``:name``) are sent in binary (``%b``: see :func:`_binary_params`).

    >>> translate("SELECT * FROM t WHERE a = ? AND b LIKE 'www.%' AND c = :c")
    "SELECT * FROM t WHERE a = %s AND b LIKE 'www.%%' AND c = %(c)s"
    >>> translate("INSERT OR IGNORE INTO t (a) VALUES (?)")
    'INSERT INTO t (a) VALUES (%s) ON CONFLICT DO NOTHING'
    >>> translate("SELECT x::text FROM t", with_params=False)
    'SELECT x::text FROM t'
    >>> translate("SELECT ? FROM unnest(CAST(? AS text[]))", True, frozenset({1}))
    'SELECT %s FROM unnest(CAST(%b AS text[]))'
    >>> translate("SELECT :a, CAST(:v AS int[])", True, frozenset({"v"}))
    'SELECT %(a)s, CAST(%(v)b AS int[])'
    """
    if _OR_IGNORE.match(sql):
        sql = _OR_IGNORE.sub("INSERT INTO", sql, count=1).rstrip().rstrip(";")
        sql += " ON CONFLICT DO NOTHING"
    if not with_params:
        return sql

    position = -1

    def replace(match: re.Match[str]) -> str:
        nonlocal position
        token = match.group(0)
        if token.startswith("'"):
            return token.replace("%", "%%")
        if token == "?":
            position += 1
            return "%b" if position in binary else "%s"
        if token == "%":
            return "%%"
        name = match.group(1)
        return f"%({name})b" if name in binary else f"%({name})s"

    return _TOKENS.sub(replace, sql)


def _binary_params(params: Params) -> frozenset[int | str]:
    """The parameters that are lists, or arrays already encoded (positions, or names):
    psycopg sends those in binary.

    A list of 50 URLs is dumped in ≈ 25 µs in binary, ≈ 200-400 µs as an
    array literal (quoting each string in Python), and the server reads it
    without parsing the literal either; scalars keep psycopg's default.

    >>> sorted(_binary_params([1, [2], "x", ["y"]])), sorted(_binary_params({"a": [], "b": 1}))
    ([1, 3], ['a'])
    """
    arrays = (list, _EncodedArray)
    if isinstance(params, Mapping):
        return frozenset(name for name, value in params.items() if isinstance(value, arrays))
    return frozenset(i for i, value in enumerate(params) if isinstance(value, arrays))


# -- lists sent as PostgreSQL arrays, encoded in C ---------------------------------
#
# psycopg sends a list parameter as a binary array, but builds it in Python, an
# element at a time (a dumper call, a length packed, two appends each): a cold
# poll's writer sends ~2,000 values a feed that way (the rows of every multi-row
# insert go as one array per column), 20-30 % of its CPU. A list of ints, of
# strings or of bytes is encoded here instead by whole-list operations
# (``struct`` over the list, ``map``, slice assignment) into the same binary
# format (``array_recv``: header, dimension, then each element's length and
# bytes; length -1 for NULL), and handed to psycopg already made. Ints go as
# ``bigint[]``, which every ``CAST(… AS integer[])`` of tracer's statements
# accepts as psycopg's own (smallest fitting) integer arrays; anything else (an
# empty list, floats, mixed types, an int beyond 64 bits) is left to psycopg.

_ARRAY_HEAD = struct.Struct(">iiiii")  # 1 dimension, has NULLs, element type, length, 1
_LENGTH = struct.Struct(">i")
_INT8 = struct.Struct(">iq")  # one bigint element: its length (8), its value
_NULL = b"\xff\xff\xff\xff"  # an element's length -1: NULL


class _EncodedArray(bytes):
    """A list already encoded as a binary array (:func:`encoded_array`); its type's oid."""

    oid: ClassVar[int]


class _Int8Array(_EncodedArray):
    oid = 1016  # bigint[]


class _TextArray(_EncodedArray):
    oid = 1009  # text[]


class _ByteaArray(_EncodedArray):
    oid = 1001  # bytea[]


class _Int4Array(_EncodedArray):
    oid = 1007  # integer[] (only ever all NULLs: see null_array)


class _Float8Array(_EncodedArray):
    oid = 1022  # double precision[] (only ever all NULLs: see null_array)


# a Python element type: the oid of its PostgreSQL element type, the class of its arrays
_TYPES: dict[type, tuple[int, type[_EncodedArray]]] = {
    int: (20, _Int8Array),
    str: (25, _TextArray),
    bytes: (17, _ByteaArray),
}
# a column's type (format_type's name): its element oid, the class of its arrays, for a
# column of NULLs only (null_array)
_NULL_TYPES: dict[str, tuple[int, type[_EncodedArray]]] = {
    "bigint": (20, _Int8Array),
    "integer": (23, _Int4Array),
    "text": (25, _TextArray),
    "bytea": (17, _ByteaArray),
    "double precision": (701, _Float8Array),
}
_ENCODED_CLASSES = (_Int8Array, _TextArray, _ByteaArray, _Int4Array, _Float8Array)
_EIGHT = b"\x08"  # the low byte of each bigint element's length (8)


def encoded_array(values: list[Any]) -> _EncodedArray | None:
    """``values`` as the binary form of a one-dimensional array, when all of them (NULLs
    aside) are ints, all strings or all bytes; else None (psycopg encodes it).

    >>> bytes(encoded_array([1, None]))[:20].hex(" ", 4)
    '00000001 00000001 00000014 00000002 00000001'
    >>> bytes(encoded_array([1, None]))[20:].hex(" ", 4)
    '00000008 00000000 00000001 ffffffff'
    >>> bytes(encoded_array(["é", ""]))[20:].hex()
    '00000002c3a900000000'
    >>> encoded_array([]), encoded_array([1.5]), encoded_array([True]), encoded_array([1 << 64])
    (None, None, None, None)
    """
    kinds = set(map(type, values))
    nulls = type(None) in kinds
    kinds.discard(type(None))
    if len(kinds) != 1:
        return None
    (kind,) = kinds
    known = _TYPES.get(kind)
    if known is None:
        return None
    element, array_type = known
    count = len(values)
    head = _ARRAY_HEAD.pack(1, int(nulls), element, count, 1)
    parts: list[bytes]
    try:
        if kind is int and not nulls:
            return array_type(head + _bigint_elements(values))
        if kind is int:
            parts = [_NULL if v is None else _INT8.pack(8, v) for v in values]
        else:
            data = values if kind is bytes else None
            if not nulls:
                if data is None:
                    data = list(map(str.encode, values))
                parts = [b""] * (2 * count)
                parts[0::2] = map(_LENGTH.pack, map(len, data))
                parts[1::2] = data
            else:
                parts = [
                    _NULL
                    if v is None
                    else _LENGTH.pack(len(b := v if kind is bytes else v.encode())) + b
                    for v in values
                ]
    except (struct.error, UnicodeEncodeError):
        return None  # psycopg's own: numeric, or its error
    return array_type(head + b"".join(parts))


def _bigint_elements(values: list[int]) -> bytearray:
    """The elements of a bigint array of ``values`` (no NULL): each its length (8) and its
    value, big-endian; ``struct.error`` past 64 bits.

    The values packed by one format of one code (``>Nq``, compiled at once), then each of
    their 8 bytes copied to its place by one strided slice assignment, as is the
    length's last byte: a format of the elements' lengths and values (``>iqiq…``) is
    2 codes a value, compiled anew for each count of values (a drain's lists have
    hundreds of counts: ≈ 33 µs a list of ≈ 360 values against ≈ 11 µs now).

    >>> _bigint_elements([1, -2]).hex(" ", 4)
    '00000008 00000000 00000001 00000008 ffffffff fffffffe'
    """
    count = len(values)
    data = struct.pack(f">{count}q", *values)
    out = bytearray(12 * count)
    out[3::12] = _EIGHT * count
    for byte in range(8):
        out[4 + byte :: 12] = data[byte::8]
    return out


def null_array(count: int, column_type: str) -> _EncodedArray | None:
    """An array of ``count`` NULLs of a column of ``column_type`` (``format_type``'s name),
    encoded (psycopg dumps a list of Nones element by element, as text), or None when the
    type is not one of :data:`_NULL_TYPES`.

    >>> bytes(null_array(2, "double precision")).hex(" ", 4)
    '00000001 00000001 000002bd 00000002 00000001 ffffffff ffffffff'
    >>> null_array(1, "jsonb") is None
    True
    """
    known = _NULL_TYPES.get(column_type)
    if known is None or count < 1:
        return None
    element, array_type = known
    return array_type(_ARRAY_HEAD.pack(1, 1, element, count, 1) + _NULL * count)


def _with_arrays(params: Params) -> Params:
    """``params`` with their lists encoded (:func:`encoded_array`) where that can be."""
    if isinstance(params, Mapping):
        return {name: _array_or_list(value) for name, value in params.items()}
    return [_array_or_list(value) for value in params]


def _array_or_list(value: Any) -> Any:
    if type(value) is list and value:
        encoded = encoded_array(value)
        if encoded is not None:
            return encoded
    return value


def _column_array(values: list[Any], column_type: str) -> Any:
    """A column's values for ``CAST(… AS column_type[])``: encoded (:func:`encoded_array`,
    or :func:`null_array` when every one is NULL, as a column of optional values often
    is in a feed's rows), else the list for psycopg."""
    if values and values[0] is None and values.count(None) == len(values):
        encoded = null_array(len(values), column_type)
        if encoded is not None:
            return encoded
    return _array_or_list(values)


BULK_SORT_MEMORY = "256MB"  # maintenance_work_mem while copy-db builds the indexes

# The primary keys, unique constraints and foreign keys of the named tables
# (and the foreign keys pointing at them): (table, name, kind, definition).
_KEYS_OF = """
SELECT t.relname, k.conname, k.contype, pg_get_constraintdef(k.oid)
FROM pg_constraint AS k JOIN pg_class AS t ON t.oid = k.conrelid
LEFT JOIN pg_class AS r ON r.oid = k.confrelid
WHERE k.contype IN ('p', 'u', 'f') AND t.relnamespace = current_schema()::regnamespace
  AND (t.relname = ANY(%(tables)s) OR r.relname = ANY(%(tables)s))
ORDER BY t.relname, k.conname
"""
# Their other indexes (those no key owns): (name, definition).
_INDEXES_OF = """
SELECT x.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index AS i JOIN pg_class AS t ON t.oid = i.indrelid
JOIN pg_class AS x ON x.oid = i.indexrelid
WHERE t.relname = ANY(%(tables)s) AND t.relnamespace = current_schema()::regnamespace
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS k
                  WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
ORDER BY x.relname
"""


def libpq_url(url: str) -> str:
    """``url`` with its scheme in lower case, the only spelling libpq accepts.

    ``--db`` names the engine case-insensitively (:func:`tracer.engines.engine_of`).

    >>> libpq_url("PostgreSQL://tracer@db.example/tracer")
    'postgresql://tracer@db.example/tracer'
    """
    scheme, sep, rest = url.partition("://")
    return scheme.lower() + sep + rest


# What tracer's sessions set, sent with the connection (no extra round trip):
# - jit=off: tracer's statements are index probes of well under a millisecond,
#   but the planner's row estimates for recursive walks can put them over
#   jit_above_cost, and compiling one costs 50-300 ms (measured: a 0.24 ms
#   `reposts` statement took 346 ms with JIT); the aggregates gained nothing.
# - synchronous_commit=off: a commit does not wait for its WAL to reach the
#   disk (the WAL writer flushes within 3 x wal_writer_delay, 600 ms by
#   default). A server crash may lose the last commits, never corrupts the
#   database: the durability of tracer's SQLite stores (WAL, synchronous=NORMAL).
#   A poller commits once per feed; a lost feed is polled again (still due).
SESSION_SETTINGS = "-c jit=off -c synchronous_commit=off"
# TCP keepalives, so that a host that vanishes (a network cut between countries, a frozen
# or suspended machine) is noticed in about two minutes (60 s idle, then 6 probes 10 s
# apart), not the operating system's two hours and more:
# - by the server (tcp_keepalives_*, a session setting): a poller that vanished inside a
#   feed's transaction held the reach lock (LOCK_REACH) that every other poller's writes
#   wait for; its session now ends and the lock with it (its feeds' leases expire);
# - by libpq (keepalives_*): a poller waiting for the answer of a server that vanished
#   stops with the lost-connection error instead of waiting on.
# A URL's own values win (libpq parameters it gives, -c options it gives come later).
SERVER_KEEPALIVES = (
    "-c tcp_keepalives_idle=60 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=6"
)
CLIENT_KEEPALIVES = {"keepalives_idle": "60", "keepalives_interval": "10", "keepalives_count": "6"}
# A shared server may end idle sessions (idle_session_timeout, PostgreSQL 14+, set for a
# role or database to reap forgotten psql windows). A poller's sessions idle while a slow
# feed is fetched, and the one that holds the poll's advisory locks for the whole run:
# ended, the poll stopped with "connection lost" and a rematch could start beside it. So
# tracer's sessions turn it off for themselves, unless the URL's or PGOPTIONS' options
# set it (they win). Not a startup option: PostgreSQL 13 refuses a setting it lacks.
NEVER_IDLE_OUT = "SET idle_session_timeout = 0"
# Seconds to wait for a server to answer a new connection (libpq waits forever, psycopg
# about two minutes): a cron run against a host cut off fails in one line instead
CONNECT_TIMEOUT = "10"
# A poll's writer connection (PostgresEngine.another) adds enable_seqscan=off: every
# statement of a feed's transaction finds its rows through an index (lookups of a
# list of URLs or ids, inserts, the lock and lease updates), so the writer prepares
# all of them, the list lookups too (planned once instead of at every call: see
# PLAN_EACH_CALL). A generic plan made while a poll's first feeds fill the tables
# from empty would otherwise be a scan of the whole table, kept until the next
# ANALYZE; with scans off it is the index probe whatever the table's size then.
WRITER_SETTINGS = "-c enable_seqscan=off"


def with_session_settings(url: str, pgoptions: str | None = None, extra: str = "") -> str:
    """``url`` as a libpq connection string whose ``options`` add :data:`SESSION_SETTINGS`,
    with the keepalives of :data:`SERVER_KEEPALIVES` and :data:`CLIENT_KEEPALIVES`.

    Options the URL (or else the ``PGOPTIONS`` environment variable, which a
    URL's ``options`` would override) already gives are kept, after the
    keepalives (a setting given twice is taken from the last ``-c``) and before
    tracer's own settings; ``extra`` comes last. A keepalive parameter of libpq
    that the URL gives is kept, and so is its ``connect_timeout`` (else
    :data:`CONNECT_TIMEOUT`). The client encoding is always UTF-8.

    >>> from psycopg.conninfo import conninfo_to_dict
    >>> def settings(*args):
    ...     info = conninfo_to_dict(with_session_settings(*args))
    ...     options = info.pop("options").replace(SERVER_KEEPALIVES, "(keepalives)")
    ...     return options, {k: v for k, v in info.items() if "keepalive" not in k}
    >>> conninfo_to_dict(with_session_settings("postgresql://h/t?client_encoding=LATIN1"))[
    ...     "client_encoding"
    ... ]
    'UTF8'
    >>> settings("postgresql://t:pw@db.example:5432/tracer?sslmode=require")
    ('(keepalives) -c jit=off -c synchronous_commit=off', \
{'user': 't', 'password': 'pw', 'connect_timeout': '10', 'dbname': 'tracer', \
'host': 'db.example', 'port': '5432', 'client_encoding': 'UTF8', 'sslmode': 'require'})
    >>> settings("postgresql://db.example/t?options=-c%20search_path%3Ds1")[0]
    '(keepalives) -c search_path=s1 -c jit=off -c synchronous_commit=off'
    >>> settings("postgresql://db.example/t", "-c work_mem=64MB", "-c enable_seqscan=off")[0]
    '(keepalives) -c work_mem=64MB -c jit=off -c synchronous_commit=off -c enable_seqscan=off'
    >>> info = conninfo_to_dict(with_session_settings("postgresql://db.example/t?keepalives_idle=5"))
    >>> info["keepalives_idle"], info["keepalives_count"]
    ('5', '6')
    """
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(url)
    given = str(params.get("options") or pgoptions or "")
    parts = (SERVER_KEEPALIVES, given, SESSION_SETTINGS, extra)
    params["options"] = " ".join(part for part in parts if part)
    for name, value in CLIENT_KEEPALIVES.items():
        params.setdefault(name, value)
    params.setdefault("connect_timeout", CONNECT_TIMEOUT)
    params["client_encoding"] = "UTF8"  # whatever PGCLIENTENCODING says: text in every script
    return make_conninfo("", **params)


LOST = "the connection to the database was lost"
"""How a statement or transaction that failed because the server went away is reported
(:meth:`PostgresEngine.lost`)."""


def one_line(exc: BaseException) -> str:
    """A server's message on one line: hints joined, the quoted SQL (``LINE 1: …``) left out.

    >>> one_line(Exception('permission denied for schema s\\nLINE 1: CREATE TABLE t\\n   ^\\n'))
    'permission denied for schema s'
    >>> one_line(Exception('failed: Connection refused\\n\\tIs the server running?\\n'))
    'failed: Connection refused; Is the server running?'
    """
    kept: list[str] = []
    for line in str(exc).splitlines():
        if line.startswith("LINE "):
            break
        if line.strip():
            kept.append(line.strip())
    return "; ".join(kept)


def not_utf8_message(url: str, encoding: str) -> str:
    """What every command says about a database whose encoding is not UTF-8.

    Such a database cannot hold posts in every language (LATIN1 refuses Arabic or
    Cyrillic text), and one in ``SQL_ASCII`` gives text back as bytes. Before this
    check a LATIN1 database failed a poll with a traceback, and a SQL_ASCII one failed
    every command after the first.

    >>> print(not_utf8_message("postgresql://t:pw@db.example/tracer", "LATIN1"))
    ... # doctest: +NORMALIZE_WHITESPACE
    database 'postgresql://t:***@db.example/tracer' has the encoding LATIN1: tracer keeps
    text in every language and needs a UTF8 database (createdb --encoding=UTF8
    --template=template0 NAME)
    """
    return (
        f"database {redact(url)!r} has the encoding {encoding}: tracer keeps text in every"
        " language and needs a UTF8 database (createdb --encoding=UTF8 --template=template0"
        " NAME)"
    )


def no_schema_message(url: str) -> str:
    """What a reading command says about a PostgreSQL database tracer never wrote to.

    >>> print(no_schema_message("postgresql://tracer:s3cret@db.example/tracer"))
    ... # doctest: +NORMALIZE_WHITESPACE
    no tracer schema in database 'postgresql://tracer:***@db.example/tracer' (no tracer
    tables in its current schema): create it with a command that writes, e.g. `tracer poll`
    or `tracer feeds add URL`, or fill it with `tracer copy-db`
    """
    return (
        f"no tracer schema in database {redact(url)!r} (no tracer tables in its current"
        " schema): create it with a command that writes, e.g. `tracer poll` or"
        " `tracer feeds add URL`, or fill it with `tracer copy-db`"
    )


def _quote(name: str) -> str:
    """An identifier, double-quoted.

    >>> _quote('edges'), _quote('a"b')
    ('"edges"', '"a""b"')
    """
    return '"' + name.replace('"', '""') + '"'


@lru_cache(maxsize=512)
def _prepare(statement: str) -> bool | None:
    """psycopg's ``prepare`` for ``statement``: False (an unnamed statement, planned at
    every call) when it says so (:data:`~tracer.engine.queries.PLAN_EACH_CALL`, which
    the list lookups of :mod:`tracer.engine.queries` carry), None (prepared once it
    ran 5 times) for the rest.

    >>> _prepare(f"SELECT id FROM nodes WHERE url = ANY(%s){PLAN_EACH_CALL}")
    False
    >>> _prepare("SELECT id FROM feeds WHERE id = %s") is None
    True
    """
    return False if PLAN_EACH_CALL in statement else None


class SimpleInsert(NamedTuple):
    """An ``INSERT INTO table (columns) VALUES (?, …)[, (?, …)…]`` of placeholders only."""

    table: str
    columns: tuple[str, ...]
    rows: int  # how many rows its VALUES list
    tail: str  # "", " ON CONFLICT DO NOTHING", then maybe " RETURNING columns"


_SIMPLE_INSERT = re.compile(
    r"\s*INSERT\s+(OR\s+IGNORE\s+)?INTO\s+([A-Za-z_]\w*)\s*\(([\w\s,]+)\)\s*VALUES\s*"
    r"(\([\s?,]+\)(?:\s*,\s*\([\s?,]+\))*)\s*(ON\s+CONFLICT\s+DO\s+NOTHING\s*)?"
    r"(RETURNING\s+[\w\s,]+?)?\s*;?\s*",
    re.I,
)
_NAME = re.compile(r"[A-Za-z_]\w*")


@lru_cache(maxsize=256)
def _simple_insert(sql: str) -> SimpleInsert | None:
    """``sql`` as a :class:`SimpleInsert`, or None (anything else: left as it is).

    >>> _simple_insert("INSERT OR IGNORE INTO links (source_id, repost_id) VALUES (?, ?)")
    ... # doctest: +NORMALIZE_WHITESPACE
    SimpleInsert(table='links', columns=('source_id', 'repost_id'), rows=1,
                 tail=' ON CONFLICT DO NOTHING')
    >>> _simple_insert("INSERT INTO t (a, b) VALUES (?, ?), (?, ?) ON CONFLICT DO NOTHING"
    ...                " RETURNING a, b")  # doctest: +NORMALIZE_WHITESPACE
    SimpleInsert(table='t', columns=('a', 'b'), rows=2,
                 tail=' ON CONFLICT DO NOTHING RETURNING a, b')
    >>> _simple_insert("INSERT INTO t (a, b) VALUES (?, coalesce(?, 1))") is None
    True
    >>> _simple_insert("INSERT INTO t (a, b) VALUES (?, ?), (?)") is None
    True
    >>> _simple_insert("INSERT INTO t (a) VALUES (?) ON CONFLICT (a) DO UPDATE SET a = 1") is None
    True
    """
    if sql.lstrip()[:6].upper() != "INSERT":
        return None
    match = _SIMPLE_INSERT.fullmatch(sql)
    if match is None:
        return None
    ignore, table, names, values, nothing, returning = match.groups()
    columns = tuple(name.strip() for name in names.split(","))
    if not all(_NAME.fullmatch(name) for name in columns):
        return None
    one_row = "(" + ",".join("?" * len(columns)) + ")"
    rows = [row.replace(" ", "").replace("\n", "") + ")" for row in values.split(")")[:-1]]
    if any(row.lstrip(",") != one_row for row in rows):
        return None
    tail = " ON CONFLICT DO NOTHING" if ignore or nothing else ""
    if returning:
        tail += " " + " ".join(returning.split())
    return SimpleInsert(table, columns, len(rows), tail)


_VALUES_INSERT = re.compile(
    r"\s*INSERT\s+INTO\s+([A-Za-z_]\w*)\s*\(([\w\s,]+)\)\s*VALUES\s*"
    r"(\([\s?,]+\)(?:\s*,\s*\([\s?,]+\))*)((?:\s+(?:ON\s+CONFLICT|RETURNING)\b.*)?)",
    re.I | re.S,
)


@lru_cache(maxsize=256)
def _values_insert(sql: str) -> tuple[str, tuple[str, ...], int, str, int] | None:
    """``INSERT INTO table (columns) VALUES (?, …), (?, …)…`` followed by nothing, or by
    ``ON CONFLICT …`` or ``RETURNING …`` (which may hold ``?`` of their own): its table,
    columns, number of rows (two or more), tail and the tail's parameters; else None.

    >>> _values_insert("INSERT INTO t (a, b) VALUES (?, ?), (?, ?) ON CONFLICT (a) DO UPDATE"
    ...                " SET b = excluded.b WHERE t.b < ? RETURNING a, b = '?'")
    ... # doctest: +NORMALIZE_WHITESPACE
    ('t', ('a', 'b'), 2, " ON CONFLICT (a) DO UPDATE SET b = excluded.b WHERE t.b < ?
      RETURNING a, b = '?'", 1)
    >>> _values_insert("INSERT INTO t (a) VALUES (?)") is None  # one row: nothing to gain
    True
    >>> _values_insert("INSERT INTO t (a, b) VALUES (?, 1), (?, 2)") is None
    True
    >>> _values_insert("INSERT INTO t (a) VALUES (?), (?) ON CONFLICT DO NOTHING; DELETE FROM t")
    """
    match = _VALUES_INSERT.fullmatch(sql)
    if match is None or ";" in match.group(4):
        return None
    table, names, values, tail = match.groups()
    columns = tuple(name.strip() for name in names.split(","))
    if not all(_NAME.fullmatch(name) for name in columns):
        return None
    one_row = "(" + ",".join("?" * len(columns)) + ")"
    rows = [row.replace(" ", "").replace("\n", "") + ")" for row in values.split(")")[:-1]]
    if len(rows) < 2 or any(row.lstrip(",") != one_row for row in rows):
        return None
    tail_params = sum(1 for token in _TOKENS.finditer(tail) if token.group(0) == "?")
    return table, columns, len(rows), tail, tail_params


_ARRAY_TYPES = {int, str, float, bytes}  # what psycopg sends as one array of one type
_ROW_TYPES = {tuple, list}  # rows that are sequences, not mappings


def _columns_of(rows: Sequence[Params], width: int) -> list[list[Any]] | None:
    """The values of ``rows`` (sequences of ``width``) by column, or None when a column
    mixes Python types (or holds others than :data:`_ARRAY_TYPES`): no array for it.

    >>> _columns_of([(1, "a"), (2, None)], 2)
    [[1, 2], ['a', None]]
    >>> _columns_of([(1, "a"), ("2", "b")], 2) is None
    True
    >>> _columns_of([(True, "a"), (1, "b")], 2) is None
    True
    """
    # tuples and lists (every caller's rows) told at once: an isinstance of the Mapping
    # ABC a row costs more than the rest of a narrow row's checks
    if not set(map(type, rows)) <= _ROW_TYPES and any(isinstance(row, Mapping) for row in rows):
        return None
    if set(map(len, rows)) - {width}:
        return None
    columns = [list(column) for column in zip(*rows, strict=True)]
    for column in columns:
        kinds = set(map(type, column))
        kinds.discard(type(None))
        if len(kinds) > 1 or not kinds <= _ARRAY_TYPES:
            return None
    return columns


def _connect(url: str, extra: str = "") -> Any:
    """A psycopg connection in autocommit mode with tracer's session settings (and
    ``extra`` ones), :data:`NEVER_IDLE_OUT` on a server that has the setting."""
    if psycopg is None:
        raise StorageError(MISSING_DRIVER)
    conninfo = with_session_settings(libpq_url(url), os.environ.get("PGOPTIONS"), extra)
    try:
        conn = psycopg.connect(conninfo, autocommit=True, application_name="tracer")
    except psycopg.Error as exc:
        raise StorageError(f"cannot connect to {redact(url)}: {one_line(exc)}") from exc
    # (a setting's name is case-blind, and "-" stands for "_" in "--name=value")
    given = "idle_session_timeout" in conninfo.lower().replace("-", "_")
    if conn.info.server_version >= 140000 and not given:
        try:
            conn.execute(NEVER_IDLE_OUT)
        except psycopg.Error as exc:
            conn.close()
            raise StorageError(f"cannot connect to {redact(url)}: {one_line(exc)}") from exc
    for kind in _ENCODED_CLASSES:
        conn.adapters.register_dumper(kind, _encoded_dumper(kind.oid))
    return conn


@lru_cache(maxsize=8)
def _encoded_dumper(oid: int) -> type:
    """psycopg's dumper of an :class:`_EncodedArray` of type ``oid``: the bytes as they are."""
    from psycopg.adapt import Dumper

    class EncodedArrayDumper(Dumper):
        format = psycopg.pq.Format.BINARY

        def dump(self, obj: Any) -> Any:
            return obj

    EncodedArrayDumper.oid = oid
    return EncodedArrayDumper


class _PipedCursor:
    """A cursor of a statement sent in a pipeline (:meth:`PostgresEngine.pipeline`):
    psycopg's own, except that ``rowcount`` and ``description`` wait for its answer
    (its rows already do)."""

    __slots__ = ("_cursor", "_pipeline")

    def __init__(self, cursor: Any, pipeline: Any) -> None:
        self._cursor = cursor
        self._pipeline = pipeline

    def _answered(self) -> Any:
        if self._cursor.pgresult is None:
            self._pipeline.sync()
        return self._cursor

    @property
    def rowcount(self) -> int:
        return int(self._answered().rowcount)

    @property
    def description(self) -> Any:
        return self._answered().description

    def __iter__(self) -> Iterator[Any]:
        # every row at once: psycopg makes them in C, where its iterator is a few
        # Python calls per row (~380 rows a feed in a cold poll's reach and matching)
        return iter(self._cursor.fetchall())

    def __getattr__(self, name: str) -> Any:  # fetchone, fetchall, …
        return getattr(self._cursor, name)


class PostgresEngine(Engine):
    """One psycopg connection (autocommit; explicit transactions for writes)."""

    name: ClassVar[str] = "postgresql"
    supports_leases: ClassVar[bool] = True

    def __init__(self, conn: Any, target: str, *, writer: bool = False) -> None:
        super().__init__(target)
        self.conn = conn
        self.session_id = int(conn.info.backend_pid)  # no other live session has it
        # a poll's writer connection: WRITER_SETTINGS, every statement prepared
        self.writer = writer
        self._url = target  # unredacted: another() connects with it
        self.errors = (psycopg.Error,)
        self._types: dict[str, dict[str, str]] = {}  # table -> column -> type (_column_types)
        self._unnest_statements: dict[SimpleInsert, str] = {}  # (_insert_arrays)
        self._pipeline: Any = None  # psycopg's Pipeline while in pipeline()
        self._transactions = 0  # transaction() blocks open (_in_transaction)

    @classmethod
    def connect(cls, url: str, *, create: bool = True) -> PostgresEngine:
        """Connect and migrate; with ``create=False`` a schema without tracer's tables is
        a :class:`StorageError` and nothing is created (the commands that only read)."""
        engine = cls(_connect(url), url)
        conn = engine.conn
        encoding = conn.info.parameter_status("server_encoding")
        if encoding != "UTF8":  # sent by the server when the session starts: no query
            conn.close()
            raise StorageError(not_utf8_message(url, str(encoding)))
        from tracer.migrations import MIGRATION_SET

        try:
            applied = engine._applied(MIGRATION_SET)
            if not create and not applied:
                conn.close()
                raise StorageError(no_schema_message(url))
            engine.migrate(applied)
        except psycopg.Error as exc:
            conn.close()
            raise StorageError(f"cannot migrate {redact(url)}: {one_line(exc)}") from exc
        return engine

    def another(self) -> PostgresEngine:
        """A second connection to the same database, already migrated, for a poll's writer
        thread (it writes on that one while the loop claims feeds on this one) and for its
        drainer (:class:`tracer.upkeep.Drainer`): with :data:`WRITER_SETTINGS`, every
        statement prepared (see there), and a transaction inside a pipeline sent as
        statements (:meth:`transaction`). The drainer wants all three: its drain is one
        pipelined transaction of index lookups by lists of ids, URLs and keys, like a
        feed's; a failed one is run again on a new connection."""
        return PostgresEngine(_connect(self._url, WRITER_SETTINGS), self._url, writer=True)

    @contextmanager
    def pipeline(self) -> Iterator[None]:
        """psycopg's pipeline mode: a feed's statements go out without waiting for the
        answers nobody reads (see :meth:`Engine.pipeline`)."""
        if self._pipeline is not None:
            yield
            return
        try:
            with self.conn.pipeline() as pipeline:
                self._pipeline = pipeline
                try:
                    yield
                finally:
                    self._pipeline = None
        except psycopg.Error as exc:  # an answer read only when the pipeline ended
            raise StorageError(f"database write failed: {self._failure(exc)}") from exc

    def execute(self, sql: str, params: Params = ()) -> Any:
        try:
            cursor = self._execute(sql, params)
        except psycopg.Error as exc:
            self._raise_if_lost(exc)
            raise
        return cursor if self._pipeline is None else _PipedCursor(cursor, self._pipeline)

    def _raise_if_lost(self, exc: psycopg.Error) -> None:
        """A :class:`StorageError` for ``exc`` if the connection is gone: the commands report
        it in one line (a poll stops; each feed written stays written)."""
        lost = self.lost(exc)
        if lost is not None:
            raise StorageError(lost) from exc

    def _execute(self, sql: str, params: Params) -> Any:
        if isinstance(params, list | tuple) and len(params) > 1:
            insert = _simple_insert(sql)
            if insert is not None and insert.rows > 1:
                width = len(insert.columns)
                if len(params) == width * insert.rows:
                    flat = list(params)
                    rows = [flat[i : i + width] for i in range(0, len(flat), width)]
                    cursor = self._insert_arrays(insert, _columns_of(rows, width))
                    if cursor is not None:
                        return cursor
            sql, params = self._values_as_arrays(sql, params)
        if params:
            binary = _binary_params(params)
            statement = translate(sql, True, binary)
            prepare = None if self.writer else _prepare(statement)
            if binary:
                params = _with_arrays(params)
            return self.conn.execute(statement, params, prepare=prepare)
        return self.conn.execute(translate(sql, with_params=False))

    def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        try:
            return self._executemany(sql, list(rows))
        except psycopg.Error as exc:
            self._raise_if_lost(exc)
            raise

    def _executemany(self, sql: str, rows: list[Params]) -> int:
        if len(rows) > 1 and self._in_transaction():
            insert = _simple_insert(sql)
            if insert is not None and insert.rows == 1 and "RETURNING" not in insert.tail:
                cursor = self._insert_arrays(insert, _columns_of(rows, len(insert.columns)))
                if cursor is not None:
                    return max(cursor.rowcount, 0) if self._pipeline is None else -1
        cursor = self.conn.cursor()
        cursor.executemany(translate(sql), rows)
        return max(cursor.rowcount, 0) if self._pipeline is None else -1

    def _in_transaction(self) -> bool:
        """Inside a transaction: one of :meth:`transaction`, whose status libpq gives as
        ACTIVE, not INTRANS, while a pipeline has statements in flight, or another."""
        if self._transactions:
            return True
        return bool(self.conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS)

    def _insert_arrays(self, insert: SimpleInsert, columns: list[list[Any]] | None) -> Any:
        """``insert`` of every row at once: one array per column, ``unnest`` into rows;
        its cursor, or None when ``columns`` is None or a column's type is unknown.

        One statement of one text per table and columns, prepared once, instead
        of one per row (``executemany``: a statement each on the server) or of a
        ``VALUES`` list as long as the rows (a new text for each count, parsed by
        psycopg in Python and planned by the server at every call). The same rows
        are inserted in the same order, the same conflicts skipped, the same
        count and ``RETURNING`` rows (in that order) come back. ``executemany``
        does it only inside a transaction, where a failing row fails all anyway.
        """
        if columns is None:
            return None
        shape = insert._replace(rows=0)  # one statement whatever the count of rows
        statement = self._unnest_statements.get(shape)
        types = self._column_types(insert.table)
        if statement is None:
            if not all(name in types for name in insert.columns):
                return None
            arrays = ", ".join(f"CAST(%b AS {types[name]}[])" for name in insert.columns)
            statement = self._unnest_statements[shape] = (
                f"INSERT INTO {_quote(insert.table)} ({', '.join(map(_quote, insert.columns))})"
                f" SELECT * FROM unnest({arrays}){insert.tail}"
            )
        arrays_of = [
            _column_array(column, types[name])
            for column, name in zip(columns, insert.columns, strict=True)
        ]
        return self.conn.execute(statement, arrays_of)

    def _values_as_arrays(self, sql: str, params: Sequence[Any]) -> tuple[str, Params]:
        """An ``INSERT`` of several ``VALUES`` rows with any tail (``ON CONFLICT … DO
        UPDATE``, ``RETURNING``, with parameters of their own) as the same statement over
        one array per column (``SELECT * FROM unnest(…)``), and its parameters: the
        arrays, then the tail's. ``sql`` and ``params`` as they are when it is none (or a
        column's values are not of one type, or its table's types are unknown).

        A ``VALUES`` list is a new text for each count of rows, too long for psycopg's
        cache: psycopg parses it in Python at each call (a cold poll's edges: ~40 rows
        of 10 columns a feed, 0.66 ms for the parse alone), dumps each of its ~400
        values one by one, and the server plans it at each call; the array form is
        one text, prepared once, its columns encoded whole (:func:`encoded_array`).
        The same rows go in, in the same order (so ids, conflicts and ``RETURNING``
        rows are the same, in the same order); ``excluded`` names the row proposed
        for insertion either way."""
        shape = _values_insert(sql)
        if shape is None:
            return sql, params
        table, names, rows, tail, tail_params = shape
        width = len(names)
        if len(params) != width * rows + tail_params:
            return sql, params
        flat = list(params)
        columns = _columns_of([flat[i : i + width] for i in range(0, width * rows, width)], width)
        types = self._column_types(table)
        if columns is None or not all(name in types for name in names):
            return sql, params
        arrays = ", ".join(f"CAST(? AS {types[name]}[])" for name in names)
        statement = f"INSERT INTO {table} ({', '.join(names)}) SELECT * FROM unnest({arrays}){tail}"
        encoded = [
            _column_array(column, types[name]) for column, name in zip(columns, names, strict=True)
        ]
        return statement, [*encoded, *flat[width * rows :]]

    def _column_types(self, table: str) -> dict[str, str]:
        """Column name → its type's name (``bigint``, ``text``…) of ``table``, read once."""
        types = self._types.get(table)
        if types is None:
            rows = self.conn.execute(
                "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute"
                " WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped",
                [_quote(table)],
            )
            types = self._types[table] = {name: kind for name, kind in rows}
        return types

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._pipeline is not None and self.writer and not self._transactions:
            with self._piped_transaction():
                yield
            return
        try:
            with self.conn.transaction():
                self._transactions += 1
                try:
                    yield
                finally:
                    self._transactions -= 1
        except psycopg.Error as exc:
            raise StorageError(f"database write failed: {self._failure(exc)}") from exc

    @contextmanager
    def _piped_transaction(self) -> Iterator[None]:
        """A transaction of a poll's writer in its pipeline: ``BEGIN`` and ``COMMIT`` sent
        as statements, one wait (for the commit's answer, or the error of a statement
        not read before) where psycopg's ``transaction()`` syncs the pipeline after
        ``BEGIN``, before ``COMMIT`` and after it (three round trips a feed).

        A failed transaction is rolled back by psycopg's ``rollback()``, which also
        clears its cache of prepared statements (and the server's, ``DEALLOCATE ALL``),
        as its own ``transaction()`` does: a statement that reached psycopg's threshold
        in the failed part of the pipeline is named in that cache from the moment it
        was sent, but the server skipped its preparation, so the writer's next try of
        the feed (:meth:`tracer.store.Store.apply` after a deadlock) would name a
        statement the server never prepared. ``rollback()`` first syncs the pipeline,
        which raises the failure of a statement not read yet (or ``PipelineAborted``
        for one skipped after it) and so stops short of ``ROLLBACK``: the connection
        would stay in the failed transaction and the next one fail at once ("current
        transaction is aborted"); it is called again until the connection is idle.
        """
        pipeline = self._pipeline

        def abort() -> None:
            for _try in range(ROLLBACK_TRIES):
                with contextlib.suppress(psycopg.Error):
                    # out of the pipeline's aborted state, ROLLBACK, the cache cleared
                    self.conn.rollback()
                if self.conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
                    return

        try:
            self.conn.execute("BEGIN")
        except psycopg.Error as exc:  # (the connection lost since the last feed)
            raise StorageError(f"database write failed: {self._failure(exc)}") from exc
        self._transactions += 1
        try:
            yield
        except BaseException as exc:
            self._transactions -= 1
            abort()
            if isinstance(exc, psycopg.Error):
                raise StorageError(f"database write failed: {self._failure(exc)}") from exc
            raise
        self._transactions -= 1
        try:
            self.conn.execute("COMMIT")
            pipeline.sync()
        except psycopg.Error as exc:
            abort()  # a statement failed: the block is aborted
            raise StorageError(f"database write failed: {self._failure(exc)}") from exc

    def migrate(self, applied: set[str] | None = None) -> list[str]:
        """Apply the pending migrations; ``applied``: those recorded, if just read."""
        from tracer.migrations import MIGRATION_SET, migration_files, postgres_migrations_dir

        applied_now: list[str] = []
        self._types.clear()  # column types read before may change
        self._unnest_statements.clear()
        files = migration_files(postgres_migrations_dir())
        if applied is None:
            applied = self._applied(MIGRATION_SET)
        if applied >= {path.stem for path in files}:
            return applied_now  # up to date: a read-only role creates nothing and needs no lock
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS _sqlite_migrations (id BIGINT GENERATED BY DEFAULT"
                " AS IDENTITY PRIMARY KEY, migration_set TEXT, name TEXT, applied_at TEXT,"
                " UNIQUE (migration_set, name))"
            )
            done = {
                name
                for (name,) in self.conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = %s",
                    [MIGRATION_SET],
                )
            }
            for path in files:
                if path.stem in done:
                    continue
                with self.conn.transaction():
                    self.conn.execute(path.read_text(encoding="utf-8"))
                    self.conn.execute(  # once per file, never prepared: with 13 files
                        # psycopg prepared it, a statement left on the opening connection
                        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                        " VALUES (%s, %s, %s)",
                        [MIGRATION_SET, path.stem, str(datetime.now(UTC))],
                        prepare=False,
                    )
                applied_now.append(path.stem)
        return applied_now

    def _applied(self, migration_set: str) -> set[str]:
        """The migrations recorded in this schema, read without creating anything."""
        if self.conn.execute("SELECT to_regclass('_sqlite_migrations')").fetchone()[0] is None:
            return set()
        rows = self.conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = %s", [migration_set]
        )
        return {name for (name,) in rows}

    def tables(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            " AND tablename <> '_sqlite_migrations' ORDER BY tablename"
        )
        return [name for (name,) in rows]

    def columns(self, table: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
            " AND table_schema = current_schema() ORDER BY ordinal_position",
            [table],
        )
        return [name for (name,) in rows]

    def stream(self, sql: str, batch: int) -> Iterator[list[tuple[Any, ...]]]:
        with self.conn.transaction(), self.conn.cursor(name="tracer_stream") as cursor:
            cursor.itersize = batch
            cursor.execute(translate(sql, with_params=False))
            while rows := cursor.fetchmany(batch):
                yield rows

    def bulk_insert(
        self, table: str, columns: Sequence[str], batches: Iterable[list[tuple[Any, ...]]]
    ) -> None:
        """One ``COPY … FROM STDIN`` for the whole table; a thread sends the data.

        psycopg formats each row in C; the queued writer ships the buffers
        from its own thread, so reading the next batch from the source, the
        network and the server's work overlap instead of taking turns.
        """
        from psycopg.copy import QueuedLibpqWriter

        names = ", ".join(_quote(c) for c in columns)
        with self.conn.cursor() as cursor:
            statement = f"COPY {_quote(table)} ({names}) FROM STDIN"
            with cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
                write_row = copy.write_row
                for rows in batches:
                    for row in rows:
                        write_row(row)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        with self.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    @contextmanager
    def bulk_load(self, tables: Sequence[str]) -> Iterator[None]:
        """Load ``tables`` without their keys and indexes, then build those again.

        Dropped at the start, in the load's transaction: foreign keys (that
        point into or out of ``tables``), primary keys and unique constraints,
        and the other indexes. At the end of the block they come back with
        their own names and definitions (``pg_get_constraintdef`` /
        ``pg_get_indexdef``): keys first, then indexes, then foreign keys, whose
        check is one join per key instead of one trigger call per row. DDL is
        transactional here, so a failure anywhere (a duplicate, a dangling
        reference, a lost connection) rolls all of it back.
        """
        with self.transaction():
            keys = self.conn.execute(_KEYS_OF, {"tables": list(tables)}).fetchall()
            indexes = self.conn.execute(_INDEXES_OF, {"tables": list(tables)}).fetchall()
            foreign = [key for key in keys if key[2] == "f"]
            unique = [key for key in keys if key[2] != "f"]
            for table, name, _kind, _definition in foreign + unique:
                self.conn.execute(f"ALTER TABLE {_quote(table)} DROP CONSTRAINT {_quote(name)}")
            for name, _definition in indexes:
                self.conn.execute(f"DROP INDEX {_quote(name)}")
            # index builds sort in memory up to this (only raised, never lowered)
            self.conn.execute(
                "SELECT set_config('maintenance_work_mem', %s, true)"
                " WHERE pg_size_bytes(current_setting('maintenance_work_mem'))"
                " < pg_size_bytes(%s)",
                [BULK_SORT_MEMORY, BULK_SORT_MEMORY],
            )
            yield
            for table, name, _kind, definition in unique + foreign:
                self.conn.execute(
                    f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} {definition}"
                )
            for _name, definition in indexes:
                self.conn.execute(definition)

    def after_bulk_insert(self, table: str) -> None:
        if "id" not in self.columns(table):
            return
        self.conn.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), max(id)) FROM \"{table}\""
            " HAVING max(id) IS NOT NULL",
            [table],
        )

    def lost(self, exc: BaseException) -> str | None:
        """The message of a psycopg error raised because the connection is gone: what
        happened, on one line, and that the committed work stays (every write is a
        transaction). Gone: psycopg marked the connection broken or closed, libpq's status
        is bad (psycopg may not have marked it yet, e.g. when leaving a pipeline), or the
        server said so (SQLSTATE class 08, or 57P01-57P03: terminated, shutting down).
        """
        if not isinstance(exc, psycopg.Error):
            return None
        state = exc.sqlstate or ""
        gone = (
            self.conn.broken
            or self.conn.closed
            or self.conn.pgconn.status == psycopg.pq.ConnStatus.BAD
            or state.startswith("08")
            or state in ("57P01", "57P02", "57P03")
        )
        if not gone:
            return None
        return f"{LOST} ({one_line(exc)}): what was committed stays; run the command again"

    def _failure(self, exc: BaseException) -> str:
        """A failed write's message on one line (:meth:`lost` when the connection is gone)."""
        return self.lost(exc) or one_line(exc)

    def close(self) -> None:
        self.conn.close()
