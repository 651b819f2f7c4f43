"""Inline SVG charts for the report: pure functions from numbers to markup.

Every text that reaches the markup goes through :func:`esc` (domains and
titles come from feeds: hostile input). Charts use a ``viewBox`` so they
scale with the page; colours are the Okabe–Ito palette (safe for colour-blind
readers), and each series also differs by dash pattern.
"""

from __future__ import annotations

import html
import math
from typing import Any

from tracer.report.layout import force_layout
from tracer.wording import counted

__all__ = [
    "PALETTE",
    "ROLE_COLOURS",
    "column_chart",
    "esc",
    "line_chart",
    "network_chart",
]

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "")
ROLE_COLOURS = {"reposter": "#0072B2", "origin": "#D55E00", "both": "#7B4FA0"}


def esc(value: Any) -> str:
    """HTML-escape any value for text or a quoted attribute.

    >>> esc('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    return html.escape("" if value is None else str(value), quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _ticks(top: int, count: int = 4) -> list[int]:
    """Round axis ticks from 0 to at least ``top``.

    >>> _ticks(7), _ticks(1230)
    ([0, 2, 4, 6, 8], [0, 500, 1000, 1500])
    """
    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    return list(range(0, top + step, step))[: count + 2]


def column_chart(labels: list[str], values: list[int], *, title: str) -> str:
    """Vertical bars, one per label, with the value above each bar."""
    width, height, bottom, top_pad = 640, 260, 56, 18
    ticks = _ticks(max(values, default=0))
    left = _axis_room(ticks)
    high = ticks[-1] or 1
    slot = (width - left - 8) / max(len(values), 1)
    plot_h = height - bottom - top_pad
    parts = [_svg_open(width, height, title)]
    parts += _y_axis(ticks, high, left, width, top_pad, plot_h)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + i * slot + slot * 0.15
        bar_h = plot_h * value / high
        y = top_pad + plot_h - bar_h
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(slot * 0.7)}"'
            f' height="{_num(bar_h)}" fill="{PALETTE[0]}"><title>{esc(label)}: {value:,}'
            "</title></rect>"
        )
        parts.append(
            f'<text x="{_num(x + slot * 0.35)}" y="{_num(y - 4)}" text-anchor="middle"'
            f' class="val">{value:,}</text>'
        )
        parts.append(_wrapped_label(label, x + slot * 0.35, height - bottom + 16))
    parts.append("</svg>")
    return "".join(parts)


Box = tuple[float, float, float, float]


def _place_label(
    text: str, x: float, y: float, r: float, width: int, height: int, taken: list[Box]
) -> tuple[float, float, str, Box]:
    """The label position (right, left, above, below the node) that overlaps least.

    Text width is estimated at 7.4 px a character (13 px sans-serif).
    """
    w, h = len(text) * 7.4 + 4, 15.0
    options = [
        (x + r + 4, y + 4, "start", (x + r + 2, y - h / 2, x + r + 4 + w, y + h / 2)),
        (x - r - 4, y + 4, "end", (x - r - 4 - w, y - h / 2, x - r - 2, y + h / 2)),
        (x, y - r - 5, "middle", (x - w / 2, y - r - 5 - h, x + w / 2, y - r - 3)),
        (x, y + r + 14, "middle", (x - w / 2, y + r + 2, x + w / 2, y + r + 2 + h)),
    ]

    def cost(box: Box) -> float:
        x0, y0, x1, y1 = box
        outside = max(0.0, -x0) + max(0.0, x1 - width) + max(0.0, -y0) + max(0.0, y1 - height)
        overlap = sum(
            max(0.0, min(x1, b[2]) - max(x0, b[0])) * max(0.0, min(y1, b[3]) - max(y0, b[1]))
            for b in taken
        )
        return overlap + outside * 50

    best = min(range(len(options)), key=lambda i: (cost(options[i][3]), i))
    return options[best]


def _wrapped_label(label: str, x: float, y: float) -> str:
    words = label.split(" ")
    lines, line = [], ""
    for word in words:
        if line and len(line) + len(word) > 11:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    spans = "".join(
        f'<tspan x="{_num(x)}" dy="{0 if i == 0 else 14}">{esc(text)}</tspan>'
        for i, text in enumerate(lines)
    )
    return f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="middle" class="lab">{spans}</text>'


def _axis_room(ticks: list[int]) -> int:
    """Pixels left of the plot for the longest tick label (12 px digits) and a gap.

    >>> _axis_room([0, 5]), _axis_room([0, 50_000, 100_000, 150_000])
    (22, 64)
    """
    return 8 + 7 * max(len(f"{tick:,}") for tick in ticks) + 7


def _svg_open(width: int, height: int, title: str) -> str:
    return (
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}"'
        f' xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>'
    )


def _y_axis(
    ticks: list[int], high: int, left: int, width: int, top_pad: int, plot_h: float
) -> list[str]:
    parts = []
    for tick in ticks:
        y = top_pad + plot_h - plot_h * tick / high
        parts.append(
            f'<line x1="{left}" x2="{width - 4}" y1="{_num(y)}" y2="{_num(y)}" class="grid"/>'
            f'<text x="{left - 6}" y="{_num(y + 4)}" text-anchor="end" class="tick">{tick:,}</text>'
        )
    return parts


def line_chart(x_labels: list[str], series: list[tuple[str, list[int]]], *, title: str) -> str:
    """One line per series over ``x_labels`` (weeks); grouped columns when there are few."""
    width, height, bottom, top_pad = 640, 280, 40, 14
    ticks = _ticks(max((v for _n, values in series for v in values), default=0))
    few = len(x_labels) <= 8
    # a line starts at the axis: room for half of its first date label (~70 px) left of it
    left = _axis_room(ticks) if few else max(_axis_room(ticks), 42)
    high = ticks[-1] or 1
    plot_w, plot_h = width - left - 36, height - bottom - top_pad
    parts = [_svg_open(width, height, title)]
    parts += _y_axis(ticks, high, left, width, top_pad, plot_h)
    slots = max(len(x_labels), 1)
    slot = plot_w / slots

    def x_at(i: int) -> float:
        return left + slot * (i + 0.5) if few else left + plot_w * i / max(slots - 1, 1)

    every = max(1, math.ceil(len(x_labels) / 6))  # dates ~70 px wide: 6 fit with gaps
    for i, label in enumerate(x_labels):
        if i % every == 0:
            parts.append(
                f'<text x="{_num(x_at(i))}" y="{height - bottom + 18}" text-anchor="middle"'
                f' class="tick">{esc(label)}</text>'
            )
    for number, (name, values) in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        if few:
            bar_w = slot * 0.8 / max(len(series), 1)
            for i, value in enumerate(values):
                x = left + slot * i + slot * 0.1 + bar_w * number
                bar_h = plot_h * value / high
                parts.append(
                    f'<rect x="{_num(x)}" y="{_num(top_pad + plot_h - bar_h)}"'
                    f' width="{_num(bar_w)}" height="{_num(bar_h)}" fill="{colour}">'
                    f"<title>{esc(name)}, week of {esc(x_labels[i])}: {value:,}</title></rect>"
                )
            continue
        points = " ".join(
            f"{_num(x_at(i))},{_num(top_pad + plot_h - plot_h * v / high)}"
            for i, v in enumerate(values)
        )
        dash = DASHES[number % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"'
            f"{dash_attr}><title>{esc(name)}</title></polyline>"
        )
    parts.append("</svg>")
    return "".join(parts)


def network_chart(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], *, title: str) -> str:
    """Domains as labelled shapes (by role), arrows from reposting to cited domain."""
    width, height, margin_x, margin_y = 960, 620, 120, 30
    positions = force_layout(
        [n["domain"] for n in nodes],
        [(e["repost_domain"], e["source_domain"], e["weight"]) for e in edges],
        aspect=(width - 2 * margin_x) / (height - 2 * margin_y),
    )
    heaviest_node = max((n["weight"] for n in nodes), default=1) or 1
    heaviest_edge = max((e["weight"] for e in edges), default=1) or 1

    def at(domain: str) -> tuple[float, float]:
        x, y = positions[domain]
        return margin_x + x * (width - 2 * margin_x), margin_y + y * (height - 2 * margin_y)

    radius = {n["domain"]: 5 + 13 * math.sqrt(n["weight"] / heaviest_node) for n in nodes}
    parts = [
        _svg_open(width, height, title),
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9"'
        ' markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z"'
        ' fill="#777"/></marker></defs>',
    ]
    for edge in sorted(edges, key=lambda e: e["weight"]):
        x1, y1 = at(edge["repost_domain"])
        x2, y2 = at(edge["source_domain"])
        length = math.hypot(x2 - x1, y2 - y1) or 1
        gap = radius[edge["source_domain"]] + 2
        x2, y2 = x2 - (x2 - x1) * gap / length, y2 - (y2 - y1) * gap / length
        stroke = 0.8 + 5 * math.log1p(edge["weight"]) / math.log1p(heaviest_edge)
        parts.append(
            f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}"'
            f' stroke-width="{_num(stroke)}" class="edge" marker-end="url(#arrow)">'
            f"<title>{esc(edge['repost_domain'])} → {esc(edge['source_domain'])}:"
            f" {counted(edge['weight'], 'edge', grouped=True)}</title></line>"
        )
    centres = {n["domain"]: at(n["domain"]) for n in nodes}
    obstacles = [(x - r, y - r, x + r, y + r) for d, (x, y) in centres.items() for r in [radius[d]]]
    for node in sorted(nodes, key=lambda n: -n["weight"]):
        x, y = centres[node["domain"]]
        r = radius[node["domain"]]
        colour = ROLE_COLOURS[node["role"]]
        label = (
            f"<title>{esc(node['domain'])} ({esc(node['role'])}):"
            f" {counted(node['weight'], 'edge', grouped=True)}</title>"
        )
        if node["role"] == "origin":
            shape = (
                f'<rect x="{_num(x - r)}" y="{_num(y - r)}" width="{_num(2 * r)}"'
                f' height="{_num(2 * r)}" fill="{colour}">{label}</rect>'
            )
        elif node["role"] == "both":
            shape = (
                f'<path d="M{_num(x)},{_num(y - r * 1.3)} L{_num(x + r * 1.3)},{_num(y)}'
                f' L{_num(x)},{_num(y + r * 1.3)} L{_num(x - r * 1.3)},{_num(y)} z"'
                f' fill="{colour}">{label}</path>'
            )
        else:
            shape = (
                f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}"'
                f' fill="{colour}">{label}</circle>'
            )
        tx, ty, anchor, box = _place_label(node["domain"], x, y, r, width, height, obstacles)
        obstacles.append(box)
        parts.append(
            shape + f'<text x="{_num(tx)}" y="{_num(ty)}" text-anchor="{anchor}"'
            f' class="node-label">{esc(node["domain"])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
