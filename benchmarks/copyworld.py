# ruff: noqa: E501  (sentence patterns and HTML templates read best on one line)
"""A world of uncredited copies, for testing and measuring inferred edges (issue 13).

One outlet publishes a full-text feed of news articles. Around it:

- blogs that republish its articles **without credit**, each in its own
  template with heavy per-site boilerplate (disclaimer, byline paragraph,
  subscription call, "related posts", share widgets): whole copies, excerpts
  of the first paragraphs followed by a read-more link to the blog's own page,
  and lightly edited copies (new title, a dropped or an added paragraph,
  curly quotes and dashes, ads inserted between paragraphs);
- blogs that copy those blogs' copies (copies of copies);
- a blog that credits its source (a declared edge, which must stay the only
  edge between the two posts);
- other outlets writing their **own** articles on the same stories: the same
  people, places and quotes, different text (never a copy);
- blogs' own posts, written in their templates (never a copy), and two blogs
  that share one WordPress theme's text.

Text is generated from sentence patterns and word lists written for this
file, so every article is different text on a shared topic. Deterministic:
the same seed gives the same world. :func:`build` returns the feeds (path →
RSS bytes) and the truth: for every copy, the original article and the
article family, so a test can compute precision and recall.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

BASE = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)

_COUNTRIES = [
    "Moldova",
    "Serbia",
    "Georgia",
    "Armenia",
    "Hungary",
    "Slovakia",
    "Bulgaria",
    "Kazakhstan",
    "Estonia",
    "Latvia",
    "Lithuania",
    "Romania",
    "Finland",
    "Norway",
    "Belarus",
    "Azerbaijan",
]
_ORGS = [
    "the energy ministry",
    "the central bank",
    "the border guard service",
    "the election commission",
    "the port authority",
    "the health ministry",
    "the interior ministry",
    "the national grid operator",
    "the state railway company",
    "the competition watchdog",
    "the defence ministry",
    "the customs office",
]
_FIRST = [
    "Anna",
    "Pavel",
    "Irina",
    "Tomas",
    "Elena",
    "Marek",
    "Sofia",
    "Dmitri",
    "Katarina",
    "Viktor",
    "Lena",
    "Oskar",
    "Mirela",
    "Andrei",
    "Jana",
    "Bogdan",
]
_LAST = [
    "Kovacs",
    "Petrescu",
    "Lindqvist",
    "Horvat",
    "Novak",
    "Ivanova",
    "Marin",
    "Kaminski",
    "Volkova",
    "Dragan",
    "Sorensen",
    "Tanaka",
    "Barros",
    "Weber",
    "Hadzic",
    "Olsen",
]
_ROLES = [
    "spokesperson",
    "deputy minister",
    "senior adviser",
    "director",
    "chief negotiator",
    "regional governor",
    "opposition leader",
    "union chairman",
    "lead economist",
]
_TOPICS = [
    ("gas", "pipeline", "winter supplies", "transit fees"),
    ("grain", "harbour", "export quotas", "shipping insurance"),
    ("election", "ballot", "turnout figures", "observer missions"),
    ("railway", "freight corridor", "track repairs", "cargo tariffs"),
    ("power", "substation", "blackout risk", "grid upgrades"),
    ("border", "checkpoint", "crossing queues", "inspection rules"),
    ("budget", "pension fund", "spending cuts", "tax receipts"),
    ("water", "reservoir", "drought measures", "irrigation permits"),
    ("fishing", "quota zone", "catch limits", "coast guard patrols"),
    ("steel", "smelter", "import duties", "furnace closures"),
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Sentence patterns. {c} country, {o} organisation, {p} person, {r} role, {t0..t3} topic words,
# {d} day, {n} number, {m} month-ish period, {c2} another country.
_PATTERNS = [
    "{o} of {c} said on {d} that {t2} would be reviewed before the end of {m}.",
    "Officials in {c} have been under pressure over {t2} since the {t1} was shut for {n} days.",
    "The {t1} handled roughly {n} percent less traffic than a year earlier, according to figures seen by reporters.",
    "{p}, the {r}, told a briefing that talks with {c2} on {t3} had reached a difficult stage.",
    "Critics argue that the plan does little to address {t3} and leaves smaller firms exposed.",
    "A delegation from {c2} is expected in the capital next week to discuss {t2}.",
    "Analysts said the decision could push up prices for households already struggling with higher bills.",
    "The dispute over {t3} has dragged on for months, with both sides blaming each other for the delays.",
    "In a written statement, {o} said it was ready to compensate companies affected by the {t0} shortfall.",
    "Local media reported long queues near the {t1} on {d}, with some drivers waiting overnight.",
    "{p} declined to say whether the government would extend the measures beyond {m}.",
    "Lawmakers from the ruling party backed the proposal, while the opposition called it rushed.",
    "The last time {c} faced a similar {t0} crisis, emergency rules stayed in force for almost {n} weeks.",
    "Business groups welcomed the announcement but asked for clearer guidance on {t3}.",
    "Neighbouring {c2} has taken a different approach, relying on subsidies rather than limits on {t2}.",
    "Figures published by {o} show a steady decline in {t0} volumes over the past {n} months.",
    "Residents interviewed near the {t1} said they had heard little from the authorities.",
    "The {r} of {o} resigned last autumn after an audit found problems with {t3}.",
    "Diplomats in {c2} described the talks as frank and said further rounds were planned.",
    "Independent experts warned that the figures on {t2} may be revised once audits are complete.",
    "The government has set aside about {n} million euros to cover the cost of {t3}.",
    "Opposition deputies demanded a hearing on {t2} and accused the cabinet of hiding the real costs.",
    "Trade unions threatened a strike at the {t1} if wages are not raised by {m}.",
    "A court in the capital is due to rule on a complaint about {t3} later this month.",
    "Satellite images published by a research group showed work at the {t1} had stalled.",
    "{c} imports most of its {t0} through the {t1}, which makes any disruption costly.",
    "Observers noted that the announcement came just days after a tense meeting with {c2}.",
    "The ministry did not respond to a request for comment on {t2} by the time of publication.",
    "Some economists say the {t0} market will stay volatile until the dispute over {t3} is settled.",
    "Regional authorities said they would publish weekly updates on {t2} from {d} onwards.",
]
_QUOTE_LEADS = ["{p}, the {r}, said:", "\u201c{q}\u201d {p} told reporters.", "According to {p},"]
_QUOTE_BANK = [
    "We will not accept conditions that put our {t0} supplies at risk",
    "Nobody should doubt that the {t1} will stay open for as long as it is needed",
    "The figures on {t2} speak for themselves and the public deserves the full picture",
    "Our partners in {c2} know exactly what is on the table regarding {t3}",
    "This is not a temporary problem and it will not be solved by slogans",
    "Every household will feel the consequences if {t3} is not resolved by {m}",
]
_PERIODS = ["March", "April", "the spring", "the summer", "the quarter", "the year"]
_OPENERS = [
    "",
    "",
    "",
    "Meanwhile,",
    "At the same time,",
    "Separately,",
    "Earlier this week,",
    "By contrast,",
    "In recent days,",
    "For now,",
    "As things stand,",
    "Behind the scenes,",
    "On paper,",
    "In practice,",
    "Last year,",
    "So far,",
    "Even so,",
    "According to insiders,",
]
# each word in a sentence may be swapped for one of its alternatives: different
# articles on the same story use the same patterns with different wording
_SYNONYMS = {
    w: group
    for group in [
        ["said", "stated", "noted", "insisted", "claimed", "remarked"],
        ["told", "informed", "assured"],
        ["officials", "authorities", "administrators", "civil servants"],
        ["analysts", "observers", "commentators", "market watchers"],
        ["critics", "sceptics", "detractors", "opponents"],
        ["plan", "proposal", "scheme", "package", "initiative"],
        ["talks", "negotiations", "discussions", "consultations"],
        ["reviewed", "reconsidered", "re-examined", "reassessed"],
        ["expected", "due", "scheduled", "set"],
        ["decision", "move", "step", "ruling"],
        ["households", "families", "consumers", "residents"],
        ["companies", "firms", "businesses", "enterprises"],
        ["reported", "wrote", "claimed", "said"],
        ["long", "lengthy", "slow", "growing"],
        ["government", "cabinet", "administration", "executive"],
        ["measures", "rules", "restrictions", "steps"],
        ["welcomed", "applauded", "praised", "greeted"],
        ["warned", "cautioned", "signalled", "argued"],
        ["steady", "gradual", "slow", "continuous"],
        ["capital", "city", "seat of government"],
        ["figures", "numbers", "statistics", "data"],
        ["months", "weeks", "quarters"],
        ["costly", "expensive", "painful", "damaging"],
        ["difficult", "tricky", "tense", "delicate"],
        ["little", "nothing", "almost nothing", "very little"],
        ["problems", "irregularities", "flaws", "gaps"],
        ["announcement", "statement", "declaration", "news"],
        ["tense", "heated", "difficult", "stormy"],
        ["ready", "prepared", "willing"],
        ["clearer", "better", "more precise", "firmer"],
        ["shut", "closed", "blocked", "halted"],
    ]
    for w in group
}


@dataclass
class Story:
    index: int
    words: dict[str, str]
    quotes: list[str]


@dataclass
class Post:
    url: str
    site: str
    title: str
    html: str
    published: datetime


@dataclass
class World:
    feeds: dict[str, bytes] = field(default_factory=dict)  # path -> RSS body
    posts: dict[str, Post] = field(default_factory=dict)  # url -> post
    original_of: dict[str, str] = field(default_factory=dict)  # copy url -> original article url
    family: dict[str, int] = field(default_factory=dict)  # url -> story index (outlet + copies)
    declared: set[tuple[str, str]] = field(default_factory=set)  # credited (repost, source)
    kinds: dict[str, str] = field(default_factory=dict)  # copy url -> kind of copy
    not_copies: set[str] = field(default_factory=set)  # other outlets' and blogs' own posts


def _fill(rng: random.Random, pattern: str, story: Story) -> str:
    values = dict(story.words)
    values["n"] = str(rng.choice([3, 4, 6, 7, 9, 12, 14, 18, 21, 30, 40, 45, 60]))
    values["d"] = rng.choice(_DAYS)
    values["m"] = rng.choice(_PERIODS)
    values["p"] = rng.choice([story.words["p"], story.words["p2"]])
    text = pattern.format(**values)
    if "{q}" not in pattern and pattern not in _QUOTE_BANK:
        words = [
            rng.choice(_SYNONYMS[w]) if w in _SYNONYMS and rng.random() < 0.7 else w
            for w in text.split(" ")
        ]
        text = " ".join(words)
        opener = rng.choice(_OPENERS)
        if opener:
            text = f"{opener} {text[0].lower()}{text[1:]}"
    return text[0].upper() + text[1:]


def _story(rng: random.Random, index: int) -> Story:
    c, c2 = rng.sample(_COUNTRIES, 2)
    topic = _TOPICS[index % len(_TOPICS)]
    words = {
        "c": c,
        "c2": c2,
        "o": rng.choice(_ORGS),
        "r": rng.choice(_ROLES),
        "p": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        "p2": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        "t0": topic[0],
        "t1": topic[1],
        "t2": topic[2],
        "t3": topic[3],
        "m": rng.choice(_PERIODS),
    }
    story = Story(index, words, [])
    story.quotes = [_fill(rng, q, story) for q in rng.sample(_QUOTE_BANK, 2)]
    return story


def _article(rng: random.Random, story: Story, paragraphs: int) -> list[str]:
    """Paragraphs (plain text) of one article on ``story``: its own sentences, the story's quotes."""
    patterns = rng.sample(_PATTERNS, min(len(_PATTERNS), paragraphs * 3))
    out: list[str] = []
    for i in range(paragraphs):
        sentences = [_fill(rng, p, story) for p in patterns[i * 3 : i * 3 + rng.randint(2, 3)]]
        if i in (1, paragraphs - 2):
            quote = story.quotes[0 if i == 1 else 1]
            lead = rng.choice(_QUOTE_LEADS).format(q=quote, p=story.words["p"], r=story.words["r"])
            sentences.insert(
                rng.randint(0, len(sentences)),
                lead if "\u201c" in lead else f"{lead} \u201c{quote}.\u201d",
            )
        out.append(" ".join(sentences))
    return out


