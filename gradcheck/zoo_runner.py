"""``python -m gradcheck zoo``: every catalogued bug planted, caught and named?"""

from __future__ import annotations

import fnmatch
import time
from dataclasses import dataclass
from typing import Any

from gradcheck.check import check_gradients
from gradcheck.diagnose import Context, diagnose_shape_error
from gradcheck.problem import GradientShapeError
from gradcheck.result import Diagnosis, GradientReport


@dataclass(frozen=True)
class MutantResult:
    """One mutant at one configuration.

    Attributes
    ----------
    name : str
        Case name (``mutant@config/Llayer``).
    mutant, config : str
        Mutant name and the network's label.
    expected_code : str
        The diagnosis the mutant must produce.
    detected : bool
        The check failed (or refused the gradient's shape).
    diagnoses : tuple of Diagnosis
        Best first.
    status : str
        The check's status (``error`` for a refused shape).
    """

    name: str
    mutant: str
    config: str
    layer: int | tuple[int, ...] | None
    expected_code: str
    detected: bool
    diagnoses: tuple[Diagnosis, ...]
    status: str

    @property
    def named(self) -> bool:
        """The top diagnosis is the expected code."""
        return bool(self.diagnoses) and self.diagnoses[0].code == self.expected_code

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form per DESIGN.md."""
        layer = list(self.layer) if isinstance(self.layer, tuple) else self.layer
        return {
            "name": self.name,
            "mutant": self.mutant,
            "config": self.config,
            "layer": layer,
            "status": self.status,
            "detected": self.detected,
            "named": self.named,
            "expected_code": self.expected_code,
            "diagnoses": [d.to_dict() for d in self.diagnoses],
        }


def _layer_text(layer) -> str:
    if layer is None:
        return ""
    return " L" + "+".join(str(x) for x in (layer if isinstance(layer, (tuple, list)) else (layer,)))


def run_case(case, seed: int = 0) -> MutantResult:
    """Check one zoo case's buggy gradient and diagnose it."""
    from reference_nets.zoo import get_mutant

    spec = get_mutant(case.mutant)
    loss, grad = case.closures()
    params = case.params()
    try:
        report: GradientReport = check_gradients(loss, grad, params, seed=seed)
        status, diagnoses, detected = report.status, report.diagnoses, report.status == "fail"
    except GradientShapeError as exc:
        context = Context(case.net(), case.X, case.Y)
        status, detected = "error", True
        diagnoses = tuple(getattr(exc, "diagnoses", None) or diagnose_shape_error(exc, grad(params), params, context))
    return MutantResult(
        case.name, case.mutant, case.config.label, case.layer, spec.code, detected, tuple(diagnoses), status
    )


def run_zoo(patterns=None, seed: int = 0) -> tuple[list[MutantResult], float]:
    """Every zoo case (filtered by mutant name or glob)."""
    from reference_nets.zoo import zoo_cases

    start = time.perf_counter()
    cases = zoo_cases(seed)
    if patterns:
        cases = [c for c in cases if any(fnmatch.fnmatchcase(c.mutant, p) for p in patterns)]
    return [run_case(c, seed) for c in cases], time.perf_counter() - start


def render_text(results: list[MutantResult], elapsed: float, width: int | None = None) -> str:
    """The zoo table: mutant, config, detected?, top diagnosis, expected, match? (fitted to ``width``)"""
    from gradcheck.report.text import table

    rows = [
        [
            r.mutant,
            r.config + _layer_text(r.layer),
            "yes" if r.detected else "NO",
            r.diagnoses[0].code if r.diagnoses else "-",
            r.expected_code,
            "yes" if r.named else "NO",
        ]
        for r in results
    ]
    det = sum(r.detected for r in results)
    named = sum(r.named for r in results)
    n_mut = len({r.mutant for r in results})
    foot = (
        f"{len(results)} cases of {n_mut} mutants: {det} detected ({det / max(1, len(results)):.0%}), "
        f"{named} correctly named ({named / max(1, len(results)):.0%}); {elapsed:.1f} s"
    )
    headers = ["mutant", "config", "detected", "top diagnosis", "expected", "match"]
    return table(headers, rows, width=width, wrap={0, 1, 3, 4}) + "\n" + foot


def render_markdown(results: list[MutantResult], elapsed: float) -> str:
    """The zoo table as markdown."""
    from gradcheck.report.markdown import md_table

    rows = [
        [
            f"`{r.mutant}`",
            r.config + _layer_text(r.layer),
            "yes" if r.detected else "**NO**",
            f"`{r.diagnoses[0].code}`" if r.diagnoses else "-",
            f"`{r.expected_code}`",
            "yes" if r.named else "**NO**",
        ]
        for r in results
    ]
    ok = all(r.detected and r.named for r in results)
    return (
        f"# gradcheck zoo: {'PASS' if ok else 'FAIL'}\n\n{len(results)} cases, {elapsed:.1f} s\n\n"
        + md_table(["mutant", "config", "detected", "top diagnosis", "expected", "match"], rows)
        + "\n"
    )


def main(args, emit, write_files) -> int:
    """Handler of ``gradcheck zoo``."""
    import sys

    from gradcheck.flags import terminal_width
    from gradcheck.report.files import to_json

    if args.list:
        from gradcheck.report.text import table
        from reference_nets.zoo import MUTANTS

        rows = [[m.name, m.code, m.description] for m in MUTANTS.values()]
        emit(table(["mutant", "expected code", "description"], rows, width=terminal_width()))
        return 0
    results, elapsed = run_zoo(args.mutant, args.seed)
    if args.mutant and not results:
        print(f"gradcheck zoo: error: --mutant {' '.join(args.mutant)} matches no mutant; see --list", file=sys.stderr)
        return 2
    ok = all(r.detected and r.named for r in results)
    data = to_json(
        {
            "kind": "zoo",
            "status": "pass" if ok else "fail",
            "seed": args.seed,
            "mutants": [r.to_dict() for r in results],
        }
    )
    text = render_text(results, elapsed, terminal_width())
    out = {"json": data, "markdown": render_markdown(results, elapsed), "text": text}
    emit(out[args.format])
    folder = write_files(args.output, "zoo", {"report.json": data, "report.md": out["markdown"]})
    if folder is not None:
        print(f"reports written to {folder}/report.json and report.md", file=sys.stderr)
    return 0 if ok else 1
