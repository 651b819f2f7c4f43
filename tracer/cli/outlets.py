"""`tracer outlets`: name the domains that make up one outlet."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tracer.cli.app import app, err, open_store, print_json
from tracer.exceptions import TracerError
from tracer.wording import counted, shown

outlets_app = typer.Typer(
    no_args_is_help=True, help="Group an outlet's domains (editions, mirrors) under one name."
)
app.add_typer(outlets_app, name="outlets")


def _fail(exc: TracerError) -> typer.Exit:
    err(f"error: {exc}")
    return typer.Exit(1)


@outlets_app.command("add")
def outlets_add(
    name: Annotated[str, typer.Argument(help="The outlet's name, e.g. RT.")],
    domains: Annotated[
        list[str], typer.Argument(help="Domains (rt.com) or patterns (*.rt.com: subdomains only).")
    ],
    notes: Annotated[str | None, typer.Option("--notes", help="Free-text notes.")] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Where this grouping comes from.")
    ] = None,
) -> None:
    """Create an outlet, or add domains to it. A domain belongs to at most one outlet."""
    from tracer.outlets import add_outlet

    store = open_store(create=True)
    try:
        outlet = add_outlet(store, name, domains, notes=notes, source=source)
    except TracerError as exc:
        raise _fail(exc) from None
    err(f"outlet {outlet.name}: {' '.join(outlet.domains)}")
    for pattern in outlet.domains:
        bare = pattern.removeprefix("*.")
        if pattern.startswith("*.") and bare not in outlet.domains:
            err(f"note: {pattern} does not match {bare} itself (nor www.{bare}); add {bare} too")


@outlets_app.command("remove")
def outlets_remove(
    name: Annotated[str, typer.Argument(help="The outlet's name.")],
    domains: Annotated[
        list[str] | None,
        typer.Argument(help="Remove only these domains or patterns (default: the outlet)."),
    ] = None,
) -> None:
    """Remove an outlet (or some of its domains). Posts and edges are not touched."""
    from tracer.outlets import remove_outlet

    store = open_store()
    try:
        count = remove_outlet(store, name, domains or ())
    except TracerError as exc:
        raise _fail(exc) from None
    removed = counted(count, "domain")
    if domains:
        err(f"removed {removed} from outlet {name}")
    else:
        err(f"removed outlet {name} ({removed})")


@outlets_app.command("list")
def outlets_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every outlet: its domains and patterns, and the known domains they match."""
    from tracer.outlets import list_outlets

    rows = list_outlets(open_store())
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(f"{shown(row['name'])}\t{' '.join(row['domains'])}")
        if row["known_domains"]:
            typer.echo(f"\tknown: {' '.join(row['known_domains'])}")
        for key in ("notes", "source"):
            if row[key]:
                typer.echo(f"\t{key}: {shown(row[key])}")


@outlets_app.command("import")
def outlets_import(
    path: Annotated[Path, typer.Argument(help="A CSV or YAML file ('-' for stdin).")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="csv or yaml (default: from the file name; yaml)."),
    ] = None,
) -> None:
    """Add or replace the outlets of a file (each gets exactly the file's domains).

    Outlets not in the file are left alone. All or nothing: any bad row or
    conflict stores nothing.
    """
    from tracer.outlet_files import FORMATS, format_for, parse_outlets
    from tracer.outlets import replace_outlets

    chosen = fmt or format_for(str(path))
    if chosen not in FORMATS:
        err(f"error: unknown format {chosen!r} (expected csv or yaml)")
        raise typer.Exit(2)
    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as exc:
        err(f"error: cannot read {str(path)!r}: {exc.strerror or exc}")
        raise typer.Exit(1) from None
    store = open_store(create=True)
    try:
        created, updated = replace_outlets(store, parse_outlets(data, chosen))
    except TracerError as exc:
        err(f"error: {str(path)!r}: {exc} (nothing imported)")
        raise typer.Exit(1) from None
    err(f"imported {counted(created + updated, 'outlet')}: {created} new, {updated} replaced")


@outlets_app.command("export")
def outlets_export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="yaml or csv.")] = "yaml",
) -> None:
    """Print every outlet as YAML or CSV on stdout (what `outlets import` reads)."""
    from tracer.outlet_files import FORMATS, write_outlets
    from tracer.outlets import read_outlets

    if fmt not in FORMATS:
        err(f"error: unknown format {fmt!r} (expected yaml or csv)")
        raise typer.Exit(2)
    sys.stdout.write(write_outlets(read_outlets(open_store()), fmt))
    sys.stdout.flush()


# -- `origins --by outlet`, `sites --by outlet` (options of the query commands) --

ByOption = Annotated[
    str,
    typer.Option(
        "--by",
        help="domain, or outlet: group an outlet's domains in one row"
        " (a domain in no outlet stands for itself).",
    ),
]


def by_outlet(by: str) -> bool:
    """True for ``--by outlet``, False for ``--by domain``; exit 2 otherwise."""
    if by not in ("domain", "outlet"):
        err(f"error: --by {by!r}: expected domain or outlet")
        raise typer.Exit(2)
    return by == "outlet"


def show_origins_by_outlet(as_json: bool, limit: int | None, *, declared_only: bool) -> None:
    """`origins --by outlet`, with the page status counts `origins` shows, summed per row."""
    from tracer.articles import with_page_status
    from tracer.by_outlet import origins_by_outlet

    store = open_store()
    rows = origins_by_outlet(store, limit=limit, declared_only=declared_only)
    rows = with_page_status(store, rows, declared_only=declared_only)
    if as_json:
        print_json(rows)
        return
    typer.echo("reposts\tdirect\tsites\tarticles\tresolved\tgone\toutlet or domain")
    for r in rows:
        domains = f" ({', '.join(r['domains'])})" if r["outlet"] else ""
        typer.echo(
            f"{r['reposts']}\t{r['direct']}\t{r['sites']}\t{r['articles']}"
            f"\t{r['resolved']}\t{r['gone']}\t{shown(r['name'])}{domains}"
        )


def show_sites_by_outlet(as_json: bool, *, declared_only: bool) -> None:
    from tracer.by_outlet import sites_by_outlet

    rows = sites_by_outlet(open_store(), declared_only=declared_only)
    if as_json:
        print_json(rows)
        return
    typer.echo("posts\tedges\tcredited\tcopied\toutlet or domain\ttop origins")
    for r in rows:
        top = ", ".join(f"{shown(o['name'])} ({o['reposts']})" for o in r["top_origins"])
        typer.echo(
            f"{r['posts']}\t{r['edges']}\t{r['share']:.0%}\t{r['copied']}"
            f"\t{shown(r['name'])}\t{top}"
        )
