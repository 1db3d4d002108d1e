"""Plain-text rendering, for terminals: tables a person reads at a glance."""

from __future__ import annotations

from gradcheck.result import GradientReport, RunReport, format_index

MARK = {
    "pass": "ok",
    "kink": "ok (kink)",
    "fail": "FAIL",
    "inconclusive": "INCONCLUSIVE",
    "error": "ERROR",
    "timeout": "TIMEOUT",
}


def _e(x: float) -> str:
    return f"{x:.1e}"


def table(headers: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    """Align ``rows`` under ``headers``; columns in ``right`` are right-aligned."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells):
        out = [str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(out).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def render_report(report: GradientReport) -> str:
    """Per-tensor table, the evidence of failing entries and the diagnoses."""
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


def render_run(run: RunReport) -> str:
    """The ``run`` table: config, parameters, worst relative error per tensor, verdict."""
    names = _tensor_columns(run)
    rows = []
    for r in run.results:
        errs = {t.name: t for t in r.report.tensors}
        cells = [_e(errs[n].max_rel_error) if n in errs else "-" for n in names]
        top = r.report.diagnoses[0].code if r.report.diagnoses else ""
        rows.append([r.config, r.label, str(r.n_params), r.report.method, *cells, MARK[r.status], top])
    headers = ["config", "network", "params", "method", *names, "verdict", "diagnosis"]
    counts = {s: sum(r.status == s for r in run.results) for s in MARK}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    foot = (
        f"{len(run.results)} configurations: {summary}; worst relative error per tensor shown; "
        f"seed {run.seed}; {run.elapsed:.1f} s"
    )
    return table(headers, rows, right={2, *range(4, 4 + len(names))}) + "\n" + foot


def _tensor_columns(run: RunReport) -> list[str]:
    seen: dict[str, None] = {}
    for r in run.results:
        for t in r.report.tensors:
            seen.setdefault(t.name, None)
    return sorted(seen, key=lambda n: (int("".join(c for c in n if c.isdigit()) or 0), n))
