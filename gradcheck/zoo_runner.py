"""``python -m gradcheck zoo``: every catalogued bug planted, caught and named?

Three tables: every single mutant at its zoo configurations (each must be
detected and named); every compatible pair of mutants planted together
(:mod:`reference_nets.compound`: both bugs must be named, the target is
:data:`COMPOUND_TARGET` of the pairs); and the correct reference network of every
zoo configuration (no diagnosis allowed).
"""

from __future__ import annotations

import fnmatch
import textwrap
import time
from dataclasses import dataclass
from typing import Any

from gradcheck.check import check_gradients
from gradcheck.diagnose import Context, diagnose_shape_error
from gradcheck.problem import GradientShapeError
from gradcheck.result import Diagnosis, GradientReport

#: Both bugs of a compound case must be named in at least this fraction of the cases.
COMPOUND_TARGET = 0.95
#: ``--compound``: which pairs, at how many configurations each. ``sample`` (the default, under
#: a minute): every mutant with three partners, once; ``pairs``: every pair once; ``all``: every
#: pair at three configurations (the full table, as in benchmarks/calibrate.py).
COMPOUND_CHOICES = {"none": (None, 0), "sample": ("sample", 1), "pairs": (None, 1), "all": (None, 3)}


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
    wrong : tuple of str
        The tensors the check found wrong (``fail``), those of a refused shape's checked rest included.
    """

    name: str
    mutant: str
    config: str
    layer: int | tuple[int, ...] | None
    expected_code: str
    detected: bool
    diagnoses: tuple[Diagnosis, ...]
    status: str
    wrong: tuple[str, ...] = ()

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


def _checked(case, seed: int) -> tuple[str, tuple[Diagnosis, ...], bool, tuple[str, ...]]:
    """``(status, diagnoses, detected, wrong tensors)`` of one planted case."""
    loss, grad = case.closures()
    params = case.params()
    try:
        report: GradientReport = check_gradients(loss, grad, params, seed=seed)
        return report.status, report.diagnoses, report.status == "fail", _failed(report)
    except GradientShapeError as exc:
        diagnoses = getattr(exc, "diagnoses", None)
        if not diagnoses:
            diagnoses = diagnose_shape_error(exc, grad(params), params, Context(case.net(), case.X, case.Y))
        return "error", tuple(diagnoses), True, _failed(getattr(exc, "report", None))


def _failed(report: GradientReport | None) -> tuple[str, ...]:
    return tuple(t.name for t in report.tensors if t.status == "fail") if report is not None else ()


def run_case(case, seed: int = 0) -> MutantResult:
    """Check one zoo case's buggy gradient and diagnose it."""
    from reference_nets.zoo import get_mutant

    spec = get_mutant(case.mutant)
    status, diagnoses, detected, wrong = _checked(case, seed)
    return MutantResult(
        case.name, case.mutant, case.config.label, case.layer, spec.code, detected, tuple(diagnoses), status, wrong
    )


def named_codes(diagnoses) -> list[str]:
    """Codes of the best explanation's bugs (or of the top diagnosis when nothing explains every entry)."""
    best = [d.code for d in diagnoses if d.evidence.get("explanation") == 1]
    return best or [d.code for d in diagnoses[:1]]


@dataclass(frozen=True)
class CompoundResult:
    """Two mutants planted together at one configuration.

    Attributes
    ----------
    name : str
        Case name (``a/L1+b@config``).
    mutants : tuple of str
    layers : tuple
    config : str
    expected_codes : tuple of str
        One code per mutant.
    detected : bool
    diagnoses : tuple of Diagnosis
    status : str
    """

    name: str
    mutants: tuple[str, ...]
    layers: tuple
    config: str
    expected_codes: tuple[str, ...]
    detected: bool
    diagnoses: tuple[Diagnosis, ...]
    status: str

    @property
    def named(self) -> bool:
        """Every planted bug's code is among the best explanation's."""
        return set(self.expected_codes) <= set(named_codes(self.diagnoses))

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {
            "name": self.name,
            "mutants": list(self.mutants),
            "layers": [list(x) if isinstance(x, tuple) else x for x in self.layers],
            "config": self.config,
            "status": self.status,
            "detected": self.detected,
            "named": self.named,
            "expected_codes": list(self.expected_codes),
            "named_codes": named_codes(self.diagnoses),
            "diagnoses": [d.to_dict() for d in self.diagnoses],
        }


def run_compound_case(case, seed: int = 0) -> CompoundResult:
    """Check one compound case and diagnose it."""
    status, diagnoses, detected, _ = _checked(case, seed)
    layers = tuple(layer for _, layer in case.parts)
    return CompoundResult(
        case.name, case.mutants, layers, case.config.label, case.expected_codes, detected, diagnoses, status
    )


def run_compounds(
    patterns=None, seed: int = 0, per_pair: int = 1, sample: bool = False
) -> tuple[list[CompoundResult], float]:
    """Every compatible pair of mutants (with names matching ``patterns``) at ``per_pair`` configurations.

    ``sample``: only the pairs of :func:`reference_nets.compound.sample_pairs`.
    """
    from reference_nets.compound import compound_cases, sample_pairs
    from reference_nets.zoo import MUTANTS

    start = time.perf_counter()
    if per_pair < 1:
        return [], 0.0
    cases = compound_cases(seed, per_pair=per_pair, pairs=sample_pairs(list(MUTANTS)) if sample else None)
    if patterns:  # compounds made of the selected mutants only
        cases = [c for c in cases if all(any(fnmatch.fnmatchcase(m, p) for p in patterns) for m in c.mutants)]
    return [run_compound_case(c, seed) for c in cases], time.perf_counter() - start


