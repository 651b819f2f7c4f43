"""`tracer clean-url`: plain and --json output, stdin streaming, blank lines, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cli_helpers import run


def _objects(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_plain_arguments(db_path: Path) -> None:
    result = run(
        db_path, "clean-url", "HTTPS://WWW.RT.com:443/news/1/?utm_source=rss#top",
        "http://blog.example/?p=123&fbclid=x",
    )
    assert result.stdout == "https://www.rt.com/news/1/\nhttp://blog.example/?p=123\n"
    assert result.stderr == ""
    assert not db_path.exists(), "clean-url must not create the database"


def test_json_arguments_exact_shape(db_path: Path) -> None:
    result = run(db_path, "clean-url", "--json", "https://example.com/a?utm_medium=x")
    line = result.stdout.rstrip("\n")
    assert line == (
        '{"input": "https://example.com/a?utm_medium=x", "url": "https://example.com/a", '
        '"error": null}'
    )
    assert list(json.loads(line)) == ["input", "url", "error"]


def test_json_stdin_keeps_order_and_blank_lines(db_path: Path) -> None:
    lines = [
        "https://example.com/a?utm_source=x",
        "",
        "javascript:alert(1)",
        "   ",
        "https://münchen.de/é",
        "https://www.google.com/url?q=https%3A%2F%2Fexample.org%2Fb",
    ]
    result = run(db_path, "clean-url", "--json", "-", input="\n".join(lines) + "\n", code=1)
    objects = _objects(result.stdout)
    assert [o["input"] for o in objects] == lines
    assert [o["url"] for o in objects] == [
        "https://example.com/a", None, None, None,
        "https://xn--mnchen-3ya.de/%C3%A9", "https://example.org/b",
    ]
    errors = [o["error"] for o in objects]
    assert errors[0] is None and errors[4] is None and errors[5] is None
    assert errors[1] == "empty" and errors[3] == "empty"
    assert "javascript" in str(errors[2])


def test_json_stdin_without_final_newline_and_crlf(db_path: Path) -> None:
    result = run(
        db_path, "clean-url", "--json", "-",
        input="https://a.example/x\r\n\r\nhttps://b.example/y", code=1,
    )
    objects = _objects(result.stdout)
    assert [o["input"] for o in objects] == ["https://a.example/x", "", "https://b.example/y"]
    assert [o["url"] for o in objects] == ["https://a.example/x", None, "https://b.example/y"]


def test_lone_carriage_return_does_not_split_a_line(db_path: Path) -> None:
    result = run(db_path, "clean-url", "--json", "-", input="https://a.example/x\ry\n", code=1)
    objects = _objects(result.stdout)
    assert len(objects) == 1 and objects[0]["input"] == "https://a.example/x\ry"
    assert "control" in str(objects[0]["error"])


def test_all_clean_exits_zero(db_path: Path) -> None:
    result = run(db_path, "clean-url", "--json", "-", input="https://a.example/\nhttp://b.example/\n")
    assert [o["error"] for o in _objects(result.stdout)] == [None, None]


def test_plain_rejected_line_keeps_its_place(db_path: Path) -> None:
    result = run(
        db_path, "clean-url", "-", input="https://a.example/\nmailto:x@y.z\nhttps://b.example/\n",
        code=1,
    )
    assert result.stdout == "https://a.example/\n\nhttps://b.example/\n"
    assert "mailto:x@y.z" in result.stderr and "scheme 'mailto'" in result.stderr


def test_arguments_and_stdin_mix_in_order(db_path: Path) -> None:
    result = run(
        db_path, "clean-url", "https://first.example/", "-", "https://last.example/",
        input="https://middle.example/\n",
    )
    assert result.stdout.split() == [
        "https://first.example/", "https://middle.example/", "https://last.example/",
    ]


def test_usage_errors_exit_two(db_path: Path) -> None:
    result = run(db_path, "clean-url", code=2)
    assert "at least one URL" in result.stderr
    run(db_path, "clean-url", "--jsn", "https://a.example/", code=2)


def test_real_process_streams_stdin(tmp_path: Path) -> None:
    """The installed entry point reads stdin as bytes: invalid UTF-8 never stops a batch."""
    good = b"https://example.com/a?utm_source=rss\n"
    data = good * 3000 + b"https://example.com/\xff\xfe\n" + b"\n"
    env = {**os.environ, "TRACER_DB": str(tmp_path / "unused.db")}
    done = subprocess.run(
        [sys.executable, "-m", "tracer", "clean-url", "--json", "-"],
        input=data, capture_output=True, env=env, timeout=60, check=False,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == 3002
    assert json.loads(lines[0])["url"] == "https://example.com/a"
    assert json.loads(lines[3000])["url"] == "https://example.com/%EF%BF%BD%EF%BF%BD"
    assert json.loads(lines[3001]) == {"input": "", "url": None, "error": "empty"}
