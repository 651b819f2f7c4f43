"""The README's examples of query output show the fields the commands really print.

The JSON example under each ``#### `tracer NAME … --json` `` heading of
"Queries" and the CSV headers quoted for ``tracer export`` are compared with
what the CLI prints for the fixture graph, on both engines.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import graph_fixture as g
import pytest
from cli_helpers import run, run_json

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def example(command: str) -> Any:
    """The JSON block that follows the ``#### `tracer COMMAND …` `` heading."""
    heading = re.search(rf"^#### `tracer {command}\b", README, re.M)
    assert heading, f"no heading for tracer {command} in README.md"
    section = README[heading.end() :].split("\n#### ", 1)[0]
    found = re.search(r"```json\n(.*?)\n```", section, re.S)
    assert found, f"no JSON example for tracer {command} in README.md"
    return json.loads(found.group(1).replace("…", ""))


def first_row(answer: Any, key: str | None) -> dict[str, Any]:
    rows = answer[key] if key else answer
    row = rows[0][0] if key == "chains" else rows[0]
    assert isinstance(row, dict)
    return row


@pytest.mark.parametrize(
    ("command", "args", "key"),
    [
        ("chain", (g.MIRROR1,), "chains"),
        ("reposts", (g.RT1,), "reposts"),
        ("origins", (), None),
        ("sites", (), None),
    ],
)
def test_each_json_example_has_the_fields_the_command_prints(
    target: str, command: str, args: tuple[str, ...], key: str | None
) -> None:
    g.build(target)
    real = run_json(target, command, *args, "--json")
    documented = example(command)
    if key:
        assert set(documented) == set(real)
    assert list(first_row(documented, key)) == list(first_row(real, key))


def test_the_stats_example_has_the_fields_stats_prints(target: str) -> None:
    g.build(target)
    real = run_json(target, "stats", "--json")
    documented = example("stats")
    assert list(documented) == list(real)
    for group in ("edges_by_kind", "origins_by_status", "date_range"):
        assert list(documented[group]) == list(real[group])


@pytest.mark.parametrize("level", ["post", "domain"])
def test_the_documented_export_csv_header_is_the_real_one(target: str, level: str) -> None:
    g.build(target)
    header = run(target, "export", "--format", "csv", "--level", level).stdout.splitlines()[0]
    first = "repost_url,source_url," if level == "post" else "repost_domain,source_domain,"
    quoted = re.findall(rf"`({first}[a-z_,]+)`", README)
    assert quoted, f"README.md quotes no CSV header for --level {level}"
    assert quoted[0] == header
