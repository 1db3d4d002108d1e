"""Markdown rendering, for reports on disk and CI summaries."""

from __future__ import annotations

import re

from gradcheck.naming import format_index
from gradcheck.printable import one_line
from gradcheck.report.text import MARK, _tensor_columns


def code_span(text: str) -> str:
    """``text`` as one inline code span whatever it holds: fenced with more backticks than its longest run (and
    spaced from a backtick at either end), so that a name like ``bob`<img src=x onerror=...>`.py`` closes no span
    and none of it is read as markdown or HTML."""
    text = one_line(str(text))
    runs = [len(r) for r in re.findall("`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_text(text: str) -> str:
    """``text`` as plain words in markdown: HTML's and markdown's special characters escaped."""
    text = one_line(str(text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]#|~])", r"\\\1", text)


def md_table(headers: list[str], rows: list[list[str]]) -> str:
    """A GitHub-flavoured markdown table."""
    esc = [[one_line(str(c)).replace("|", "\\|") for c in r] for r in [headers, *rows]]
    lines = ["| " + " | ".join(esc[0]) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(r) + " |" for r in esc[1:]]
    return "\n".join(lines)


def render_report(report) -> str:
    """One check as markdown: tensors, failing entries, notes, diagnoses."""
    rows = [
        [
            t.name,
            "x".join(map(str, t.shape)),
            f"{t.checked}/{t.size}",
            f"{t.max_abs_error:.2e}",
            f"{t.max_rel_error:.2e}",
            f"`{t.location}`",
            MARK[t.status],
        ]
        for t in report.tensors
    ]
    out = [
        f"**{report.status.upper()}** — method `{report.method}`, mode `{report.mode}`, "
        f"seed {report.seed}, rtol {report.rtol:.1e}",
        "",
        md_table(["tensor", "shape", "checked", "max abs err", "max rel err", "worst entry", "verdict"], rows),
    ]
    for name, e in report.failures[:10]:
        out.append(
            f"- `{format_index(name, e.index)}`: analytic {e.analytic:.10g}, numeric "
            f"{e.numeric:.10g}, rel err {e.rel_error:.2e} (tolerance {e.tolerance:.2e})"
        )
    out += [f"- note: {n}" for n in report.notes]
    out += [f"- **{d.code}** ({d.confidence:.0%}): {d.message}" for d in report.diagnoses]
    return "\n".join(out)


def render_run(run) -> str:
    """The ``run`` table and, for each non-passing configuration, its details."""
    names = _tensor_columns(run)
    rows = []
    for r in run.results:
        errs = {t.name: t.max_rel_error for t in r.report.tensors}
        rows.append(
            [
                f"`{r.config}`",
                r.label,
                str(r.n_params),
                r.report.method,
                *[f"{errs[n]:.1e}" if n in errs else "" for n in names],
                MARK[r.status],
            ]
        )
    out = [
        f"# gradcheck run: {run.status.upper()}",
        "",
        f"method `{run.method}`, mode `{run.mode}`, seed {run.seed}, {len(run.results)} configurations, "
        f"{run.elapsed:.1f} s. Cells: worst per-entry relative error of each tensor.",
        "",
        md_table(["config", "network", "params", "method", *names, "verdict"], rows),
    ]
    for r in run.results:
        if not r.report.passed:
            out += ["", f"## {r.config}", "", render_report(r.report)]
    return "\n".join(out) + "\n"
