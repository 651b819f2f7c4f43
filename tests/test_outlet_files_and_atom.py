"""Pure pieces of issue 17: outlet files (CSV/YAML) and the Atom writer."""

from __future__ import annotations

import feedparser
import pytest

from tracer.atom import AtomEntry, AtomFeed, atom_document
from tracer.outlet_files import parse_outlets, write_outlets
from tracer.outlets import Outlet, OutletError, normalize_pattern


def test_csv_reads_separators_bom_and_extra_columns() -> None:
    data = '\ufeffName,Domains,Notes,extra\nRT,"rt.com;*.rt.com, de.rt.com",n,x\n'.encode()
    [outlet] = parse_outlets(data, "csv")
    assert outlet == Outlet("RT", ("rt.com", "*.rt.com", "de.rt.com"), "n", None)


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (b"name,notes\nRT,x\n", "csv", "name,domains"),
        (b"name,domains\n,rt.com\n", "csv", "line 2"),
        (b"\xff\xfe", "yaml", "UTF-8"),
        (b"outlets: {name: RT}\n", "yaml", "list of outlets"),
        (b"- name: RT\n  domains: []\n", "yaml", "non-empty list"),
        (b"- just a string\n", "yaml", "mapping"),
        (b"- name: RT\n  domains: [rt.com]\n", "toml", "unknown format"),
    ],
)
def test_bad_files_are_errors_naming_the_problem(data: bytes, fmt: str, message: str) -> None:
    with pytest.raises(OutletError, match=message):
        parse_outlets(data, fmt)


def test_yaml_accepts_a_bare_list_and_a_single_domain_string() -> None:
    [outlet] = parse_outlets(b"- name: DW\n  domains: dw.com\n  source: its site\n", "yaml")
    assert outlet == Outlet("DW", ("dw.com",), None, "its site")
    assert parse_outlets(b"", "yaml") == []


@pytest.mark.parametrize("fmt", ["csv", "yaml"])
def test_written_files_read_back(fmt: str) -> None:
    outlets = [
        Outlet("Al Jazeera", ("aljazeera.com", "aljazeera.net"), 'a: b, "c"\nd', None),
        Outlet("RT", ("*.rt.com", "rt.com"), None, "the outlet's own sites"),
    ]
    assert parse_outlets(write_outlets(outlets, fmt).encode(), fmt) == outlets


@pytest.mark.parametrize("text", ["", "  ", "rt com", "rt.com/x", "*.*.rt.com", "a@b.com", "*."])
def test_not_domains_are_refused(text: str) -> None:
    with pytest.raises(OutletError):
        normalize_pattern(text)


def test_atom_document_parses_cleanly_with_awkward_text() -> None:
    feed = AtomFeed("urn:tracer:test", "t", "2026-11-20T08:00:00Z")
    entries = [
        AtomEntry(
            "https://a.example/1?x=1&y=2",
            "Ünïcode <b>bold</b> & \x01control",
            "2026-11-20T08:00:00Z",
            "https://a.example/1?x=1&y=2",
            "Chain: a → b ]]> end",
            related="https://o.example/",
            related_title="origin",
        )
    ]
    data = atom_document(feed, entries)
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0
    [entry] = parsed.entries
    assert entry.id == "https://a.example/1?x=1&y=2"
    assert entry.title == "Ünïcode <b>bold</b> & control"
    assert entry.summary == "Chain: a → b ]]> end"
    assert atom_document(feed, entries) == data
