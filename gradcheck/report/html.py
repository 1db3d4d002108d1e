"""The audit as ONE self-contained HTML page: the class view an instructor opens first.

Layout, top to bottom:

* the verdict of the class and its counts;
* a summary in three cards: the verdicts as a stacked bar, the most common bugs
  (the top diagnosis of each submission, counted) and a histogram of the scores;
* the class table, one row per submission (verdict, points rounded to two
  decimals, diagnosis, wrong entries, API shape, time), sortable by any
  column and filterable by name, verdict and bug; clicking a verdict or a bug
  in the summary filters it too;
* one section per submission: the largest relative error per tensor (a log
  scale bar chart with the check's ``rtol``), a heatmap per failing tensor of
  the relative error of every entry (a wrong row, column or diagonal shows at
  a glance), the tensor table, the diagnoses, the forward check, the notes,
  the output of a crashed submission and the command that reproduces it.
  Passing submissions are folded.

Everything is inline: CSS, SVG and a small script (``assets/class_view.js``);
no network, no external file. Without the script the page is complete (every
row, in the audit's order). Every piece of text from a submission is escaped
with :func:`html.escape`; file names wrap at their separators, never mid-word.
"""

from __future__ import annotations

import math
import os
import re
from html import escape
from importlib.resources import files

from gradcheck.naming import format_index
from gradcheck.printable import printable
from gradcheck.report.audit import points
from gradcheck.report.svg import (
    COLOURS,
    DEFS,
    bug_chart,
    error_chart,
    heat_legend,
    heatmap,
    score_histogram,
    verdict_bar,
)
from gradcheck.report.svg import (
    number as _num,
)
from gradcheck.report.text import MARK

#: Severity order of the verdicts (sorting the table by verdict puts the worst first).
SEVERITY = {"error": 0, "timeout": 1, "fail": 2, "inconclusive": 3, "kink": 4, "pass": 5}


def _asset(name: str) -> str:
    return files("gradcheck.report").joinpath("assets", name).read_text(encoding="utf-8")


def _e(x) -> str:
    return escape(printable(str(x)), quote=True)  # a file name may hold control characters or non-UTF-8 bytes


def _badge(status: str) -> str:
    colour = COLOURS.get(status, "#6e7781")
    return f'<span class="badge" style="background:{colour}">{_e(MARK.get(status, status))}</span>'