def run_controls(seed: int = 0) -> list[tuple[str, str, int]]:
    """The correct reference network of every zoo configuration: ``(config, status, diagnoses)``."""
    from reference_nets.mlp import MLP
    from reference_nets.zoo import ZOO_CONFIGS, zoo_data

    out = []
    for name, config in ZOO_CONFIGS.items():
        net = MLP(config)
        loss, grad = net.closures(*zoo_data(name, seed))
        report = check_gradients(loss, grad, net.init_params(seed=seed), seed=seed)
        out.append((name, report.status, len(report.diagnoses)))
    return out


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


def _compound_rows(results: list[CompoundResult], strong: str = "") -> list[list[str]]:
    def parts(r):
        return " + ".join(m + _layer_text(layer).replace(" ", "/") for m, layer in zip(r.mutants, r.layers))

    return [
        [
            parts(r),
            r.config,
            "yes" if r.detected else f"{strong}NO{strong}",
            ", ".join(named_codes(r.diagnoses)) or "-",
            ", ".join(r.expected_codes),
            "yes" if r.named else f"{strong}NO{strong}",
        ]
        for r in results
    ]


def compound_footer(results: list[CompoundResult], elapsed: float) -> str:
    """One line: cases, pairs, detected, both named."""
    n = max(1, len(results))
    det, named = sum(r.detected for r in results), sum(r.named for r in results)
    pairs = len({tuple(sorted(r.mutants)) for r in results})
    return (
        f"{len(results)} compound cases of {pairs} pairs: {det} detected ({det / n:.0%}), "
        f"both bugs named in {named} ({named / n:.1%}; target {COMPOUND_TARGET:.0%}); {elapsed:.1f} s"
    )


def controls_footer(controls) -> str:
    """One line: the correct networks pass without a diagnosis."""
    clean = sum(status in ("pass", "kink") and not n for _, status, n in controls)
    return f"{len(controls)} correct networks: {clean} pass without a diagnosis"


def render_compounds(results: list[CompoundResult], elapsed: float, width: int | None = None) -> str:
    """The compound table as text (fitted to ``width`` columns when given)."""
    from gradcheck.report.text import table

    headers = ["mutants", "config", "detected", "named", "expected", "both"]
    rows = _compound_rows(results)
    foot = compound_footer(results, elapsed)
    foot = textwrap.fill(foot, width) if width else foot
    return table(headers, rows, width=width, wrap={0, 1, 3, 4}) + "\n" + foot


def render_compounds_markdown(results: list[CompoundResult], elapsed: float) -> str:
    """The compound table as markdown."""
    from gradcheck.report.markdown import md_table

    headers = ["mutants", "config", "detected", "named", "expected", "both"]
    return md_table(headers, _compound_rows(results, "**")) + "\n\n" + compound_footer(results, elapsed) + "\n"


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


def _verdict(results, compounds, controls) -> bool:
    singles = all(r.detected and r.named for r in results)
    named = sum(r.named for r in compounds) >= COMPOUND_TARGET * len(compounds)
    clean = all(status in ("pass", "kink") and not n for _, status, n in controls)
    return singles and named and clean and all(r.detected for r in compounds)


def _render(results, elapsed, compounds, c_elapsed, controls) -> tuple[str, str]:
    """The three tables as text (fitted to the terminal) and as markdown."""
    from gradcheck.flags import terminal_width

    width = terminal_width()
    text = render_text(results, elapsed, width)
    markdown = render_markdown(results, elapsed)
    if compounds:
        text += "\n\n" + render_compounds(compounds, c_elapsed, width)
        markdown += "\n## Two bugs at once\n\n" + render_compounds_markdown(compounds, c_elapsed)
    text += "\n" + controls_footer(controls)
    markdown += "\n" + controls_footer(controls) + "\n"
    return text, markdown


def _list(emit) -> int:
    from gradcheck.flags import terminal_width
    from gradcheck.report.text import table
    from reference_nets.zoo import MUTANTS

    rows = [[m.name, m.code, m.description] for m in MUTANTS.values()]
    emit(table(["mutant", "expected code", "description"], rows, width=terminal_width()))
    return 0


def main(args, emit, write_files) -> int:
    """Handler of ``gradcheck zoo``."""
    import sys

    from gradcheck.report.files import to_json

    if args.list:
        return _list(emit)
    results, elapsed = run_zoo(args.mutant, args.seed)
    if args.mutant and not results:
        print(f"gradcheck zoo: error: --mutant {' '.join(args.mutant)} matches no mutant; see --list", file=sys.stderr)
        return 2
    which, per_pair = COMPOUND_CHOICES[getattr(args, "compound", "sample")]
    # a --mutant selection runs every pair of the selected mutants, not the default sample
    sample = which == "sample" and not args.mutant
    compounds, c_elapsed = run_compounds(args.mutant, args.seed, per_pair, sample=sample)
    controls = run_controls(args.seed)
    ok = _verdict(results, compounds, controls)
    data = to_json(
        {
            "kind": "zoo",
            "status": "pass" if ok else "fail",
            "seed": args.seed,
            "mutants": [r.to_dict() for r in results],
            "compounds": [r.to_dict() for r in compounds],
            "controls": [{"config": c, "status": st, "diagnoses": n} for c, st, n in controls],
        }
    )
    text, markdown = _render(results, elapsed, compounds, c_elapsed, controls)
    emit({"json": data, "markdown": markdown, "text": text}[args.format])
    folder = write_files(args.output, "zoo", {"report.json": data, "report.md": markdown})
    if folder is not None:
        print(f"reports written to {folder}/report.json and report.md", file=sys.stderr)
    return 0 if ok else 1
