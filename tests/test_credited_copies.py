"""A copy whose credit explains its text gets no inferred edge (tracer.matching.Credits).

Inferred edges are for copies that declare nothing. A blog that credits the
article it reposts, or the aggregator's repost of it, or the same source as
another repost of the text, must not also be linked by shared text to a sibling
copy or straight to the original past the intermediary it names. Runs on both
engines (the ``target`` fixture), and through ``rematch``.
"""

from __future__ import annotations

from tests.test_matching import apply, article, inferred, post
from tracer.models import EdgeRecord
from tracer.rematch import rematch
from tracer.store import Store

NEWS = "https://newswire.example/business/harbour-strike/"
AGG = "https://aggregator.example/2026/03/harbour-strike/"
BLOG = "https://blog-one.example/harbour-strike-third-week/"
FARM = "https://farm.example/?p=77"


def credit(repost: str, source: str) -> EdgeRecord:
    return EdgeRecord(repost, source, "source-article-from", "Source Article from", source)


def edges(store: Store) -> list[tuple[str, str, str]]:
    return [
        tuple(row)
        for row in store.execute(
            "SELECT repost_url, source_url, kind FROM edges ORDER BY 1, 2"
        ).fetchall()
    ]


def world(store: Store, *, news_stored: bool = True, blog_credits: str = NEWS) -> None:
    """The wire's article, the aggregator's credited repost, the blog's credited copy."""
    if news_stored:
        wire = post(NEWS, article(7), "2026-03-01T08:00:00Z")
        apply(store, "https://newswire.example/feed", wire)
    apply(
        store,
        "https://aggregator.example/feed",
        post(AGG, article(7), "2026-03-01T09:00:00Z"),
        edges=[credit(AGG, NEWS)],
    )
    apply(
        store,
        "https://blog-one.example/feed",
        post(BLOG, "<p>Reposted.</p>" + article(7), "2026-03-01T11:00:00Z"),
        edges=[credit(BLOG, blog_credits)],
    )


def test_a_copy_crediting_the_original_is_not_linked_to_a_sibling_repost(target: str) -> None:
    store = Store.open(target)
    world(store)
    assert inferred(store) == []
    assert edges(store) == [(AGG, NEWS, "declared"), (BLOG, NEWS, "declared")]


def test_a_copy_crediting_the_intermediary_is_not_linked_past_it(target: str) -> None:
    store = Store.open(target)
    world(store, blog_credits=AGG)
    assert inferred(store) == []  # was BLOG -> NEWS, hiding the aggregator it names


def test_two_reposts_crediting_one_unstored_article_are_not_linked(target: str) -> None:
    store = Store.open(target)
    world(store, news_stored=False)
    assert inferred(store) == []  # was BLOG -> AGG: siblings, not a copy of each other


def test_an_uncredited_copy_still_points_to_the_earliest_post(target: str) -> None:
    store = Store.open(target)
    world(store)
    apply(store, "https://farm.example/feed", post(FARM, article(7), "2026-03-01T12:00:00Z"))
    assert inferred(store) == [(FARM, NEWS)]


def test_a_credit_to_an_unrelated_page_leaves_the_copy_inferred(target: str) -> None:
    store = Store.open(target)
    apply(store, "https://newswire.example/feed", post(NEWS, article(7), "2026-03-01T08:00:00Z"))
    home = "https://photo-agency.example/"
    apply(
        store,
        "https://blog-one.example/feed",
        post(BLOG, article(7), "2026-03-01T11:00:00Z"),
        edges=[credit(BLOG, home)],
    )
    assert inferred(store) == [(BLOG, NEWS)]


def test_the_original_polled_last_takes_only_the_uncredited_copies(target: str) -> None:
    store = Store.open(target)
    world(store, news_stored=False)
    apply(store, "https://farm.example/feed", post(FARM, article(7), "2026-03-01T12:00:00Z"))
    assert inferred(store) == [(FARM, AGG)]
    apply(store, "https://newswire.example/feed", post(NEWS, article(7), "2026-03-01T08:00:00Z"))
    assert inferred(store) == [(FARM, NEWS)]