def _anchor(i: int, path: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", path.rsplit("/", 1)[-1]).strip("-")[:40]
    return f"sub-{i + 1}-{stem}" if stem else f"sub-{i + 1}"


def wrappable(text: str) -> str:
    """Escaped ``text`` with a line-break opportunity after each separator (``/ _ - . ,``).

    Examples
    --------
    >>> wrappable("hw/a_b.py")
    'hw/<wbr>a_<wbr>b.<wbr>py'
    """
    return re.sub(r"([/_\-.,])", r"\1<wbr>", _e(text).replace("&#x27;", "'")).replace("'", "&#x27;")


def _wrong(s) -> str:
    bad = [t for t in s.tensors if t.status == "fail"]
    return ", ".join(t.location for t in bad[:3]) + (" ..." if len(bad) > 3 else "")


def _top(s) -> str:
    return s.diagnoses[0].code if s.diagnoses else ""


def _fraction(s) -> float | None:
    if s.max_score is None:
        return None
    return (s.score or 0.0) / s.max_score if s.max_score > 0 else 1.0


# --------------------------------------------------------------------------- class summary and table
def _summary(subs) -> str:
    counts: dict[str, int] = {}
    bugs: dict[str, int] = {}
    for s in subs:
        counts[s.status] = counts.get(s.status, 0) + 1
        if _top(s) and not s.passed:
            bugs[_top(s)] = bugs.get(_top(s), 0) + 1
    ranked = sorted(bugs.items(), key=lambda kv: (-kv[1], kv[0]))
    fractions = [f for f in map(_fraction, subs) if f is not None]
    failing = sum(not s.passed for s in subs)
    return (
        '<div class="summary">'
        f'<div class="card"><h2>Verdicts</h2>{verdict_bar(counts) if subs else ""}</div>'
        f'<div class="card"><h2>Most common bugs</h2>{bug_chart(ranked, failing)}</div>'
        f'<div class="card"><h2>Scores</h2>{score_histogram(fractions)}</div>'
        "</div>"
    )


def _cell(key: str, value, html: str, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<td{klass} data-col="{key}" data-value="{_e(value)}">{html}</td>'


def _folder(subs) -> str:
    """The folder every submission is in (said once above the table), or ""."""
    paths = [s.path for s in subs]
    if len(paths) < 2:
        return ""
    try:
        folder = os.path.commonpath(paths)
    except ValueError:  # relative and absolute paths mixed
        return ""
    return folder if folder and all(p.startswith(folder + os.sep) for p in paths) else ""


def _row(i: int, s, folder: str) -> str:
    top, frac = _top(s), _fraction(s)
    name = s.path[len(folder) + 1 :] if folder else s.path
    search = f"{name} {top} {s.status} {MARK.get(s.status, s.status)}".lower()
    link = f'<a href="#{_anchor(i, s.path)}" title="{_e(s.path)}">{wrappable(name)}</a>'
    cells = [
        _cell("n", i + 1, str(i + 1), "num"),
        _cell("path", name, link, "path"),
        _cell("verdict", SEVERITY.get(s.status, 9), _badge(s.status)),
        _cell("points", "" if frac is None else f"{frac:.4f}", _e(points(s.score, s.max_score) or "-"), "num"),
        _cell("bug", top, f"<code>{_e(top)}</code>" if top else ""),
        _cell("wrong", _wrong(s), f"<code>{wrappable(_wrong(s))}</code>" if _wrong(s) else "", "wrong"),
        _cell("shape", s.shape or "", _e(s.shape or ""), "shape"),
        _cell("time", f"{s.elapsed:.3f}", f"{s.elapsed:.1f}&nbsp;s", "num"),
    ]
    return (
        f'<tr data-index="{i}" data-verdict="{_e(s.status)}" data-bug="{_e(top)}" data-search="{_e(search)}">'
        + "".join(cells)
        + "</tr>"
    )


#: Column headers: (key, label, first sort direction).
COLUMNS = (
    ("n", "#", "asc"),
    ("path", "submission", "asc"),
    ("verdict", "verdict", "asc"),
    ("points", "points", "asc"),
    ("bug", "diagnosis", "asc"),
    ("wrong", "wrong entries", "asc"),
    ("shape", "shape", "asc"),
    ("time", "time", "desc"),
)


def _controls(subs) -> str:
    verdicts = [k for k in SEVERITY if any(s.status == k for s in subs)]
    bugs = sorted({_top(s) for s in subs if _top(s)})
    v_opts = "".join(f'<option value="{_e(k)}">{_e(MARK.get(k, k))}</option>' for k in verdicts)
    b_opts = "".join(f'<option value="{_e(b)}">{_e(b)}</option>' for b in bugs)
    return (
        '<div class="controls">'
        '<input type="search" id="filter-text" placeholder="filter by name or diagnosis" aria-label="filter">'
        f'<select id="filter-verdict" aria-label="verdict"><option value="">every verdict</option>{v_opts}</select>'
        f'<select id="filter-bug" aria-label="diagnosis"><option value="">every diagnosis</option>{b_opts}</select>'
        f'<span class="shown" id="shown">{len(subs)} submissions</span>'
        "</div>"
    )


def _class_table(subs) -> str:
    folder = _folder(subs)
    heads = "".join(f'<th data-key="{k}" data-first="{d}" scope="col">{_e(label)}</th>' for k, label, d in COLUMNS)
    rows = "".join(_row(i, s, folder) for i, s in enumerate(subs))
    where = f'<p class="muted folder">in <code>{wrappable(folder + os.sep)}</code></p>' if folder else ""
    return f'{where}<table class="class"><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>'


def _verdict_line(subs) -> str:
    counts = {k: sum(s.status == k for s in subs) for k in COLOURS}  # the order of the verdict bar
    parts = [f"{n}&nbsp;{_badge(k)}" for k, n in counts.items() if n]
    return " &middot; ".join(parts) or "none"


# --------------------------------------------------------------------------- one submission
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


def _heatmaps(s, rtol: float) -> list[str]:
    maps = getattr(s, "error_maps", None) or {}
    figures = []
    for t in s.tensors:
        if t.name in maps:
            shape = "\u00d7".join(map(str, t.shape)) or "scalar"
            figures.append(
                f"<figure><figcaption><code>{_e(t.name)}</code> ({_e(shape)})</figcaption>"
                f"{heatmap(t.name, maps[t.name], rtol)}</figure>"
            )
    if not figures:
        return []
    return [
        "<h3>Where the gradient is wrong: relative error of every entry</h3>",
        f'<div class="heatmaps">{"".join(figures)}</div>',
        heat_legend(rtol),
    ]


def _forward(s) -> str:
    f = s.forward
    if f is None:
        return '<p class="muted">not checked</p>'
    colour = {"match": COLOURS["pass"], "mismatch": COLOURS["fail"]}.get(f.status, COLOURS["error"])
    err = f", max abs error {_num(f.max_abs_error)}" if f.max_abs_error is not None else ""
    net = f" against <code>{_e(f.network)}</code>" if f.network else ""
    note = f' <span class="muted">({_e(f.note)})</span>' if f.note else ""
    return f'<p><span class="badge" style="background:{colour}">{_e(f.status)}</span>{net}{_e(err)}{note}</p>'


def _diagnoses(s) -> list[str]:
    if not s.diagnoses:
        return ["<h3>Diagnoses</h3>", '<p class="muted">none</p>']
    items = []
    for d in s.diagnoses:
        where = f" on <code>{_e(d.tensor)}</code>" if d.tensor else ""
        items.append(
            f'<li class="diag"><code>{_e(d.code)}</code>{where} '
            f'<span class="muted">(confidence {float(d.confidence):.2f})</span><br>{_e(d.message)}</li>'
        )
    return ["<h3>Diagnoses</h3>", f"<ol>{''.join(items)}</ol>"]


def _section(i: int, s, rtol: float) -> str:
    meta = [
        ("shape", s.shape),
        ("entry", s.entry),
        ("loss", s.loss),
        ("time", f"{s.elapsed:.1f} s"),
        ("points", points(s.score, s.max_score) or None),
    ]
    meta_html = " &middot; ".join(f"{k} <code>{_e(v)}</code>" for k, v in meta if v)
    out = [
        f'<section class="submission" id="{_anchor(i, s.path)}" '
        f'style="border-left-color:{COLOURS.get(s.status, "#6e7781")}">',
        f"<details{'' if s.passed else ' open'}><summary>",
        f"<h2>{wrappable(s.path)} {_badge(s.status)}</h2>",
        f'<p class="muted">{meta_html}</p></summary>',
    ]
    if s.error:
        out.append(f'<p class="error"><strong>{_e(s.status)}:</strong> {_e(s.error)}</p>')
    out += ["<h3>Gradient error per tensor</h3>", error_chart(s.tensors, rtol)]
    out += _heatmaps(s, rtol)
    out.append(_tensor_table(s))
    out += _diagnoses(s)
    out += ["<h3>Forward pass</h3>", _forward(s)]
    if s.notes:
        out += ["<h3>Notes</h3>", "<ul>" + "".join(f"<li>{_e(n)}</li>" for n in s.notes) + "</ul>"]
    if s.output_tail and (s.status in ("error", "timeout") or s.error):
        out.append(
            f"<details><summary>Output of the submission (tail)</summary><pre>{_e(s.output_tail)}</pre></details>"
        )
    if s.command:
        out += ["<h3>Reproduce</h3>", f"<pre><code>{_e(s.command)}</code></pre>"]
    out.append('<p><a href="#top">&uarr; back to the class</a></p></details></section>')
    return "\n".join(out)


def render_html(report, *, rtol: float | None = None) -> str:
    """The audit as one self-contained HTML page (see the module docstring).

    Parameters
    ----------
    report : AuditReport
        The audit.
    rtol : float, optional
        Where the charts' tolerance line goes (default: float64's ``sqrt(eps)``, the check's rtol).
    """
    if rtol is None:
        rtol = math.sqrt(float(2.0**-52))
    subs = list(report.submissions)
    status = str(report.status)
    elapsed = getattr(report, "elapsed", 0.0) or 0.0
    head = (
        f'<p class="counts">{len(subs)} submission{"s" if len(subs) != 1 else ""}: {_verdict_line(subs)} '
        f'<span class="muted">&middot; audited in {elapsed:.1f} s</span></p>'
    )
    page = [
        "<!DOCTYPE html>",
        '<html lang="en" class="no-js">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>gradcheck audit: {_e(status.upper())}</title>",
        f"<style>{_asset('class_view.css')}</style>",
        "</head>",
        '<body id="top">',
        DEFS,
        "<h1>gradcheck audit</h1>",
        head,
        _summary(subs),
        *(f'<p class="error"><strong>note:</strong> {_e(n)}</p>' for n in getattr(report, "look_alike_names", ())),
        '<h3 id="class">The class</h3>',
        _controls(subs),
        _class_table(subs),
        *(_section(i, s, rtol) for i, s in enumerate(subs)),
        '<p class="muted">Written by gradcheck. Bars: the largest scale-relative error of each tensor\'s '
        "checked entries; the dashed line is the check's rtol. Heatmaps: the relative error of each entry "
        "of a failing tensor, a vector shown as one row.</p>",
        f"<script>{_asset('class_view.js')}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(page) + "\n"