@dataclass
class Site:
    host: str
    name: str
    header: str  # HTML before the article
    footer: str  # HTML after the article
    ads: bool = False


_THEME = (
    '<div class="theme-note">This site runs on the Newsline theme. Posts are published as '
    "they come in and may be updated later without notice. Comments are moderated before "
    "they appear and may take a while to show up.</div>"
)


def _blog(rng: random.Random, host: str, name: str, theme: bool = False) -> Site:
    editor = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    header = (
        f'<p class="byline">Posted by the {escape(name)} desk. {editor} curates the stories on '
        f"{escape(name)} every morning and reads every comment you leave below the posts.</p>"
    )
    footer = (
        f"<p><em>Disclaimer: the views expressed on {escape(name)} are those of the authors and "
        "do not necessarily reflect the views of the editors, advertisers or partners of this "
        "website. We publish material for discussion and research purposes and accept no "
        "liability for any loss arising from its use.</em></p>"
        f"<p>Subscribe to the {escape(name)} newsletter and get the most important stories "
        "delivered to your inbox every single morning, free of charge and free of ads.</p>"
        f'<h3>Related posts</h3><ul><li><a href="https://{host}/tag/world/">More world news on '
        f'{escape(name)}</a></li><li><a href="https://{host}/tag/economy/">Economy archive</a></li></ul>'
        f'<p><a href="https://www.facebook.com/sharer/sharer.php?u=https://{host}/">Share on Facebook</a> '
        f'<a href="https://twitter.com/intent/tweet?url=https://{host}/">Share on X</a></p>'
    )
    if theme:
        footer += _THEME
    return Site(host, name, header, footer, ads=rng.random() < 0.5)


