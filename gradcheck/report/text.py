"""Plain-text rendering, for terminals: tables a person reads at a glance.

Tables take the whole width they need in files and pipes; given a terminal's
``width`` they fit it, by wrapping the cells of their text columns (paths,
names, diagnoses) at separators onto extra lines, and ``run`` trades its
per-tensor columns for the worst one when even that is not enough.

This module imports nothing from :mod:`gradcheck.result` (it reads the
reports' attributes), so the dependency points one way: a result's
``summary()`` uses this renderer, never the reverse.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from gradcheck.naming import format_index
from gradcheck.printable import one_line

MARK = {
    "pass": "ok",
    "kink": "ok (kink)",
    "fail": "FAIL",
    "inconclusive": "INCONCLUSIVE",
    "error": "ERROR",
    "timeout": "TIMEOUT",
}
#: Columns between two cells.
GAP = 2
#: A wrapped column keeps at least this many characters.
MIN_WRAP = 8
#: Where a cell may be wrapped: after a separator of paths, names and lists.
_BREAK = re.compile(r"(?<=[/_,\-\]|])|(?<= )")


def _e(x: float) -> str:
    return f"{x:.1e}"


def wrap_cell(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken after separators where possible.

    Examples
    --------
    >>> wrap_cell("examples/submissions/inplace_tanh_bug.py", 24)
    ['examples/submissions/', 'inplace_tanh_bug.py']
    """
    if len(text) <= width:
        return [text]
    lines, line = [], ""
    for piece in (p for p in _BREAK.split(text) if p):
        if line and len(line) + len(piece.rstrip()) > width:
            lines.append(line.rstrip())
            line = ""
        line += piece.lstrip() if not line else piece
        while len(line.rstrip()) > width:  # a word longer than the column: cut it
            lines.append(line[:width])
            line = line[width:].lstrip()
    return [*lines, line.rstrip()] if line.strip() else lines


