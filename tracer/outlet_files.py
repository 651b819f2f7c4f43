"""Outlet lists as files: CSV and YAML, read and written (pure, no database).

CSV: a header row ``name,domains,notes,source`` (``notes`` and ``source``
optional, other columns ignored), one outlet per row, its domains separated by
spaces (commas or semicolons are read too).

YAML: a list of mappings with ``name``, ``domains`` (a list, or one string),
optional ``notes`` and ``source``; the list may also sit under a top-level
``outlets:`` key. Read with PyYAML's ``safe_load`` (no tags, no objects).

>>> text = 'outlets:\\n- name: RT\\n  domains: [rt.com, "*.rt.com"]\\n'
>>> parse_outlets(text.encode(), "yaml")
[Outlet(name='RT', domains=('rt.com', '*.rt.com'), notes=None, source=None)]
>>> parse_outlets(b"name,domains\\nDW,dw.com  www.dw.de\\n", "csv")[0].domains
('dw.com', 'www.dw.de')
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from tracer.outlets import Outlet, OutletError

__all__ = ["FORMATS", "format_for", "parse_outlets", "write_outlets"]

FORMATS = ("yaml", "csv")
_SPLIT = re.compile(r"[\s,;]+")


def format_for(filename: str) -> str:
    """The format a file name suggests: ``csv`` for ``.csv``, else ``yaml``.

    >>> format_for("outlets.CSV"), format_for("outlets.yml"), format_for("-")
    ('csv', 'yaml', 'yaml')
    """
    return "csv" if filename.lower().endswith(".csv") else "yaml"


def _one_line(exc: Exception) -> str:
    """A YAML error as one line: its problem and where (PyYAML's text adds the line
    quoted and a caret under it, lines that break an error message in two).

    >>> import yaml
    >>> try:
    ...     yaml.safe_load("a: b: c")
    ... except yaml.YAMLError as exc:
    ...     print(_one_line(exc))
    mapping values are not allowed here (line 1, column 5)
    """
    problem, mark = getattr(exc, "problem", None), getattr(exc, "problem_mark", None)
    if problem is None or mark is None:
        return " ".join(str(exc).split())
    return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"


def parse_outlets(data: bytes, fmt: str) -> list[Outlet]:
    """Outlets from a file's bytes; :class:`OutletError` naming the row for bad input."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OutletError(f"not UTF-8 text: {exc}") from None
    if fmt == "csv":
        return _parse_csv(text)
    if fmt == "yaml":
        return _parse_yaml(text)
    raise OutletError(f"unknown format {fmt!r} (expected {' or '.join(FORMATS)})")


def _parse_csv(text: str) -> list[Outlet]:
    reader = csv.DictReader(io.StringIO(text))
    fields = {(f or "").strip().lower() for f in reader.fieldnames or []}
    if not {"name", "domains"} <= fields:
        raise OutletError("CSV needs a header row with at least the columns name,domains")
    outlets = []
    for number, row in enumerate(reader, start=2):
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        domains = tuple(d for d in _SPLIT.split(clean.get("domains", "")) if d)
        if not clean.get("name") or not domains:
            raise OutletError(f"line {number}: an outlet needs a name and at least one domain")
        outlets.append(
            Outlet(clean["name"], domains, clean.get("notes") or None, clean.get("source") or None)
        )
    return outlets


def _parse_yaml(text: str) -> list[Outlet]:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        hint = " (quote patterns: '*.rt.com', since YAML reads *name as an alias)"
        hint = hint if "*" in text else ""
        raise OutletError(f"not valid YAML: {_one_line(exc)}{hint}") from None
    if isinstance(data, dict) and "outlets" in data:
        data = data["outlets"]
    if data is None:
        return []
    if not isinstance(data, list):
        raise OutletError("YAML must be a list of outlets (or have a top-level 'outlets:' list)")
    return [_outlet_from_mapping(item, number) for number, item in enumerate(data, start=1)]


def _outlet_from_mapping(item: Any, number: int) -> Outlet:
    if not isinstance(item, dict):
        raise OutletError(f"outlet {number}: expected a mapping with name and domains")
    name, domains = item.get("name"), item.get("domains")
    if isinstance(domains, str):
        domains = [domains]
    if not isinstance(name, str | int) or not str(name).strip():
        raise OutletError(f"outlet {number}: missing name")
    if not isinstance(domains, list) or not domains or not all(isinstance(d, str) for d in domains):
        raise OutletError(f"outlet {number} ({name}): domains must be a non-empty list of strings")
    notes, source = item.get("notes"), item.get("source")
    return Outlet(
        str(name).strip(),
        tuple(domains),
        None if notes is None else str(notes),
        None if source is None else str(source),
    )


def write_outlets(outlets: Iterable[Outlet], fmt: str) -> str:
    """The outlets as CSV or YAML text that :func:`parse_outlets` reads back."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", "domains", "notes", "source"])
        for o in outlets:
            writer.writerow([o.name, " ".join(o.domains), o.notes or "", o.source or ""])
        return out.getvalue()
    if fmt == "yaml":
        import yaml

        records: list[dict[str, Any]] = []
        for o in outlets:
            record: dict[str, Any] = {"name": o.name, "domains": list(o.domains)}
            if o.notes:
                record["notes"] = o.notes
            if o.source:
                record["source"] = o.source
            records.append(record)
        dumped: str = yaml.safe_dump(
            {"outlets": records}, sort_keys=False, allow_unicode=True, width=100
        )
        return dumped
    raise OutletError(f"unknown format {fmt!r} (expected {' or '.join(FORMATS)})")
