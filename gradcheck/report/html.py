"""The audit as ONE self-contained HTML page: inline CSS and SVG, no scripts, no external resources.

Layout: title and counts per verdict; a summary table (submission, verdict,
wrong entries, diagnosis, points) whose rows link to one section per
submission. Each section draws the per-tensor largest relative error on a
log10 scale as an inline SVG bar chart, with a dashed line at the check's
``rtol`` (an entry passes when its error is within about ``rtol``; the exact
tolerance also allows for the numerical estimate's own error), followed by
the tensor table, the diagnoses, the forward check, the notes, the output of
a crashed submission and the command that reproduces the audit. Every piece
of text from a submission is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import math
import re
from html import escape

from gradcheck.naming import format_index
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
#: Decades shown on the chart's axis (relative error 1e-16 .. 1e2).
LOG_MIN, LOG_MAX = -16, 2

CSS = """
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 28px 64px; color: var(--fg); background: var(--bg);
       font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
h1 { font-size: 26px; margin: 0 0 6px; }
h2 { font-size: 19px; margin: 0 0 4px; word-break: break-all; }
h3 { font-size: 15px; margin: 18px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
      overflow-x: auto; white-space: pre-wrap; word-break: break-all; margin: 0; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; color: #fff; font-size: 12px;
         font-weight: 600; letter-spacing: .03em; vertical-align: middle; white-space: nowrap; }
