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


def test_stdin_blocks_split_lines_as_a_text_reader_does() -> None:
    """Lines read a block at a time are the lines io.TextIOWrapper(newline="\\n") gives, for
    any block size: "\\r\\n" and bad UTF-8 cut between blocks, a lone "\\r", no final newline."""
    import io
    import random

    from tracer.cli import urls as cli_urls

    rng = random.Random(12)
    pieces = [b"a", b"\n", b"\r", b"\r\n", b"\xc3\xa9", b"\xc3", b"\xff", b"\xe2\x82\xac", b"https://x/"]
    cases = [b"", b"\n", b"x", b"\r", b"a\r\nb\r", b"\n\n\r\n"]
    cases += [b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(400)]
    for data in cases:
        text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace", newline="\n")
        expected = [cli_urls._without_newline(line) for line in text]
        for size in (1, 2, 3, 7, 1 << 16):
            reader = io.BufferedReader(io.BytesIO(data), buffer_size=size)
            original, cli_urls._BLOCK = cli_urls._BLOCK, size
            try:
                got = [line for block in cli_urls._stdin_blocks(reader) for line in block]
            finally:
                cli_urls._BLOCK = original
            assert got == expected, (data, size)


def test_json_output_matches_json_dumps_on_awkward_text(db_path: Path) -> None:
    lines = ['https://a.example/"q"', "https://a.example/\\x", "https://a.example/\x7f", "é\u2028x",
             "https://b.example/ok", "tab\there", '"', "\u00ad"]  # fmt: skip
    result = run(db_path, "clean-url", "--json", "-", input="\n".join(lines) + "\n", code=1)
    for line, raw in zip(result.stdout.split("\n")[:-1], lines, strict=True):
        obj = json.loads(line)
        assert obj["input"] == raw
        assert line == json.dumps(obj, ensure_ascii=False)
