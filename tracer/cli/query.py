"""Query commands: `tracer chain`, `reposts`, `origins`, `sites`, `stats`."""


from typing import TYPE_CHECKING, Annotated

import typer

from tracer.cli.app import app, err, open_store, print_json
from tracer.cli.outlets import ByOption, by_outlet, show_origins_by_outlet, show_sites_by_outlet
from tracer.exceptions import InvalidURL
from tracer.wording import counted, shown

if TYPE_CHECKING:
    from tracer.store import Store

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
DeclaredOnly = Annotated[
    bool,
    typer.Option("--declared-only", help="Leave out inferred edges (copies found by shared text)."),
]


def known_key(url: str) -> tuple["Store", str]:
    """Canonicalize ``url`` and open the store; exit 1 if invalid or unknown.

    A spelling that `tracer resolve` merged into an article stands for the article.
    """
    from tracer.graph import known_url
    from tracer.urls import canonicalize

    try:
        key = canonicalize(url)
    except InvalidURL as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    store = open_store()
    if not known_url(store, key):
        from tracer.articles import article_for

        key = article_for(store, key)  # a spelling that `tracer resolve` merged into an article
    if not known_url(store, key):
        near = next((u for u in _near_spellings(key) if known_url(store, u)), None)
        hint = f"; did you mean {near} ?" if near else ""
        err(f"unknown URL: {key} (not a stored post or source{hint})")
        raise typer.Exit(1)
    return store, key


def _near_spellings(key: str) -> list[str]:
    """Spellings a user may have meant: the other scheme, ``www.`` or not, a trailing slash
    or not (distinct keys, see URL identity; only named in the "unknown URL" message).

    >>> _near_spellings("http://rt.com/a")  # doctest: +NORMALIZE_WHITESPACE
    ['http://rt.com/a/', 'http://www.rt.com/a', 'http://www.rt.com/a/', 'https://rt.com/a',
     'https://rt.com/a/', 'https://www.rt.com/a', 'https://www.rt.com/a/']
    """
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(key)
    host = parts.netloc
    hosts = [host, host[4:] if host.startswith("www.") else "www." + host]
    path = parts.path or "/"
    paths = [path, path[:-1] if path.endswith("/") and path != "/" else path + "/"]
    schemes = [parts.scheme, "https" if parts.scheme == "http" else "http"]
    found = []
    for scheme in schemes:
        for netloc in hosts:
            for each in paths:
                url = urlunsplit((scheme, netloc, each, parts.query, ""))
                if url != key and url not in found:
                    found.append(url)
    return found


@app.command()
def chain(
    url: Annotated[str, typer.Argument(help="A post URL (any spelling).")],
    as_json: JsonOption = False,
    declared_only: DeclaredOnly = False,
) -> None:
    """Show where a post came from: every upstream chain to the furthest known source."""
    from tracer.graph import chains

    store, key = known_key(url)
    found = chains(store, key, declared_only=declared_only)
    if as_json:
        print_json({"url": key, "chains": found})
        return
    for number, hops in enumerate(found, 1):
        typer.echo(f"chain {number}:")
        for depth, hop in enumerate(hops):
            via = f"  [{hop['pattern']}]" if hop["pattern"] else ""
            if hop["kind"] == "inferred":
                via = f"  [inferred, score {hop['score']:.2f}]"
            typer.echo(f"  {'  ' * depth}{'└─ ' if depth else ''}{hop['url']}{via}")
            if hop.get("status") or (depth and hop.get("title")):
                about = [shown(hop.get(key)) for key in ("status", "published", "title")]
                typer.echo(f"  {'  ' * (depth + 1)}  {'  '.join(a for a in about if a)}")
            if hop["cycle_to"]:
                typer.echo(f"  {'  ' * (depth + 1)}↺ cites {hop['cycle_to']} (cycle)")
    if len(found) == 1 and len(found[0]) == 1:
        kind = " declared" if declared_only else ""
        err(f"{key} cites no{kind} source tracer knows: an origin ('tracer reposts URL' goes down)")


