"""A small force-directed layout (Fruchterman–Reingold) for the report's network.

The report draws at most a few dozen domains, so a plain O(n²) loop in
Python takes well under a second and saves a numeric dependency (networkx's
spring layout needs numpy). Deterministic: the same graph always gets the
same picture. Pure: names and weights in, positions in the unit square out.
"""

from __future__ import annotations

import math
import random

__all__ = ["force_layout"]


def force_layout(
    nodes: list[str],
    edges: list[tuple[str, str, float]],
    *,
    aspect: float = 1.5,
    iterations: int = 300,
    seed: int = 7,
) -> dict[str, tuple[float, float]]:
    """Positions in [0, 1] × [0, 1] for ``nodes``, linked by weighted ``edges``.

    Each connected component is laid out on its own (heavier edges pull
    harder, by the logarithm of their weight; every pair of nodes repels),
    then the components are packed in rows, largest first, into a box about
    ``aspect`` times wider than high, and the whole is scaled to the unit square.

    >>> pos = force_layout(["a", "b", "c"], [("a", "b", 5), ("b", "c", 1)])
    >>> sorted(pos) == ["a", "b", "c"]
    True
    >>> all(0 <= x <= 1 and 0 <= y <= 1 for x, y in pos.values())
    True
    >>> force_layout(["a"], []) == {"a": (0.5, 0.5)}
    True
    """
    if not nodes:
        return {}
    if len(nodes) == 1:
        return {nodes[0]: (0.5, 0.5)}
    links = [(a, b, float(w)) for a, b, w in edges if a != b and a in nodes and b in nodes]
    placed: dict[str, tuple[float, float]] = {}
    boxes = []
    for part in _components(nodes, links):
        inside = set(part)
        own = [(a, b, w) for a, b, w in links if a in inside]
        local = _spring(part, own, iterations, seed)
        side = math.sqrt(len(part))  # room grows with the number of nodes
        pad = 0.18 * side
        boxes.append(
            (
                side,
                {
                    name: (pad + x * (side - 2 * pad), pad + y * (side - 2 * pad))
                    for name, (x, y) in local.items()
                },
            )
        )
    total = sum(side * side for side, _p in boxes)
    row_width = max(max(side for side, _p in boxes), math.sqrt(total * aspect))
    x = y = row_height = 0.0
    for side, local in boxes:
        if x > 0 and x + side > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for name, (lx, ly) in local.items():
            placed[name] = (x + lx, y + ly)
        x += side
        row_height = max(row_height, side)
    return _fit(nodes, [placed[n][0] for n in nodes], [placed[n][1] for n in nodes])


def _components(nodes: list[str], links: list[tuple[str, str, float]]) -> list[list[str]]:
    """Connected components, largest first (ties: in node order).

    >>> _components(["a", "b", "c", "d"], [("a", "c", 1.0)])
    [['a', 'c'], ['b'], ['d']]
    """
    parent = {n: n for n in nodes}

    def root(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for a, b, _w in links:
        parent[root(a)] = root(b)
    groups: dict[str, list[str]] = {}
    for n in nodes:
        groups.setdefault(root(n), []).append(n)
    return sorted(groups.values(), key=lambda g: -len(g))


def _spring(
    nodes: list[str], edges: list[tuple[str, str, float]], iterations: int, seed: int
) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold for one connected component, scaled to [0, 1]²."""
    if len(nodes) == 1:
        return {nodes[0]: (0.5, 0.5)}
    rng = random.Random(seed)
    index = {name: i for i, name in enumerate(nodes)}
    count = len(nodes)
    xs = [math.cos(2 * math.pi * i / count) + rng.uniform(-0.05, 0.05) for i in range(count)]
    ys = [math.sin(2 * math.pi * i / count) + rng.uniform(-0.05, 0.05) for i in range(count)]
    links = [(index[a], index[b], 1.0 + math.log(max(w, 1.0))) for a, b, w in edges]
    strongest = max((w for _a, _b, w in links), default=1.0)
    k = math.sqrt(4.0 / count)  # ideal distance in a 2 × 2 box
    temperature = 0.2
    for step in range(iterations):
        dx = [0.0] * count
        dy = [0.0] * count
        for i in range(count):
            xi, yi = xs[i], ys[i]
            for j in range(i + 1, count):
                ddx, ddy = xi - xs[j], yi - ys[j]
                dist2 = ddx * ddx + ddy * ddy or 1e-9
                force = k * k / dist2
                dx[i] += ddx * force
                dy[i] += ddy * force
                dx[j] -= ddx * force
                dy[j] -= ddy * force
        for a, b, w in links:
            ddx, ddy = xs[a] - xs[b], ys[a] - ys[b]
            dist = math.sqrt(ddx * ddx + ddy * ddy) or 1e-9
            force = dist / k * (0.5 + w / strongest)
            dx[a] -= ddx * force
            dy[a] -= ddy * force
            dx[b] += ddx * force
            dy[b] += ddy * force
        for i in range(count):
            dx[i] -= xs[i] * 0.3 * k
            dy[i] -= ys[i] * 0.3 * k
            length = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) or 1e-9
            move = min(length, temperature)
            xs[i] += dx[i] / length * move
            ys[i] += dy[i] / length * move
        temperature = 0.2 * (1 - (step + 1) / iterations) + 0.002
    return _fit(nodes, xs, ys)


def _fit(nodes: list[str], xs: list[float], ys: list[float]) -> dict[str, tuple[float, float]]:
    """Scale positions to fill [0, 1] in both directions."""
    low_x, high_x, low_y, high_y = min(xs), max(xs), min(ys), max(ys)
    span_x, span_y = (high_x - low_x) or 1.0, (high_y - low_y) or 1.0
    return {
        name: ((x - low_x) / span_x, (y - low_y) / span_y)
        for name, x, y in zip(nodes, xs, ys, strict=True)
    }