.counts { margin: 0 0 18px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-size: 13px; color: var(--muted); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.path { word-break: break-all; }
section.submission { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 8px;
                     padding: 16px 20px; margin: 22px 0; }
.error { background: #ffebe9; border: 1px solid #ffcecb; border-radius: 6px; padding: 8px 12px; }
.diag { margin: 4px 0 8px; } .diag code { background: var(--soft); padding: 1px 5px; border-radius: 4px; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg.chart text { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; fill: #1f2328; }
svg.chart .axis { fill: #59636e; font-size: 11px; }
ul, ol { margin: 4px 0; padding-left: 22px; }
details summary { cursor: pointer; color: var(--muted); }
@media print { section.submission { break-inside: avoid; } }
"""


def _e(x) -> str:
    return escape(str(x), quote=True)


def _badge(status: str) -> str:
    colour = COLOURS.get(status, "#6e7781")
    return f'<span class="badge" style="background:{colour}">{_e(MARK.get(status, status))}</span>'


def _anchor(i: int, path: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", path.rsplit("/", 1)[-1]).strip("-")[:40]
    return f"sub-{i + 1}-{stem}" if stem else f"sub-{i + 1}"


def _num(x, fmt: str = ".2e") -> str:
    if x is None:
        return "-"
    try:
        return format(float(x), fmt)
    except (TypeError, ValueError):
        return _e(x)


def _wrong(s) -> str:
    bad = [t for t in s.tensors if t.status == "fail"]
    return ", ".join(t.location for t in bad[:3]) + (" ..." if len(bad) > 3 else "")


def _points(s) -> str:
    if s.max_score is None:
        return "-"
    return f"{s.score or 0:g}/{s.max_score:g}"


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
    """Inline SVG: one horizontal bar per tensor, length log10(max_rel_error), a line at ``rtol``."""
    left, right, top, row, width = 120, 90, 30, 26, 760
    plot = width - left - right
    n = max(1, len(tensors))
    height = top + n * row + 34

    def x(v: float) -> float:
        return left + (v - LOG_MIN) / (LOG_MAX - LOG_MIN) * plot

    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="largest relative error per tensor">',
        "<title>Largest relative error per tensor (log scale)</title>",
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
            f'<rect x="{left + 6}" y="{top + 5}" width="{7.3 * 21 + 8:.1f}" height="{row - 10}" '
            f'fill="#f6f8fa"/><text x="{left + 10}" y="{top + row / 2 + 4}">no tensor was checked</text>'
        )
    for i, t in enumerate(tensors):
        y = top + i * row
        colour = COLOURS.get(t.status, "#6e7781")
        name = t.name if len(t.name) <= 14 else t.name[:13] + "\u2026"
        parts.append(f'<text x="{left - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end">{_e(name)}</text>')
        v = _log(t.max_rel_error)
        end = x(LOG_MAX if v is None else v)
        w = max(2.0, end - left)
        tip = f"{t.name}: {t.status}, max rel err {_num(t.max_rel_error)}, worst {t.location}"
        fill = colour if v is not None else "url(#nan)"
        parts.append(
            f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" rx="3" fill="{fill}">'
            f"<title>{_e(tip)}</title></rect>"
        )
        label = "nan" if v is None else _num(t.max_rel_error)
        lx, tw = left + w + 6, 7.3 * len(label)  # 12px monospace: ~0.6em per character
        bg = "#f6f8fa" if lx + tw <= left + plot else "#ffffff"
        labels.append(
            f'<rect x="{lx - 2:.1f}" y="{y + 5}" width="{tw + 4:.1f}" height="{row - 10}" fill="{bg}"/>'
            f'<text x="{lx:.1f}" y="{y + row / 2 + 4:.1f}">{_e(label)}</text>'
        )
    if any(_log(t.max_rel_error) is None for t in tensors):
        parts.insert(
            2,
            '<defs><pattern id="nan" width="8" height="8" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="4" height="8" fill="#cf222e"/></pattern></defs>',
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


def _tensor_table(s) -> str:
    if not s.tensors:
        return ""
    rows = []
    for t in s.tensors:
        shape = "\u00d7".join(map(str, t.shape)) or "scalar"
        rows.append(
            f"<tr><td><code>{_e(t.name)}</code></td><td>{_e(shape)}</td><td>{_badge(t.status)}</td>"
            f'<td class="num">{_num(t.max_abs_error)}</td><td class="num">{_num(t.max_rel_error)}</td>'
            f'<td><code>{_e(t.location)}</code></td><td class="num">{_num(t.analytic, ".6g")}</td>'
            f'<td class="num">{_num(t.numeric, ".6g")}</td></tr>'
        )
    extra = []
    for t in s.tensors:
        for e in [e for e in t.worst if e.status == "fail"][1:3]:
            extra.append(
                f"<li><code>{_e(format_index(t.name, e.index))}</code>: analytic {_num(e.analytic, '.6g')}"
                f" vs numeric {_num(e.numeric, '.6g')} (rel err {_num(e.rel_error)})</li>"
            )
    more = f'<p class="muted">Other wrong entries:</p><ul>{"".join(extra)}</ul>' if extra else ""
    return (
        "<table><thead><tr><th>tensor</th><th>shape</th><th>verdict</th><th>max abs err</th>"
        "<th>max rel err</th><th>worst entry</th><th>analytic</th><th>numeric</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>{more}"
    )


def _forward(s) -> str:
    f = s.forward
    if f is None:
        return '<p class="muted">not checked</p>'
    colour = {"match": COLOURS["pass"], "mismatch": COLOURS["fail"]}.get(f.status, COLOURS["error"])
    err = f", max abs error {_num(f.max_abs_error)}" if f.max_abs_error is not None else ""
    net = f" against <code>{_e(f.network)}</code>" if f.network else ""
    note = f' <span class="muted">({_e(f.note)})</span>' if f.note else ""
    return f'<p><span class="badge" style="background:{colour}">{_e(f.status)}</span>{net}{_e(err)}{note}</p>'


def _section(i: int, s, rtol: float) -> str:
    colour = COLOURS.get(s.status, "#6e7781")
    meta = [
        ("shape", s.shape),
        ("entry", s.entry),
        ("loss", s.loss),
        ("time", f"{s.elapsed:.1f} s"),
        ("points", _points(s) if s.max_score is not None else None),
    ]
    meta_html = " &middot; ".join(f"{k} <code>{_e(v)}</code>" for k, v in meta if v)
    out = [
        f'<section class="submission" id="{_anchor(i, s.path)}" style="border-left-color:{colour}">',
        f"<h2>{_e(s.path)} {_badge(s.status)}</h2>",
        f'<p class="muted">{meta_html}</p>',
    ]
    if s.error:
        out.append(f'<p class="error"><strong>{_e(s.status)}:</strong> {_e(s.error)}</p>')
    out += ["<h3>Gradient error per tensor</h3>", error_chart(s.tensors, rtol), _tensor_table(s)]
    out.append("<h3>Diagnoses</h3>")
    if s.diagnoses:
        items = []
        for d in s.diagnoses:
            where = f" on <code>{_e(d.tensor)}</code>" if d.tensor else ""
            items.append(
                f'<li class="diag"><code>{_e(d.code)}</code>{where} '
                f'<span class="muted">(confidence {float(d.confidence):.2f})</span><br>{_e(d.message)}</li>'
            )
        out.append(f"<ol>{''.join(items)}</ol>")
    else:
        out.append('<p class="muted">none</p>')
    out += ["<h3>Forward pass</h3>", _forward(s)]
    if s.notes:
        out += ["<h3>Notes</h3>", "<ul>" + "".join(f"<li>{_e(n)}</li>" for n in s.notes) + "</ul>"]
    if s.output_tail and (s.status in ("error", "timeout") or s.error):
        out.append(
            f"<details><summary>Output of the submission (tail)</summary><pre>{_e(s.output_tail)}</pre></details>"
        )
    if s.command:
        out += ["<h3>Reproduce</h3>", f"<pre><code>{_e(s.command)}</code></pre>"]
    out.append('<p><a href="#top">&uarr; back to the summary</a></p></section>')
    return "\n".join(out)


def render_html(report, *, rtol: float | None = None) -> str:
    """The audit as one self-contained HTML page.

    Parameters
    ----------
    report : AuditReport
        The audit.
    rtol : float, optional
        Where the chart's tolerance line goes (default: float64's ``sqrt(eps)``, the check's rtol).
    """
    if rtol is None:
        rtol = math.sqrt(2.0**-52)
    subs = list(report.submissions)
    counts: dict[str, int] = {}
    for s in subs:
        counts[s.status] = counts.get(s.status, 0) + 1
    order = list(COLOURS)
    chips = " &middot; ".join(
        f"{n} {_badge(k)}"
        for k, n in sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    )
    rows = []
    for i, s in enumerate(subs):
        top = s.diagnoses[0].code if s.diagnoses else ""
        rows.append(
            f'<tr><td class="path"><a href="#{_anchor(i, s.path)}">{_e(s.path)}</a></td>'
            f"<td>{_badge(s.status)}</td><td><code>{_e(_wrong(s))}</code></td>"
            f"<td>{'<code>' + _e(top) + '</code>' if top else ''}</td>"
            f'<td class="num">{_e(_points(s))}</td></tr>'
        )
    status = str(report.status)
    elapsed = getattr(report, "elapsed", 0.0) or 0.0
    page = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>gradcheck audit: {_e(status.upper())}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        '<body id="top">',
        f"<h1>gradcheck audit {_badge(status)}</h1>",
        f'<p class="counts">{len(subs)} submission{"s" if len(subs) != 1 else ""}: {chips or "none"} '
        f'<span class="muted">&middot; {elapsed:.1f} s</span></p>',
        "<table><thead><tr><th>submission</th><th>verdict</th><th>wrong entries</th><th>diagnosis</th>"
        f"<th>points</th></tr></thead><tbody>{''.join(rows)}</tbody></table>",
        *(_section(i, s, rtol) for i, s in enumerate(subs)),
        '<p class="muted">Written by gradcheck. Bars: the largest scale-relative error of each tensor\'s '
        "checked entries; the dashed line is the check's rtol.</p>",
        "</body>",
        "</html>",
    ]
    return "\n".join(page) + "\n"