def _html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def _edit(rng: random.Random, paragraphs: list[str]) -> list[str]:
    """A lightly edited copy: curly quotes and dashes, one paragraph dropped, one added."""
    out = [p.replace(", ", " \u2013 ", 1).replace("'", "\u2019") for p in paragraphs]
    if len(out) > 4:
        del out[rng.randrange(1, len(out) - 1)]
    out.insert(
        rng.randrange(1, len(out)),
        "Our readers have been asking about this for weeks, so here is the full story as we got it.",
    )
    return out


def _with_ads(rng: random.Random, body: str, site: Site) -> str:
    if not site.ads:
        return body
    ad = (
        f'<div class="ad">ADVERTISEMENT: Try the {escape(site.name)} app today. '
        f'<a href="https://{site.host}/app/">Download now</a></div>'
    )
    parts = body.split("</p>")
    at = rng.randrange(1, max(2, len(parts) - 1))
    parts.insert(at, ad)
    return "</p>".join(parts)


def _rss(title: str, site_url: str, posts: list[Post]) -> bytes:
    items = []
    for post in posts:
        items.append(
            f"<item><title>{escape(post.title)}</title><link>{escape(post.url)}</link>"
            f'<guid isPermaLink="true">{escape(post.url)}</guid>'
            f"<pubDate>{format_datetime(post.published)}</pubDate>"
            f"<description>{escape(post.title)}</description>"
            f"<content:encoded><![CDATA[{post.html}]]></content:encoded></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(title)}</title><link>{escape(site_url)}</link>"
        f"<description>{escape(title)}</description>{''.join(items)}</channel></rss>"
    ).encode()


