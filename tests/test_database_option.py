"""``--db``: commands that only read never create a database; unsupported engines are refused.

The commands are found by walking the typer/click command tree, so a new
command is covered as soon as it exists: it either creates its database
(listed in CREATES) or must refuse a missing one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from tracer.cli import app

# commands that write: they create the database (with the arguments they need)
WRITERS = {
    "feeds add": ["https://blog.example/feed/"],
    "feeds import": None,  # needs a file
    "poll": [],
    "outlets add": ["RT", "rt.com"],
    "outlets import": None,  # needs a file
    "watch add": ["--domain", "rt.com"],
}
CREATES = set(WRITERS)
# pure commands never open one; copy-db takes its two databases as arguments (its own tests)
NO_DATABASE = {"clean-url", "copy-db"}


def leaf_commands() -> dict[str, Any]:
    """``"feeds add" -> command`` (duck-typed: typer may ship its own copy of click)."""
    found: dict[str, Any] = {}

    def walk(command: Any, prefix: str) -> None:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(sub, f"{prefix} {name}".strip())
        else:
            found[prefix] = command

    walk(typer.main.get_command(app), "")
    return found


def invocation(name: str, command: Any) -> list[str]:
    """The command with a placeholder for each required argument."""
    args = [p for p in command.params if p.param_type_name == "argument" and p.required]
    return [*name.split(), *["1" if _is_int(p) else "https://blog.example/post/" for p in args]]


def _is_int(param: Any) -> bool:
    """An integer argument (e.g. `watch remove ID`), for click's and typer's own parameters."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None:
        return getattr(descriptor, "annotation", None) is int
    return getattr(getattr(param, "type", None), "name", "") in {"int", "integer"}


READERS = sorted(set(leaf_commands()) - CREATES - NO_DATABASE)


def test_the_walk_finds_the_readers() -> None:
    assert {"chain", "stats", "export", "feeds list", "feeds remove"} <= set(READERS)


@pytest.mark.parametrize("name", READERS)
def test_a_reading_command_refuses_a_missing_database(name: str, tmp_path: Path) -> None:
    for db in (tmp_path / "no" / "such" / "dir" / "x.db", tmp_path / "typo.db"):
        command = invocation(name, leaf_commands()[name])
        result = CliRunner().invoke(app, ["--db", str(db), *command])
        assert result.exit_code == 1, (result.stdout, result.stderr)
        assert f"error: no database at {str(db)!r}" in result.stderr
        assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no file, no directory, no lock


@pytest.mark.parametrize("name", sorted(n for n, args in WRITERS.items() if args is not None))
def test_a_writing_command_creates_its_database(name: str, tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    command = [*name.split(), *(WRITERS[name] or [])]
    result = CliRunner().invoke(app, ["--db", str(db), *command])
    assert result.exit_code == 0, result.stderr
    assert db.is_file()


def _writer_invocations(inputs: Path) -> dict[str, list[str]]:
    """Every writer with the arguments it needs (the files of the imports in ``inputs``)."""
    opml = inputs / "feeds.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline xmlUrl="https://blog.example/feed/"/></body></opml>'
    )
    outlets = inputs / "outlets.yaml"
    outlets.write_text("RT:\n  domains: [rt.com]\n")
    files = {"feeds import": [str(opml)], "outlets import": [str(outlets)]}
    return {
        name: [*name.split(), *(files[name] if args is None else args)]
        for name, args in WRITERS.items()
    }


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_writing_command_refuses_a_folder_that_does_not_exist(
    name: str, tmp_path: Path
) -> None:
    """A mistyped folder in --db is a one-line error naming it, exit 1, nothing created
    (writers used to make the folders, and a new empty store in them)."""
    inputs, work = tmp_path / "inputs", tmp_path / "work"
    inputs.mkdir()
    work.mkdir()
    db = work / "typo" / "deeper" / "x.db"
    result = CliRunner().invoke(app, ["--db", str(db), *_writer_invocations(inputs)[name]])
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stderr.splitlines() == [
        f"error: no folder {str(db.parent)!r} for database {str(db)!r} (tracer creates the"
        " database file, not its folder: check the path, or create the folder first)"
    ]
    assert list(work.iterdir()) == []  # no folder, no file, no lock


