"""The ``tracer`` command registers only the command it runs (tracer.cli.main).

A start then costs little more than importing typer: typer builds that one
command's options, not every command's. These tests keep the command -> module
map complete and check that what a user sees does not change.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tracer.cli import CLI_MODULES, COMMAND_MODULES, app, command_name

ROOT = Path(__file__).resolve().parent.parent
CLI_DIR = ROOT / "tracer" / "cli"


def registered() -> dict[str, str]:
    """Each top-level command or group of the whole app -> the module that registers it."""
    found = {}
    for command in app.registered_commands:
        assert command.callback is not None
        name = command.name or command.callback.__name__.replace("_", "-")
        found[name] = command.callback.__module__
    for group in app.registered_groups:
        modules = {c.callback.__module__ for c in group.typer_instance.registered_commands}  # type: ignore[union-attr]
        assert len(modules) == 1, f"group {group.name} spans {modules}"
        assert group.name is not None
        found[group.name] = modules.pop()
    return found


def test_every_command_maps_to_the_module_that_registers_it() -> None:
    expected = {name: f"tracer.cli.{module}" for name, module in COMMAND_MODULES.items()}
    assert registered() == expected, (
        "tracer.cli.COMMAND_MODULES is out of date: add each new command (or group) with its module"
    )


def test_every_cli_module_is_listed() -> None:
    files = {p.stem for p in CLI_DIR.glob("*.py")} - {"__init__", "app"}
    assert set(CLI_MODULES) == files, "tracer.cli.CLI_MODULES must list every module of tracer/cli"
    assert set(COMMAND_MODULES.values()) <= files


def test_the_attribute_app_is_the_whole_application() -> None:
    import tracer.cli.poll

    assert tracer.cli.app is app
    assert type(app).__name__ == "Typer"


@pytest.mark.parametrize(
    "args, name",
    [
        (["poll"], "poll"),
        (["--db", "feeds", "chain", "u"], "chain"),  # a --db file named like a command
        (["--db=x.db", "--", "stats"], "stats"),
        (["--help"], None),
        ([], None),
    ],
)
def test_command_name_skips_the_global_options(args: list[str], name: str | None) -> None:
    assert command_name(args) == name


def run_tracer(*args: str) -> subprocess.CompletedProcess[str]:
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted(m for m in sys.modules"
        " if m.startswith('tracer.cli.')), file=sys.stderr))\n"
        "from tracer.cli import main\n"
        "sys.argv[0] = 'tracer'\n"
        "main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", probe, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_a_command_imports_only_its_own_module(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    done = run_tracer("--db", db, "poll")
    assert done.returncode == 0, done.stderr
    assert "polled 0 feeds" in done.stderr
    assert "['tracer.cli.app', 'tracer.cli.poll']" in done.stderr


def test_help_and_mistyped_commands_still_see_every_command() -> None:
    helped = run_tracer("--help")
    assert helped.returncode == 0
    for name in COMMAND_MODULES:
        assert name in helped.stdout
    typo = run_tracer("pol")
    assert typo.returncode == 2
    assert "No such command 'pol'" in typo.stderr and "poll" in typo.stderr


def test_a_command_help_is_the_same_alone_or_with_every_command(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    alone = run_tracer("poll", "--help")
    whole = CliRunner().invoke(app, ["poll", "--help"], prog_name="tracer", terminal_width=80)
    assert alone.returncode == 0 and whole.exit_code == 0
    assert "--concurrency" in alone.stdout and "--shard" in alone.stdout
    assert alone.stdout.split() == whole.stdout.split()


HEAVY_FOR_NOTHING_DUE = (
    "httpx",
    "feedparser",
    "tracer.poll_loop",
    "tracer.fingerprint",
    "tracer.matching",
)


def test_a_poll_with_nothing_due_imports_no_fetching_or_matching(tmp_path: Path) -> None:
    """Start-up is a goal of its own (issue 12): the end-of-run upkeep check must not pull in
    the fingerprint tables (~15 ms) or the fetch stack when no feed was due."""
    probe = (
        "import atexit, sys\n"
        f"heavy = {HEAVY_FOR_NOTHING_DUE!r}\n"
        "atexit.register(lambda: print('loaded:', [m for m in heavy if m in sys.modules],"
        " file=sys.stderr))\n"
        "from tracer.cli import main\n"
        "sys.argv[0] = 'tracer'\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "--db", str(tmp_path / "t.db"), "poll"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "loaded: []" in done.stderr, done.stderr
