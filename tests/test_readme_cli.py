"""Every CLI command and option is documented in README.md.

The commands are found by walking the typer/click command tree (the way
sqlite-utils checks its documentation), so a new command or option fails
here until the README mentions it: the command as ``tracer NAME`` and each
of its long options (``--json``) in the text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from tracer.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def commands() -> dict[str, Any]:
    """``"feeds add" -> command`` for every command, groups included (the root is ``""``)."""
    found: dict[str, Any] = {}

    def walk(command: Any, name: str) -> None:
        found[name] = command
        for sub_name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{name} {sub_name}".strip())

    walk(typer.main.get_command(app), "")
    return found


def long_options(command: Any) -> list[str]:
    return [
        flag
        for param in command.params
        if param.param_type_name == "option"
        for flag in (*param.opts, *param.secondary_opts)
        if flag.startswith("--")
    ]


COMMANDS = commands()


def test_the_walk_sees_the_whole_tree() -> None:
    assert {"", "feeds", "feeds add", "poll", "chain", "clean-url", "export"} <= set(COMMANDS)
    assert "--shard" in long_options(COMMANDS["poll"])


@pytest.mark.parametrize("name", sorted(n for n in COMMANDS if n))
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"tracer {name}" in README, f"README.md does not mention `tracer {name}`"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_is_in_the_readme(name: str) -> None:
    missing = [flag for flag in long_options(COMMANDS[name]) if flag not in README]
    assert not missing, f"README.md does not mention {missing} of `tracer {name}`".replace(
        "tracer `", "tracer`"
    )
