"""Inline SVG charts of the HTML report: no script, no external resource, every text escaped.

* :func:`verdict_bar`: the class's verdicts as one stacked bar, with a legend of counts;
* :func:`bug_chart`: how many submissions each diagnosis is the top finding of, most common first;
* :func:`score_histogram`: the class's scores as a fraction of the points, in tenths;
* :func:`error_chart`: one submission's largest relative error per tensor (log scale, a line at rtol);
* :func:`heatmap`: where in one tensor the gradient is wrong, entry by entry (see :mod:`gradcheck.errormap`).

Elements that filter the class table carry ``data-filter-*`` attributes; the
page's script (if any runs) makes them clickable. Pattern fills are defined
once per page by :data:`DEFS`.
"""

from __future__ import annotations

import math
from html import escape

from gradcheck.report.text import MARK

#: Colour per status (bars and badges).
COLOURS = {
    "pass": "#1a7f37",
    "kink": "#0a7c86",
    "fail": "#cf222e",
    "inconclusive": "#bf8700",
    "error": "#6e7781",
    "timeout": "#8250df",
}
#: Decades shown on the error chart's axis (relative error 1e-16 .. 1e2).
LOG_MIN, LOG_MAX = -16, 2
#: Fill of a NaN bar or an entry that was not checked.
DEFS = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
    '<pattern id="nan" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="4" height="8" fill="#cf222e"/></pattern>'
    '<pattern id="unchecked" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#eaeef2"/><rect width="2" height="6" fill="#d0d7de"/></pattern>'
    "</defs></svg>"
)
#: ~0.6 em per character of 12 px monospace text.
CHAR = 7.3


def _e(x) -> str:
    return escape(str(x), quote=True)


def number(x, fmt: str = ".2e") -> str:
    """``x`` formatted with ``fmt`` for a report ("-" for None, escaped text for what is not a number)."""
    if x is None:
        return "-"
    try:
        return format(float(x), fmt)
    except (TypeError, ValueError):
        return _e(x)


def _svg(width: float, height: float, label: str, cls: str = "chart") -> str:
    return (
        f'<svg class="{cls}" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{_e(label)}"><title>{_e(label)}</title>'
    )


# --------------------------------------------------------------------------- class summary
def verdict_bar(counts: dict[str, int], width: int = 340) -> str:
    """The verdicts as one stacked bar and a legend (count and share of each), in severity order."""
    total = sum(counts.values())
    order = [k for k in COLOURS if counts.get(k)] + [k for k in counts if k not in COLOURS and counts[k]]
    height = 34 + 22 * len(order)
    parts = [_svg(width, height, f"verdicts of {total} submissions")]
    x = 0.0
    for k in order:
        w = width * counts[k] / total
        parts.append(
            f'<rect class="seg" data-filter-verdict="{_e(k)}" x="{x:.2f}" y="0" width="{w:.2f}" height="22" '
            f'fill="{COLOURS.get(k, "#6e7781")}"><title>{_e(MARK.get(k, k))}: {counts[k]}</title></rect>'
        )
        x += w
    for i, k in enumerate(order):
        y = 34 + 22 * i
        share = f"{100 * counts[k] / total:.0f}%"
        parts.append(
            f'<g class="legend" data-filter-verdict="{_e(k)}"><rect x="0" y="{y}" width="14" height="14" rx="3" '
            f'fill="{COLOURS.get(k, "#6e7781")}"/><text x="22" y="{y + 12}">{_e(MARK.get(k, k))}</text>'
            f'<text x="{width}" y="{y + 12}" text-anchor="end">{counts[k]}  ({share})</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bug_chart(counts: list[tuple[str, int]], total: int, width: int = 420, top: int = 8) -> str:
    """Horizontal bars: the most common top diagnoses, with their counts (the rest summed in one line)."""
    shown = counts[:top]
    rest = sum(n for _, n in counts[top:])
    if not shown:
        return '<p class="muted">No bug was diagnosed.</p>'
    label_w = max(CHAR * max(len(c) for c, _ in shown) + 8, 120)
    bar_w = width - label_w - 44
    row = 22
    height = row * len(shown) + (18 if rest else 4)
    biggest = max(n for _, n in shown)
    parts = [_svg(width, height, "most common bugs (top diagnosis per submission)")]
    for i, (code, n) in enumerate(shown):
        y = i * row
        w = max(2.0, bar_w * n / biggest)
        parts.append(
            f'<g class="bar" data-filter-bug="{_e(code)}"><title>{_e(code)}: {n} of {total} submissions</title>'
            f'<text x="{label_w - 8:.0f}" y="{y + 15}" text-anchor="end">{_e(code)}</text>'
            f'<rect x="{label_w:.0f}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" rx="3" fill="#cf222e"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}">{n}</text></g>'
        )
    if rest:
        parts.append(f'<text class="axis" x="{label_w:.0f}" y="{height - 4}">and {rest} more, of other kinds</text>')
    parts.append("</svg>")
    return "".join(parts)


def score_histogram(fractions: list[float], width: int = 340, height: int = 150) -> str:
    """Scores as a fraction of the points, in eleven bins (0, up to 10%, ..., up to 100% and 100%)."""
    if not fractions:
        return '<p class="muted">No points were given.</p>'
    bins = [0] * 11
    for f in fractions:
        bins[0 if f <= 0 else min(10, math.ceil(round(f * 10, 9)))] += 1
    labels = ["0", *(f"\u2264{10 * k}%" for k in range(1, 10)), "100%"]
    left, bottom, top = 26, 34, 16
    plot_h = height - bottom - top
    bw = (width - left) / 11
    biggest = max(bins)
    parts = [_svg(width, height, f"scores of {len(fractions)} graded submissions")]
    for g in (0.5, 1.0) if biggest >= 4 else (1.0,):  # a half line of a count below 4 is not a whole number
        y = top + plot_h * (1 - g)
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eaeef2"/>')
        parts.append(f'<text class="axis" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{round(biggest * g)}</text>')
    for k, n in enumerate(bins):
        h = plot_h * n / biggest if biggest else 0
        x = left + k * bw
        colour = "#1a7f37" if k == 10 else "#cf222e" if k == 0 else "#bf8700"
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{top + plot_h - h:.1f}" width="{bw - 4:.1f}" height="{h:.1f}" fill="{colour}">'
            f"<title>{labels[k]}: {n}</title></rect>"
        )
        if n:
            parts.append(f'<text x="{x + bw / 2:.1f}" y="{top + plot_h - h - 3:.1f}" text-anchor="middle">{n}</text>')
    for k in (0, 5, 10):
        x = left + k * bw + bw / 2
        text = {0: "0", 5: "50%", 10: "100%"}[k]
        parts.append(f'<text class="axis" x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">{text}</text>')
    parts.append(
        f'<text class="axis" x="{left + (width - left) / 2:.1f}" y="{height - 4}" text-anchor="middle">'
        "score, as a share of the points</text></svg>"
    )
    return "".join(parts)