def test_rematch_applies_the_same_rule(target: str) -> None:
    store = Store.open(target)
    world(store)
    apply(store, "https://farm.example/feed", post(FARM, article(7), "2026-03-01T12:00:00Z"))
    before = edges(store)
    rematch(store)
    assert edges(store) == before
    assert [e for e in before if e[2] == "inferred"] == [(FARM, NEWS, "inferred")]


def test_sites_count_credited_posts_apart_from_uncredited_copies(target: str) -> None:
    from tracer.graph import sites

    store = Store.open(target)
    world(store)
    apply(
        store,
        "https://farm.example/feed",
        post(FARM, article(7), "2026-03-01T12:00:00Z"),  # a copy, no credit
        post("https://farm.example/?p=78", article(8), "2026-03-01T13:00:00Z"),  # its own
        post("https://farm.example/?p=79", article(9), "2026-03-01T14:00:00Z"),
        edges=[credit("https://farm.example/?p=79", "https://elsewhere.example/a/")],
    )
    farm = {row["domain"]: row for row in sites(store)}["farm.example"]
    assert (farm["posts"], farm["edges"], farm["attributed"], farm["copied"]) == (3, 2, 1, 1)
    assert farm["share"] == round(1 / 3, 4)  # an inferred edge says nothing of where from
    declared = {row["domain"]: row for row in sites(store, declared_only=True)}["farm.example"]
    assert (declared["edges"], declared["attributed"], declared["copied"]) == (1, 1, 0)


def test_a_copy_whose_credit_is_stored_later_loses_its_inferred_edge(target: str) -> None:
    store = Store.open(target)
    wire = post(NEWS, article(7), "2026-03-01T08:00:00Z")
    apply(store, "https://newswire.example/feed", wire)
    blog = post(BLOG, "<p>Reposted.</p>" + article(7), "2026-03-01T11:00:00Z")
    apply(store, "https://blog-one.example/feed", blog, edges=[credit(BLOG, AGG)])
    assert inferred(store) == [(BLOG, NEWS)]  # the aggregator it credits is not stored yet
    agg = post(AGG, article(7), "2026-03-01T09:00:00Z")
    apply(store, "https://aggregator.example/feed", agg, edges=[credit(AGG, NEWS)])
    assert inferred(store) == []  # as rematch answers, and as the other order gives
    rematch(store)
    assert inferred(store) == []


def test_a_credit_to_a_rewritten_repost_of_the_original_explains_the_copy(target: str) -> None:
    store = Store.open(target)
    apply(store, "https://newswire.example/feed", post(NEWS, article(7), "2026-03-01T08:00:00Z"))
    agg = post(AGG, article(8), "2026-03-01T09:00:00Z")  # rewritten: shares no text
    apply(store, "https://aggregator.example/feed", agg, edges=[credit(AGG, NEWS)])
    blog = post(BLOG, article(7), "2026-03-01T11:00:00Z")
    apply(store, "https://blog-one.example/feed", blog, edges=[credit(BLOG, AGG)])
    assert inferred(store) == []  # the aggregator it names credits the wire it copies


def test_two_copies_crediting_the_same_other_page_still_point_to_the_original(
    target: str,
) -> None:
    store = Store.open(target)
    apply(store, "https://newswire.example/feed", post(NEWS, article(7), "2026-03-01T08:00:00Z"))
    photos = "https://photo-agency.example/photos/dam/1"
    for url, hour in ((BLOG, 11), (FARM, 12)):
        site = url.split("/")[2]
        copy = post(url, article(7), f"2026-03-01T{hour}:00:00Z")
        apply(store, f"https://{site}/feed", copy, edges=[credit(url, photos)])
    assert inferred(store) == [(BLOG, NEWS), (FARM, NEWS)]  # the wire declares nothing
    rematch(store)
    assert inferred(store) == [(BLOG, NEWS), (FARM, NEWS)]