def test_copy_db_refuses_a_destination_folder_that_does_not_exist(tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    assert CliRunner().invoke(app, ["--db", str(source), "poll"]).exit_code == 0
    db = tmp_path / "typo" / "copy.db"
    result = CliRunner().invoke(app, ["copy-db", str(source), str(db)])
    assert result.exit_code == 1, result.stderr
    assert f"error: no folder {str(db.parent)!r}" in result.stderr
    assert not db.parent.exists()


@pytest.mark.parametrize(
    "url", ["mysql://tracer:secret@db.example/tracer", "mongodb://db.example/t", "redis://x"]
)
@pytest.mark.parametrize("command", [["stats"], ["poll"], ["feeds", "add", "https://a.example/"]])
def test_a_url_of_an_unsupported_engine_is_an_error_naming_the_supported_ones(
    url: str, command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["--db", url, *command])
    assert result.exit_code == 1, result.stderr
    scheme = url.split(":")[0]
    assert f"unsupported database engine {scheme!r} (supported: sqlite" in result.stderr
    assert "secret" not in result.stderr  # a URL's password is never echoed
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "conninfo",
    [
        "host=db.example dbname=tracer user=tracer password=secret",
        "dbname=tracer user=tracer",
        "  user = tracer host=/var/run/postgresql",
        "service=tracer",
        "keepalives=1 host=db.example dbname=t",
    ],
)
def test_a_libpq_keyword_string_is_an_error_that_shows_the_url_form(
    conninfo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """psql takes "host=… dbname=…"; tracer took it for a SQLite file of that name and
    created one."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["--db", conninfo, "poll"])
    assert result.exit_code == 1, result.stderr
    assert "libpq connection string" in result.stderr
    assert "postgresql://user@host:port/dbname" in result.stderr
    assert "secret" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_file_name_with_an_equals_sign_is_still_a_sqlite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("run=2.db", "user=alice.db"):
        result = CliRunner().invoke(app, ["--db", name, "poll"])
        assert result.exit_code == 0, result.stderr
        assert (tmp_path / name).is_file()


def test_the_environment_variable_is_checked_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRACER_DB", "mysql://db.example/t")
    result = CliRunner().invoke(app, ["stats"])
    assert result.exit_code == 1
    assert "unsupported database engine 'mysql'" in result.stderr


# -- PostgreSQL: an empty database (no tracer schema) is the missing file's twin --


def _relations(pg_url: str) -> list[str]:
    """Every table, view, sequence, index and function in the schema ``pg_url`` uses."""
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT c.relname FROM pg_class AS c"
            " WHERE c.relnamespace = current_schema()::regnamespace"
            " UNION ALL SELECT p.proname FROM pg_proc AS p"
            " WHERE p.pronamespace = current_schema()::regnamespace ORDER BY 1"
        ).fetchall()
    return [name for (name,) in rows]


@pytest.mark.parametrize("name", READERS)
def test_a_reading_command_refuses_a_postgresql_database_without_tracer_schema(
    name: str, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    command = invocation(name, leaf_commands()[name])
    result = CliRunner().invoke(app, ["--db", pg_url, *command])
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "error: no tracer schema in database 'postgresql://" in result.stderr
    assert "`tracer poll`" in result.stderr  # says how to create it
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert _relations(pg_url) == []  # no table, no migrations record, no function
    assert list(tmp_path.iterdir()) == []  # and no lock file beside it


def test_a_reading_command_migrates_an_existing_postgresql_store(pg_url: str) -> None:
    """The schema exists (a writer made it): readers open it as they open a SQLite file."""
    added = CliRunner().invoke(app, ["--db", pg_url, "feeds", "add", WRITERS["feeds add"][0]])
    assert added.exit_code == 0, added.stderr
    result = CliRunner().invoke(app, ["--db", pg_url, "stats", "--json"])
    assert result.exit_code == 0, result.stderr
    assert '"feeds": 1' in result.stdout


@pytest.mark.parametrize("name", sorted(n for n, args in WRITERS.items() if args is not None))
def test_a_writing_command_creates_the_postgresql_schema(
    name: str, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    command = [*name.split(), *(WRITERS[name] or [])]
    result = CliRunner().invoke(app, ["--db", pg_url, *command])
    assert result.exit_code == 0, result.stderr
    assert {"_sqlite_migrations", "edges", "feeds", "posts"} <= set(_relations(pg_url))


def test_copy_db_from_a_postgresql_database_without_tracer_schema(
    pg_url: str, tmp_path: Path
) -> None:
    destination = tmp_path / "copy.db"
    result = CliRunner().invoke(app, ["copy-db", pg_url, str(destination)])
    assert result.exit_code == 1, result.stderr
    assert "error: no tracer schema in database" in result.stderr
    assert _relations(pg_url) == []
    assert not destination.exists()


@pytest.mark.parametrize("name", READERS)
def test_a_reading_command_leaves_a_sqlite_file_without_tracer_tables_alone(
    name: str, tmp_path: Path
) -> None:
    """Another program's database (or an empty file) given by mistake is refused as on
    PostgreSQL: no tracer table added, journal mode unchanged, no lock file beside it."""
    import sqlite3

    other, empty = tmp_path / "notes.db", tmp_path / "empty.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.close()
    empty.touch()
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    for db in (other, empty):
        command = invocation(name, leaf_commands()[name])
        result = CliRunner().invoke(app, ["--db", str(db), *command])
        assert result.exit_code == 1, (result.stdout, result.stderr)
        assert result.stderr.startswith(f"error: no tracer schema in database {str(db)!r}")
        assert "`tracer poll`" in result.stderr and result.stdout == ""
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


# -- a folder or a database file that cannot be written: one line, not a traceback --


def _without_override() -> list[str]:
    """A prefix running a command without the power to ignore file permissions: none for
    a user; as root, setpriv dropping CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (root
    writes in a read-only folder otherwise)."""
    import os
    import shutil

    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("as root, setpriv (util-linux) is needed to honour file permissions")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


def _tracer(db: Path, *args: str) -> tuple[int, list[str]]:
    import subprocess
    import sys

    command = [*_without_override(), sys.executable, "-m", "tracer", "--db", str(db), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stderr.splitlines()


def test_a_read_only_folder_or_file_is_a_one_line_error(tmp_path: Path) -> None:
    """Writers on a database whose folder, or file, cannot be written say which, in one
    line, exit 1 (they said 'unable to open database file', 'attempt to write a readonly
    database' or '[Errno 13] … lock'), and leave everything as it was. No feed is fetched:
    the stores hold none."""
    import sqlite3

    new, kept, ro_file = tmp_path / "new", tmp_path / "kept", tmp_path / "ro-file"
    for folder in (new, kept, ro_file):
        folder.mkdir()
    for folder in (kept, ro_file):
        assert _tracer(folder / "t.db", "poll")[0] == 0  # a store with no feed: nothing fetched
        with sqlite3.connect(folder / "t.db") as conn:  # everything in the file itself
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for extra in folder.iterdir():
            if extra.name != "t.db":
                extra.unlink()
    (ro_file / "t.db").chmod(0o444)
    unreadable = tmp_path / "unreadable"
    unreadable.mkdir()
    assert _tracer(unreadable / "t.db", "poll")[0] == 0
    (unreadable / "t.db").chmod(0o000)
    new.chmod(0o555)
    kept.chmod(0o555)
    before = (kept / "t.db").read_bytes()
    try:
        folder_says = (
            "error: cannot write database {db!r}: its folder {folder!r} is not writable (SQLite"
            " keeps its -wal and -shm files beside the database, tracer its lock files)"
        )
        for db, commands in (
            (new / "t.db", [["feeds", "add", "https://a.example/f"], ["poll"]]),
            (kept / "t.db", [["feeds", "add", "https://a.example/f"], ["poll", "--all"]]),
        ):
            for args in commands:
                code, lines = _tracer(db, *args)
                assert (code, lines) == (
                    1,
                    [folder_says.format(db=str(db), folder=str(db.parent))],
                ), args
        code, lines = _tracer(kept / "t.db", "stats")  # a reader: the same cause, its words
        assert (code, lines) == (
            1,
            [
                f"error: cannot read database {str(kept / 't.db')!r}: its folder {str(kept)!r}"
                " is not writable, and SQLite keeps a -shm file beside a WAL database even to"
                " read it (copy the database to a writable folder)"
            ],
        )
        db = ro_file / "t.db"
        for args in (["feeds", "add", "https://a.example/f"], ["poll", "--all"]):
            code, lines = _tracer(db, *args)
            read_only = f"error: cannot write database {str(db)!r}: the file is read-only"
            assert (code, lines) == (1, [read_only]), args
        db = unreadable / "t.db"
        for args in (["stats"], ["poll"]):
            code, lines = _tracer(db, *args)
            denied = f"error: cannot read database {str(db)!r}: the file is not readable"
            assert (code, lines) == (1, [f"{denied} (permission denied)"]), args
    finally:
        new.chmod(0o755)
        kept.chmod(0o755)
    assert list(new.iterdir()) == []
    assert [p.name for p in kept.iterdir()] == ["t.db"] and (kept / "t.db").read_bytes() == before


@pytest.mark.parametrize(
    "command", [["poll"], ["feeds", "add", "https://blog.example/feed/"], ["stats"], ["rematch"]]
)
def test_a_folder_or_an_empty_value_as_db_is_a_one_line_error(
    command: list[str], tmp_path: Path
) -> None:
    """`--db FOLDER` said 'unable to open database file' (a poll left FOLDER.lock beside
    it) or 'no database at'; `--db ''` was a traceback."""
    folder = tmp_path / "store"
    folder.mkdir()
    result = CliRunner().invoke(app, ["--db", str(folder), *command])
    example = str(folder / "tracer.db")
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [f"error: {str(folder)!r} is a folder, not a database file (e.g. {example!r})"],
    )
    assert [p.name for p in tmp_path.iterdir()] == ["store"] and not any(folder.iterdir())
    result = CliRunner().invoke(app, ["--db", "", *command])
    assert (result.exit_code, result.stderr.splitlines()) == (
        2,
        ["error: --db (or TRACER_DB) is empty: give a database file or a postgresql:// URL"],
    )


def test_an_error_of_the_sqlite3_module_is_not_blamed_on_the_folder(tmp_path: Path) -> None:
    """A failure that is no file's (a parameter Python's sqlite3 cannot bind, which has no
    SQLite result code) keeps its own message, even when the folder is gone meanwhile
    (it read "no folder … for database …")."""
    from tracer.engine.sqlite import SQLiteEngine
    from tracer.exceptions import StorageError

    folder = tmp_path / "a"
    folder.mkdir()
    engine = SQLiteEngine.open(folder / "t.db")
    folder.rename(tmp_path / "b")  # the open connection keeps working
    with pytest.raises(StorageError) as raised, engine.transaction():
        engine.execute("SELECT ?", [[1]])
    assert str(raised.value).startswith("database write failed:"), raised.value
    assert "bind" in str(raised.value)