# --------------------------------------------------------------------------- one submission
def _log(x: float) -> float | None:
    """log10 of an error, clamped to the axis; None for NaN."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    if x <= 0:
        return float(LOG_MIN)
    if math.isinf(x):
        return float(LOG_MAX)
    return min(float(LOG_MAX), max(float(LOG_MIN), math.log10(x)))


def error_chart(tensors, rtol: float) -> str:
    """One horizontal bar per tensor, length log10(max_rel_error), a dashed line at ``rtol``."""
    left, right, top, row, width = 120, 90, 30, 26, 760
    plot = width - left - right
    n = max(1, len(tensors))
    height = top + n * row + 34

    def x(v: float) -> float:
        return left + (v - LOG_MIN) / (LOG_MAX - LOG_MIN) * plot

    parts = [
        _svg(width, height, "Largest relative error per tensor (log scale)"),
        f'<rect x="{left}" y="{top - 6}" width="{plot}" height="{n * row + 6}" fill="#f6f8fa"/>',
    ]
    for d in range(LOG_MIN, LOG_MAX + 1, 2):
        xd = x(d)
        parts.append(f'<line x1="{xd:.1f}" y1="{top - 6}" x2="{xd:.1f}" y2="{top + n * row}" stroke="#d1d9e0"/>')
        parts.append(f'<text class="axis" x="{xd:.1f}" y="{top + n * row + 16}" text-anchor="middle">1e{d}</text>')
    parts.append(
        f'<text class="axis" x="{left + plot / 2:.1f}" y="{top + n * row + 31}" text-anchor="middle">'
        "largest relative error (log10)</text>"
    )
    labels: list[str] = []
    if not tensors:
        parts.append(
            f'<rect x="{left + 6}" y="{top + 5}" width="{CHAR * 21 + 8:.1f}" height="{row - 10}" '
            f'fill="#f6f8fa"/><text x="{left + 10}" y="{top + row / 2 + 4}">no tensor was checked</text>'
        )
    for i, t in enumerate(tensors):
        y = top + i * row
        name = t.name if len(t.name) <= 14 else t.name[:13] + "\u2026"
        parts.append(f'<text x="{left - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end">{_e(name)}</text>')
        v = _log(t.max_rel_error)
        w = max(2.0, x(LOG_MAX if v is None else v) - left)
        tip = f"{t.name}: {t.status}, max rel err {number(t.max_rel_error)}, worst {t.location}"
        fill = COLOURS.get(t.status, "#6e7781") if v is not None else "url(#nan)"
        parts.append(
            f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" rx="3" fill="{fill}">'
            f"<title>{_e(tip)}</title></rect>"
        )
        label = "nan" if v is None else number(t.max_rel_error)
        lx, tw = left + w + 6, CHAR * len(label)
        bg = "#f6f8fa" if lx + tw <= left + plot else "#ffffff"
        labels.append(
            f'<rect x="{lx - 2:.1f}" y="{y + 5}" width="{tw + 4:.1f}" height="{row - 10}" fill="{bg}"/>'
            f'<text x="{lx:.1f}" y="{y + row / 2 + 4:.1f}">{_e(label)}</text>'
        )
    xr = x(_log(rtol) if rtol > 0 else LOG_MIN)
    parts.append(
        f'<line x1="{xr:.1f}" y1="{top - 10}" x2="{xr:.1f}" y2="{top + n * row}" stroke="#1f2328" '
        'stroke-width="1.5" stroke-dasharray="5,3"/>'
    )
    parts.append(f'<text class="axis" x="{xr:.1f}" y="{top - 14}" text-anchor="middle">rtol {rtol:.1e}</text>')
    parts += labels  # after the rtol line, on their own background, so the line never hides a value
    parts.append("</svg>")
    return "\n".join(parts)


def heat_colour(log10_rel: float | None, log_rtol: float) -> str:
    """A cell's colour: pale green within tolerance, then yellow to red up to a relative error of 1.

    Examples
    --------
    >>> heat_colour(-12.0, -7.8), heat_colour(0.0, -7.8), heat_colour(None, -7.8)
    ('#dafbe1', '#a40e26', 'url(#unchecked)')
    """
    if log10_rel is None:
        return "url(#unchecked)"
    if log10_rel <= log_rtol:
        return "#dafbe1"
    t = min(1.0, (log10_rel - log_rtol) / (0.0 - log_rtol))  # rtol -> 0, relative error 1 -> 1
    stops = [(0.0, (0xFF, 0xE0, 0x8A)), (0.5, (0xF0, 0x88, 0x3E)), (1.0, (0xA4, 0x0E, 0x26))]
    for (t0, c0), (t1, c1) in zip(stops, stops[1:]):
        if t <= t1:
            u = (t - t0) / (t1 - t0)
            return "#" + "".join(f"{round(a + (b - a) * u):02x}" for a, b in zip(c0, c1))
    return "#a40e26"


def heatmap(name: str, emap: dict, rtol: float) -> str:
    """Where ``name``'s gradient is wrong: one cell per entry (or block), coloured by its relative error."""
    cells = emap.get("log10_rel") or []
    rows, cols = len(cells), max((len(r) for r in cells), default=0)
    if not rows or not cols:
        return ""
    side = max(4, min(22, int(260 / max(rows, cols))))
    left, top = 28, 18
    width, height = left + cols * side + 2, top + rows * side + 2
    log_rtol = math.log10(rtol) if rtol > 0 else LOG_MIN
    block = emap.get("block") or [1, 1]
    shape = "\u00d7".join(map(str, emap.get("shape") or [])) or "scalar"
    what = f"{name} ({shape})" + (
        f", each cell the worst of {block[0]}\u00d7{block[1]} entries" if block != [1, 1] else ""
    )
    parts = [_svg(width, height, f"relative error per entry of {what}", cls="heat")]
    for i, row in enumerate(cells):
        for j, v in enumerate(row):
            tip = f"{name}[{i}, {j}]" if block == [1, 1] else f"block ({i}, {j})"
            val = "not checked" if v is None else f"rel err 1e{v:+.1f}"
            parts.append(
                f'<rect x="{left + j * side}" y="{top + i * side}" width="{side - 1}" height="{side - 1}" '
                f'fill="{heat_colour(v, log_rtol)}"><title>{_e(tip)}: {val}</title></rect>'
            )
    for j in _ticks(cols):
        parts.append(
            f'<text class="axis" x="{left + j * side + side / 2:.1f}" y="{top - 5}" text-anchor="middle">{j}</text>'
        )
    for i in _ticks(rows):
        parts.append(
            f'<text class="axis" x="{left - 4}" y="{top + i * side + side / 2 + 4:.1f}" text-anchor="end">{i}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _ticks(n: int) -> list[int]:
    step = 1 if n <= 8 else 5 if n <= 40 else 10
    return list(range(0, n, step))


def heat_legend(rtol: float) -> str:
    """The heatmaps' colour scale: within tolerance, 1e-6 ... 1, not checked."""
    log_rtol = math.log10(rtol) if rtol > 0 else LOG_MIN
    stops = [
        (log_rtol, "\u2264 rtol"),
        (-6.0, "1e-6"),
        (-4.0, "1e-4"),
        (-2.0, "1e-2"),
        (0.0, "\u2265 1"),
        (None, "not checked"),
    ]
    parts = [_svg(len(stops) * 78, 34, "colour scale of the heatmaps: relative error of an entry", cls="legend")]
    for k, (v, text) in enumerate(stops):
        parts.append(
            f'<rect x="{k * 78}" y="0" width="74" height="14" fill="{heat_colour(v, log_rtol)}" stroke="#d0d7de"/>'
            f'<text class="axis" x="{k * 78 + 37}" y="29" text-anchor="middle">{_e(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