@app.command("reposts")
def reposts_command(
    url: Annotated[str, typer.Argument(help="An article or post URL (any spelling).")],
    as_json: JsonOption = False,
    direct: Annotated[
        bool, typer.Option("--direct", help="Only posts that cite URL themselves.")
    ] = False,
    declared_only: DeclaredOnly = False,
) -> None:
    """Show every post whose provenance reaches URL, directly or through intermediaries."""
    from tracer.graph import reposts

    store, key = known_key(url)
    found = reposts(store, key, direct=direct, declared_only=declared_only)
    if as_json:
        print_json({"url": key, "reposts": found})
        return
    if not found:
        err(f"no reposts of {key}")
        return
    for row in found:
        lag = _duration(row["lag_seconds"])
        via = "" if row["depth"] == 1 else f" after  via {row['via']}"  # the hop's own lag
        if row["kind"] == "inferred":
            via += f"  (inferred, score {row['score']:.2f})"
        typer.echo(f"{row['depth']}\t{row['url']}\t{lag}{via}")
    err(f"{counted(len(found), 'repost')} of {key}")


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "lag ?"
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds >= 86400:
        return f"lag {sign}{seconds / 86400:.1f}d"
    if seconds >= 3600:
        return f"lag {sign}{seconds / 3600:.1f}h"
    return f"lag {sign}{seconds // 60}m"


@app.command("origins")
def origins_command(
    as_json: JsonOption = False,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="Show the top N domains.")
    ] = None,
    declared_only: DeclaredOnly = False,
    by: ByOption = "domain",
) -> None:
    """Rank origin domains (where chains end) by how many posts reach them."""
    from tracer.articles import with_page_status
    from tracer.graph import origins

    if by_outlet(by):
        show_origins_by_outlet(as_json, limit, declared_only=declared_only)
        return
    store = open_store()
    rows = origins(store, limit=limit, declared_only=declared_only)
    rows = with_page_status(store, rows, declared_only=declared_only)
    if as_json:
        print_json(rows)
        return
    typer.echo("reposts\tdirect\tsites\tarticles\tresolved\tgone\tdomain")
    for r in rows:
        typer.echo(
            f"{r['reposts']}\t{r['direct']}\t{r['sites']}\t{r['articles']}"
            f"\t{r['resolved']}\t{r['gone']}\t{r['domain']}"
        )


@app.command("sites")
def sites_command(
    as_json: JsonOption = False,
    declared_only: DeclaredOnly = False,
    by: ByOption = "domain",
) -> None:
    """Per reposting domain: posts, edges, share crediting a source, copies, top origins."""
    from tracer.graph import sites

    if by_outlet(by):
        show_sites_by_outlet(as_json, declared_only=declared_only)
        return
    rows = sites(open_store(), declared_only=declared_only)
    if as_json:
        print_json(rows)
        return
    typer.echo("posts\tedges\tcredited\tcopied\tdomain\ttop origins")
    for r in rows:
        top = ", ".join(f"{o['domain']} ({o['reposts']})" for o in r["top_origins"])
        typer.echo(
            f"{r['posts']}\t{r['edges']}\t{r['share']:.0%}\t{r['copied']}"
            f"\t{r['domain']}\t{top}"
        )


@app.command("stats")
def stats_command(as_json: JsonOption = False, declared_only: DeclaredOnly = False) -> None:
    """Counts of feeds, posts, edges (by kind) and domains, and the date range."""
    from tracer.graph import stats

    data = stats(open_store(), declared_only=declared_only)
    if as_json:
        print_json(data)
        return
    for key, value in data.items():
        if isinstance(value, dict):  # a group: its name, then its counts indented
            typer.echo(f"{key}:")
            for sub, inner in value.items():
                typer.echo(f"  {sub}: {inner if inner is not None else '-'}")
        else:
            typer.echo(f"{key}: {value}")