def build(seed: int = 7, stories: int = 24, blogs: int = 6, short_excerpts: bool = False) -> World:
    """The world: feeds by path (``/feeds/NAME.xml``) and the truth about every post.

    With ``short_excerpts`` each story also gets a *short excerpt*: the title
    and the first 50–120 words of the article, cut mid-sentence, then "…" and
    a read-more link, on a blog of its own (drawn from another random stream:
    the rest of the world is the same as without).
    """
    rng = random.Random(seed)
    world = World()
    story_list = [_story(rng, i) for i in range(stories)]
    outlet = "https://www.daily-ledger.example"
    rivals = ["https://news.northwire.example", "https://www.eastern-courier.example"]
    outlet_posts: list[Post] = []
    rival_posts: dict[str, list[Post]] = {r: [] for r in rivals}
    originals: dict[int, tuple[Post, list[str]]] = {}
    for story in story_list:
        when = BASE + timedelta(hours=5 * story.index)
        paragraphs = _article(rng, story, rng.randint(6, 11))
        title = f"{story.words['c']}: {story.words['o']} moves on {story.words['t2']}"
        url = f"{outlet}/world/2026/03/{story.index:03d}-{story.words['t0']}-{story.words['c'].lower()}/"
        post = Post(url, outlet, title, _html(paragraphs), when)
        outlet_posts.append(post)
        originals[story.index] = (post, paragraphs)
        world.family[url] = story.index
        for k, rival in enumerate(rivals):  # the same story, written by someone else
            own = _article(rng, story, rng.randint(5, 9))
            r_url = f"{rival}/{story.index}/{story.words['t1'].replace(' ', '-')}-{k}"
            r_when = when + timedelta(minutes=rng.randint(-90, 90))
            r_title = f"{story.words['p']} on {story.words['t3']}"
            rival_posts[rival].append(Post(r_url, rival, r_title, _html(own), r_when))
            world.not_copies.add(r_url)
    world.feeds["/feeds/outlet.xml"] = _rss("Daily Ledger", outlet, outlet_posts)
    for rival in rivals:
        name = rival.split("//")[1]
        world.feeds[f"/feeds/{name}.xml"] = _rss(name, rival, rival_posts[rival])

    sites = [
        _blog(rng, f"blog{i}.example", f"Blog Number {i}", theme=i in (0, 1)) for i in range(blogs)
    ]
    blog_posts: dict[str, list[Post]] = {s.host: [] for s in sites}
    kinds = ["whole", "excerpt", "edited"]
    for story in story_list:
        original, paragraphs = originals[story.index]
        copiers = rng.sample(sites[:-1], 3)  # the last blog copies copies only
        for j, site in enumerate(copiers):
            kind = kinds[(story.index + j) % 3]
            body_paras = paragraphs
            title = original.title
            url = f"https://{site.host}/{story.index}/{kind}-copy/"
            if kind == "excerpt":
                body_paras = paragraphs[: rng.randint(2, 3)]
            elif kind == "edited":
                body_paras = _edit(rng, paragraphs)
                title = f"MUST READ: what {story.words['c']} is not telling you about {story.words['t0']}"
            body = _html(body_paras)
            if kind == "excerpt":
                body += f'<p><a href="{url}#more">Read more \u2192</a></p>'
            body = site.header + _with_ads(rng, body, site) + site.footer
            when = original.published + timedelta(hours=rng.randint(1, 20))
            post = Post(url, site.host, title, body, when)
            blog_posts[site.host].append(post)
            world.original_of[url] = original.url
            world.family[url] = story.index
            world.kinds[url] = kind
        # a copy of a whole copy, by the last blog, with its own template
        source = next(
            (
                p
                for p in blog_posts[copiers[0].host]
                if p.url.startswith(f"https://{copiers[0].host}/{story.index}/")
            ),
            None,
        )
        if source is not None and world.kinds[source.url] != "excerpt" and story.index % 2 == 0:
            last = sites[-1]
            url = f"https://{last.host}/{story.index}/copy-of-copy/"
            inner = source.html.replace(copiers[0].header, "").replace(copiers[0].footer, "")
            body = last.header + inner + last.footer
            post = Post(url, last.host, source.title, body, source.published + timedelta(hours=3))
            blog_posts[last.host].append(post)
            world.original_of[url] = original.url
            world.family[url] = story.index
            world.kinds[url] = "copy-of-copy"
    if short_excerpts:
        _add_short_excerpts(
            random.Random(seed * 7919 + 1), world, story_list, originals, blog_posts
        )
    # a credited copy: a declared edge, so no inferred edge between the two
    credited_site = sites[1]
    original, paragraphs = originals[0]
    url = f"https://{credited_site.host}/0/credited/"
    body = (
        credited_site.header
        + _html(paragraphs)
        + f'<p>Source: <a href="{original.url}">{escape(original.title)}</a></p>'
        + credited_site.footer
    )
    blog_posts[credited_site.host].append(
        Post(url, credited_site.host, original.title, body, original.published + timedelta(hours=2))
    )
    world.declared.add((url, original.url))
    world.family[url] = 0
    # blogs' own posts in their templates (not copies); two blogs share the theme text
    for site in sites:
        for k in range(4):
            story = rng.choice(story_list)
            own = _article(rng, story, rng.randint(3, 5))
            url = f"https://{site.host}/own/{k}/"
            body = site.header + _html(own) + site.footer
            when = BASE + timedelta(hours=rng.randint(0, 5 * stories))
            blog_posts[site.host].append(Post(url, site.host, f"Our take #{k}", body, when))
            world.not_copies.add(url)
    for site in sites:
        world.feeds[f"/feeds/{site.host}.xml"] = _rss(
            site.name, f"https://{site.host}/", blog_posts[site.host]
        )
    if short_excerpts:
        world.feeds[f"/feeds/{SHORT_HOST}.xml"] = _rss(
            "Quick Digest", f"https://{SHORT_HOST}/", blog_posts[SHORT_HOST]
        )
    for posts in [outlet_posts, *rival_posts.values(), *blog_posts.values()]:
        for post in posts:
            world.posts[post.url] = post
    return world


