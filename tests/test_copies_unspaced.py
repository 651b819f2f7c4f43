"""Copies in scripts written without spaces between words (Thai), over loopback.

A Thai outlet's feed, a blog that republishes one of its articles in its own
template without credit, and a rival outlet writing its own article on the
same story with the same quote: polled through the ``tracer`` commands from
a server on 127.0.0.1. The copy gets an inferred edge to the original; the
rival article, which shares a quote but not text, gets none. Before Thai
runs were cut into words of ``CHUNK`` characters, a phrase between two
spaces was one word and no Thai post had enough words to be matched.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from cli_helpers import run, run_json
from feedserver import FeedServer, Static

# Thai words (government, announce, measures, new, farmers, drought, minister, budget, ...)
WORDS = [
    "รัฐบาล", "ประกาศ", "มาตรการ", "ใหม่", "เพื่อ", "ช่วยเหลือ", "เกษตรกร", "ที่",
    "ได้รับ", "ผลกระทบ", "จาก", "ภัยแล้ง", "ใน", "ภาค", "ตะวันออกเฉียงเหนือ",
    "รัฐมนตรี", "กระทรวง", "การคลัง", "งบประมาณ", "ล้าน", "บาท", "ประชาชน", "จังหวัด",
    "เจ้าหน้าที่", "ตำรวจ", "นายกรัฐมนตรี", "การประชุม", "สภา", "เลือกตั้ง", "พรรค",
    "ฝ่ายค้าน", "เศรษฐกิจ", "ราคา", "น้ำมัน", "ส่งออก", "ข้าว", "ตลาด", "นักลงทุน",
    "ธนาคาร", "ดอกเบี้ย", "เงินเฟ้อ", "ชายแดน", "กองทัพ", "ความมั่นคง",
]  # fmt: skip
QUOTE = "นายกรัฐมนตรีกล่าวว่ารัฐบาลจะไม่ทิ้งประชาชนในยามวิกฤต"  # the story's shared quote


def article(seed: int, sentences: int = 14) -> list[str]:
    """Sentences of Thai words written without spaces, as Thai is (spaces end sentences)."""
    rng = random.Random(seed)
    return ["".join(rng.choice(WORDS) for _ in range(rng.randint(9, 14))) for _ in range(sentences)]


def rss(site: str, items: list[tuple[str, str, str, int]]) -> bytes:
    """An RSS feed of ``(slug, title, HTML body, day of March 2026)`` items."""
    entries = "".join(
        f"<item><title>{title}</title><link>https://{site}/{slug}/</link>"
        f"<pubDate>{day:02d} Mar 2026 08:00:00 +0000</pubDate>"
        f"<description><![CDATA[{body}]]></description></item>"
        for slug, title, body, day in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{site}</title><link>https://{site}/</link>{entries}</channel></rss>"
    ).encode()


def paragraphs(sentences: list[str]) -> str:
    return "".join(f"<p>{' '.join(sentences[i : i + 3])}</p>" for i in range(0, len(sentences), 3))


def test_a_thai_copy_is_found_and_a_rival_article_sharing_a_quote_is_not(tmp_path: Path) -> None:
    story, other = article(1), article(2)
    told = [*story[:7], QUOTE, *story[7:]]  # the story as the outlet tells it
    outlet = rss(
        "khao.example",
        [
            ("story", "ภัยแล้ง", paragraphs(told), 2),
            ("other", "เศรษฐกิจ", paragraphs(other), 3),
        ],
    )
    # the blog: its own template around the whole article, a new title, no credit
    template = "<p>ติดตามข่าวสารล่าสุดได้ทุกวันที่บล็อกของเรา กดไลก์และแชร์</p>"
    blog = rss(
        "blog-thai.example",
        [
            ("copied", "ข่าวด่วน ภัยแล้ง", template + paragraphs(told), 4),
            ("own", "บล็อก", template + paragraphs(article(3)), 5),
        ],
    )
    # the rival: its own article on the story, with the same quote
    rival = rss("rival.example", [("take", "ภัยแล้ง", paragraphs([*article(4)[:6], QUOTE]), 3)])
    db = tmp_path / "tracer.db"
    routes = {"/outlet.xml": Static(outlet), "/blog.xml": Static(blog), "/rival.xml": Static(rival)}
    with FeedServer(routes) as server:
        for path in routes:
            run(db, "feeds", "add", server.url(path))
        run(db, "poll", "--all")
    edges = [json.loads(line) for line in run(db, "export").stdout.splitlines()]
    inferred = sorted((e["repost_url"], e["source_url"]) for e in edges if e["kind"] == "inferred")
    assert inferred == [("https://blog-thai.example/copied/", "https://khao.example/story/")]
    copies = run_json(db, "copies", "https://khao.example/story/", "--json")
    assert [row["url"] for row in copies["copies"]] == ["https://blog-thai.example/copied/"]
    assert copies["copies"][0]["score"] >= 0.9
