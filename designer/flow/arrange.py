"""Pure geometry for the canvas: snapping, align/distribute and arrow-key neighbours."""
from __future__ import annotations

from collections.abc import Mapping

GRID = 20.0

Rect = tuple[float, float, float, float]  # x, y, width, height

ALIGN_MODES = ("left", "right", "top", "bottom", "hcenter", "vcenter")
DISTRIBUTE_MODES = ("horizontal", "vertical")


def snap(value: float) -> float:
    return round(value / GRID) * GRID


def align(rects: Mapping[str, Rect], mode: str) -> dict[str, tuple[float, float]]:
    """New top-left positions lining the rectangles up on one edge or centre line."""
    if mode not in ALIGN_MODES:
        raise ValueError(mode)
    if not rects:
        return {}
    r = rects.values()
    out: dict[str, tuple[float, float]] = {}
    left, top = min(x for x, _, _, _ in r), min(y for _, y, _, _ in r)
    right, bottom = max(x + w for x, _, w, _ in r), max(y + h for _, y, _, h in r)
    for k, (x, y, w, h) in rects.items():
        if mode == "left":
            out[k] = (left, y)
        elif mode == "right":
            out[k] = (snap(right - w), y)
        elif mode == "top":
            out[k] = (x, top)
        elif mode == "bottom":
            out[k] = (x, snap(bottom - h))
        elif mode == "hcenter":  # one vertical line through the centres
            out[k] = (snap((left + right) / 2 - w / 2), y)
        else:  # vcenter: one horizontal line
            out[k] = (x, snap((top + bottom) / 2 - h / 2))
    return out


def distribute(rects: Mapping[str, Rect], mode: str) -> dict[str, tuple[float, float]]:
    """Equal gaps between the rectangles, keeping the outermost two where they are."""
    if mode not in DISTRIBUTE_MODES:
        raise ValueError(mode)
    horizontal = mode == "horizontal"
    order = sorted(rects, key=lambda k: rects[k][0] if horizontal else rects[k][1])
    if len(order) < 3:
        return {k: (rects[k][0], rects[k][1]) for k in order}
    first, last = rects[order[0]], rects[order[-1]]
    start = first[0] if horizontal else first[1]
    end = (last[0] + last[2]) if horizontal else (last[1] + last[3])
    total = sum(rects[k][2] if horizontal else rects[k][3] for k in order)
    gap = (end - start - total) / (len(order) - 1)
    out: dict[str, tuple[float, float]] = {}
    pos = start
    for k in order:
        x, y, w, h = rects[k]
        if horizontal:
            out[k] = (snap(pos) if k not in (order[0], order[-1]) else x, y)
            pos += w + gap
        else:
            out[k] = (x, snap(pos) if k not in (order[0], order[-1]) else y)
            pos += h + gap
    return out


def neighbour(centres: Mapping[str, tuple[float, float]], current: str, direction: str) -> str | None:
    """The nearest node in an arrow key's direction (Node-RED style): within a 45° cone either side,
    preferring nodes straight ahead (off-axis distance counts double)."""
    cx, cy = centres[current]
    best: tuple[float, str] | None = None
    for k, (x, y) in centres.items():
        if k == current:
            continue
        dx, dy = x - cx, y - cy
        along, across = {"right": (dx, dy), "left": (-dx, dy), "down": (dy, dx), "up": (-dy, dx)}[direction]
        if along <= 0 or abs(across) > along:
            continue
        score = along + 2 * abs(across)
        if best is None or score < best[0]:
            best = (score, k)
    return best[1] if best else None