SHORT_HOST = "digest.example"


def _add_short_excerpts(
    rng: random.Random,
    world: World,
    story_list: list[Story],
    originals: dict[int, tuple[Post, list[str]]],
    blog_posts: dict[str, list[Post]],
) -> None:
    """One short excerpt (50–120 words and a read-more link) of each story, on SHORT_HOST."""
    posts = blog_posts.setdefault(SHORT_HOST, [])
    for story in story_list:
        original, paragraphs = originals[story.index]
        words = " ".join(paragraphs).split()[: rng.randint(50, 120)]
        url = f"https://{SHORT_HOST}/{story.index}/short/"
        body = f'<p>{escape(" ".join(words))} \u2026</p><p><a href="{url}#more">Read more</a></p>'
        when = original.published + timedelta(hours=rng.randint(1, 20))
        posts.append(Post(url, SHORT_HOST, original.title, body, when))
        world.original_of[url] = original.url
        world.family[url] = story.index
        world.kinds[url] = "short excerpt"


def score(world: World, edges: list[tuple[str, str]]) -> dict[str, float | int]:
    """Precision and recall of inferred edges (repost, source) against the world's truth.

    An edge is right when both posts are of the same article family (the
    original and its copies); ``exact`` counts edges that point to the original
    itself, as the earliest post. Recall: copies with a right edge / copies.
    """
    right = [
        e
        for e in edges
        if world.family.get(e[0]) is not None and world.family.get(e[0]) == world.family.get(e[1])
    ]
    wrong = [e for e in edges if e not in right]
    found = {r for r, _s in right}
    copies = set(world.original_of)
    exact = sum(1 for r, s in edges if world.original_of.get(r) == s)
    return {
        "edges": len(edges),
        "right": len(right),
        "wrong": len(wrong),
        "exact": exact,
        "copies": len(copies),
        "found": len(found & copies),
        "precision": round(len(right) / len(edges), 4) if edges else 1.0,
        "recall": round(len(found & copies) / len(copies), 4) if copies else 1.0,
    }