def _fit(widths: list[int], floors: list[int], wrap: Collection[int], width: int) -> list[int]:
    """Narrow the wrappable columns, widest first, until the row fits ``width`` (or no more can go)."""
    widths = list(widths)
    while sum(widths) + GAP * (len(widths) - 1) > width:
        shrinkable = [i for i in wrap if widths[i] > floors[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def fits(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int | None) -> bool:
    """True when the table needs no more than ``width`` columns unwrapped (always for None)."""
    if width is None:
        return True
    natural = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    return sum(natural) + GAP * (len(natural) - 1) <= width


#: Widest a column is padded to: one longer cell (a forged 5 MB ``shape``) no longer pads every row to its width.
MAX_PAD = 160
#: Lines a cell wraps onto at most in a table fitted to a terminal (the rest of it is cut).
MAX_WRAPPED_LINES = 20


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: Collection[int] = frozenset(),
    *,
    width: int | None = None,
    wrap: Collection[int] | None = None,
) -> str:
    """Align ``rows`` under ``headers``; columns in ``right`` are right-aligned.

    Parameters
    ----------
    width : int, optional
        Fit the table in this many columns (a terminal's width); None: as wide as it needs.
    wrap : collection of int, optional
        Columns whose cells may wrap onto extra lines to fit ``width``
        (default: every column not in ``right``).
    """
    cells = [[one_line(str(c)) for c in r] for r in [headers, *rows]]  # a cell is one line (a file name's newline)
    widths = [min(max(len(r[i]) for r in cells), MAX_PAD) for i in range(len(headers))]
    if width is not None:
        wrap = [i for i in range(len(headers)) if i not in right] if wrap is None else list(wrap)
        floors = [min(MIN_WRAP, w) for w in widths]
        widths = _fit(widths, floors, wrap, width)

    def lines(row: list[str]) -> list[str]:
        if width is None:  # a cell wider than MAX_PAD sticks out of its row, never widens the others (R5-06)
            parts = [[c] for c in row]
        else:
            parts = [wrap_cell(c[: width * MAX_WRAPPED_LINES], w) for c, w in zip(row, widths)]
        out = []
        for k in range(max(len(p) for p in parts)):
            texts = [p[k] if k < len(p) else "" for p in parts]
            padded = [t.rjust(w) if i in right else t.ljust(w) for i, (t, w) in enumerate(zip(texts, widths))]
            out.append((" " * GAP).join(padded).rstrip())
        return out

    rule = (" " * GAP).join("-" * w for w in widths)
    body = [line for r in cells[1:] for line in lines(r)]
    return "\n".join([*lines(cells[0]), rule, *body])


def render_report(report) -> str:
    """Per-tensor table, the evidence of failing entries and the diagnoses of a GradientReport."""
    rows = [
        [
            t.name,
            "x".join(map(str, t.shape)) or "()",
            _checked(t),
            _e(t.max_abs_error),
            _e(t.max_rel_error),
            t.location if t.checked else "-",
            MARK[t.status],
        ]
        for t in report.tensors
    ]
    head = (
        f"gradient check: {report.status.upper()}  (method {report.method}, mode {report.mode}, "
        f"seed {report.seed}, rtol {report.rtol:.1e}, {report.evaluations} loss evaluations)"
    )
    parts = [
        head,
        table(
            ["tensor", "shape", "checked", "max abs err", "max rel err", "worst entry", "verdict"],
            rows,
            right={2, 3, 4},
        ),
    ]
    fails = report.failures
    parts += [_evidence(name, e) for name, e in fails[:3]]
    if len(fails) > 3:
        parts.append(f"  ... {len(fails) - 3} more failing entries recorded (report.failures)")
    parts += [f"note: {n}" for n in report.notes]
    parts += [f"diagnosis [{d.code}] ({d.confidence:.0%}): {d.message}" for d in report.diagnoses]
    return "\n".join(parts)


def _checked(t) -> str:
    """``12/12`` entries checked, or ``screen`` for a tensor judged by its directional screen."""
    if t.directional and not t.checked:
        return "screen"
    return f"{t.checked}/{t.size}" + (" +screen" if t.directional else "")


def _evidence(name: str, e) -> str:
    where = format_index(name, e.index)
    text = (
        f"  {where}: analytic {e.analytic:.10g}, numeric {e.numeric:.10g} "
        f"(+/- {e.numeric_error:.1e}, {e.estimator}); abs err {e.abs_error:.2e}, "
        f"rel err {e.rel_error:.2e} > tolerance {e.tolerance:.2e}"
    )
    if e.left is not None and e.estimator == "one-sided":
        text += f"; one-sided slopes {e.left:.6g} / {e.right:.6g}"
    return text


def render_run(run, width: int | None = None) -> str:
    """The ``run`` table: config, parameters, worst relative error per tensor, verdict.

    Given a terminal ``width`` the full table does not fit, the per-tensor
    columns become one column: the worst tensor and its error.
    """
    names = _tensor_columns(run)
    head = ["config", "network", "params", "method"]
    rows, compact = [], []
    for r in run.results:
        errs = {t.name: t for t in r.report.tensors}
        top = r.report.diagnoses[0].code if r.report.diagnoses else ""
        cells = [_e(errs[n].max_rel_error) if n in errs else "-" for n in names]
        worst = max(r.report.tensors, key=lambda t: t.max_rel_error, default=None)
        worst_cell = f"{_e(worst.max_rel_error)} {worst.name}" if worst else "-"
        first = [r.config, r.label, str(r.n_params), r.report.method]
        rows.append([*first, *cells, MARK[r.status], top])
        compact.append([*first, worst_cell, MARK[r.status], top])
    counts = {s: sum(r.status == s for r in run.results) for s in MARK}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    headers = [*head, *names, "verdict", "diagnosis"]
    if fits(headers, rows, width):
        body = table(headers, rows, right={2, *range(4, 4 + len(names))}, width=width)
        shown = "worst relative error per tensor shown"
    else:
        body = table([*head, "worst rel err", "verdict", "diagnosis"], compact, right={2}, width=width, wrap={0, 1, 6})
        shown = "worst relative error of each configuration shown (per tensor in report.md, or on a wider terminal)"
    foot = f"{len(run.results)} configurations: {summary}; {shown}; seed {run.seed}; {run.elapsed:.1f} s"
    return body + "\n" + prose(foot, width)


def prose(text: str, width: int | None) -> str:
    """``text`` wrapped at word boundaries to ``width`` (unchanged for None: files and pipes)."""
    if width is None or len(text) <= width:
        return text
    import textwrap

    return textwrap.fill(text, width, break_on_hyphens=False)


def _tensor_columns(run) -> list[str]:
    seen: dict[str, None] = {}
    for r in run.results:
        for t in r.report.tensors:
            seen.setdefault(t.name, None)
    return sorted(seen, key=lambda n: (int("".join(c for c in n if c.isdigit()) or 0), n))
