"""Calibrate the diagnoses' confidence on the zoo, and check it on seeds it was not tuned on.

    python benchmarks/calibrate.py                  # tune on seeds 0 1, check on 2 3, ~20 min
    python benchmarks/calibrate.py --check-only     # check the table in the package, no tuning

Every diagnosis rests on a kind of evidence, its ``basis`` (an exact catalogued
explanation of one bug, of two, a fitted constant, a number-only signature, ...;
``/tied`` when several explanations tie). Tuning plants every single mutant of the
zoo and every compatible pair of mutants at several configurations
(``reference_nets.compound``), at the tuning seeds, and counts per basis how many
diagnoses named a planted bug: that fraction, ``(right + 1) / (total + 2)``, is the
basis's confidence (``gradcheck/diagnose/calibration.json``). The check plants the
same kinds of bug at other seeds (other batches, parameter points, layers and
configurations of the pairs) and bins the diagnoses by the confidence they were
given: a calibrated confidence has about 90% right among those given at 90%. The
student-style backprop of ``tests/heldout_backprop.py`` and ``heldout_backprop2.py``
(written apart from the zoo) is binned as a third, independent set.

A diagnosis is right when its code is the code of a planted bug; ``localized`` is
right when the layer it names holds a planted bug (the output layer for
whole-network bugs). Writes ``reports/calibration.md`` and ``reports/calibration.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import numpy as np  # noqa: E402

from gradcheck import GradientShapeError, check_gradients  # noqa: E402
from gradcheck.diagnose import calibration  # noqa: E402
from reference_nets.compound import compound_cases  # noqa: E402
from reference_nets.zoo import MUTANTS, zoo_cases  # noqa: E402

BINS = (0.0, 0.4, 0.6, 0.8, 0.9, 0.95, 1.0001)


def _layers(parts, n_layers: int) -> set[int]:
    out: set[int] = set()
    for _, layer in parts:
        out |= {n_layers} if layer is None else set(layer) if isinstance(layer, tuple) else {layer}
    return out


def _report(loss, grad, params, seed):
    try:
        return check_gradients(loss, grad, params, seed=seed)
    except GradientShapeError as exc:
        return exc.report


def _records(diagnoses, codes: set[str], layers: set[int] | None, source: str) -> list[dict]:
    out = []
    for d in diagnoses:
        if d.code == "localized":
            right = layers is None or d.evidence.get("layer") in layers
        else:
            right = d.code in codes
        tied = int(d.evidence.get("tied", 1))
        key = d.evidence.get("basis", "?") + ("/tied" if tied > 1 else "")
        out.append({"source": source, "key": key, "confidence": d.confidence, "right": bool(right), "code": d.code})
    return out


def zoo_records(seeds, per_pair: int) -> tuple[list[dict], dict]:
    """Diagnoses of every single and compound zoo case at ``seeds``, labelled right or wrong."""
    recs, named = [], Counter()
    for seed in seeds:
        for case in zoo_cases(seed):
            r = _report(*case.closures(), case.params(), seed)
            parts = [(case.mutant, case.layer)]
            recs += _records(r.diagnoses, {case.expected_code}, _layers(parts, case.config.n_layers), "single")
            named["single"] += bool(r.diagnoses) and r.diagnoses[0].code == case.expected_code
            named["single cases"] += 1
        for case in compound_cases(seed, per_pair=per_pair):
            r = _report(*case.closures(), case.params(), seed)
            codes = set(case.expected_codes)
            recs += _records(r.diagnoses, codes, _layers(case.parts, case.config.n_layers), "compound")
            best = {d.code for d in r.diagnoses if d.evidence.get("explanation") == 1}
            named["compound"] += codes <= best
            named["compound cases"] += 1
    return recs, dict(named)


def _perturbed(case, grad, kind: str, rng):
    """The mutant's gradient with one tensor corrupted outside the catalogue: noise, or a stray factor."""
    names = case.config.param_names
    target = names[int(rng.integers(len(names)))]

    def corrupted(params):
        g = dict(grad(params))
        if kind == "noise":
            g[target] = g[target] * (1 + 0.3 * rng.standard_normal(np.shape(g[target])))
        else:
            g[target] = g[target] * float(rng.uniform(0.3, 3.0))
        return g

    return corrupted


def outside_records(seeds) -> list[dict]:
    """Harder material: zoo mutants with a second bug outside the catalogue, and mutants named from numbers alone.

    ``noise`` (one tensor's entries scaled at random: no code names it) and ``factor``
    (one tensor times a random factor: ``tensor_scale``) are added to each single
    mutant in turn; the numbers-only diagnosis sees the mutant with no network known.
    """
    from gradcheck.diagnose import diagnose

    recs = []
    for seed in seeds:
        for i, case in enumerate(zoo_cases(seed)):
            loss, grad = case.closures()
            layers = _layers([(case.mutant, case.layer)], case.config.n_layers)
            kind = ("noise", "factor")[i % 2]
            r = _report(loss, _perturbed(case, grad, kind, np.random.default_rng([seed, i])), case.params(), seed)
            codes = {case.expected_code} | ({"tensor_scale"} if kind == "factor" else set())
            recs += _records(r.diagnoses, codes, None, f"outside:{kind}")
            try:
                plain = check_gradients(loss, grad, case.params(), seed=seed, name_bugs=False)
            except GradientShapeError:
                continue
            n, name = case.X.shape[0], case.config.loss
            named = diagnose(plain, batch_size=n, loss=name, params=case.params())
            recs += _records(named.diagnoses, {case.expected_code}, layers, "numbers-only")
    return recs


def student_records() -> list[dict]:
    """Diagnoses of the student-style backprop of tests/heldout_backprop.py and heldout_backprop2.py."""
    from heldout_backprop import CASES
    from heldout_backprop2 import CASES as SECOND

    recs = []
    for build, codes in [*CASES.values(), *SECOND.values()]:
        if codes:
            r = _report(*build(), 0)
            recs += _records(r.diagnoses, set(codes), None, "students")
    return recs


def tune(recs: list[dict]) -> dict:
    counts: dict[str, dict[str, int]] = {}
    for r in recs:
        c = counts.setdefault(r["key"], {"right": 0, "total": 0})
        c["right"] += r["right"]
        c["total"] += 1
    return counts


def bins(recs: list[dict]) -> list[dict]:
    out = []
    for lo, hi in zip(BINS[:-1], BINS[1:]):
        inside = [r for r in recs if lo <= r["confidence"] < hi]
        if inside:
            conf = sum(r["confidence"] for r in inside) / len(inside)
            right = sum(r["right"] for r in inside) / len(inside)
            out.append({"bin": f"[{lo:.2f}, {min(hi, 1.0):.2f}]", "n": len(inside), "confidence": conf, "right": right})
    return out


def _bin_table(rows: list[dict]) -> list[str]:
    lines = ["| confidence given | diagnoses | mean confidence | right |", "|---|---:|---:|---:|"]
    lines += [f"| {b['bin']} | {b['n']} | {b['confidence']:.3f} | {b['right']:.3f} |" for b in rows]
    return lines


def _basis_table(table: dict, held: dict) -> list[str]:
    lines = [
        "| basis | tuning: right / total | confidence | check: right / total |",
        "|---|---:|---:|---:|",
    ]
    for key in sorted(set(table) | set(held)):
        t, h = table.get(key, {"right": 0, "total": 0}), held.get(key, {"right": 0, "total": 0})
        base, tied = (key[:-5], 2) if key.endswith("/tied") else (key, 1)
        conf = calibration.confidence(base, tied)
        lines.append(f"| `{key}` | {t['right']} / {t['total']} | {conf:.3f} | {h['right']} / {h['total']} |")
    return lines


def write(args, table, tune_named, check, check_named, students, elapsed) -> None:
    held = tune(check)
    lines = [
        "# Calibration of the diagnoses' confidence",
        "",
        f"`python benchmarks/calibrate.py` ({elapsed:.0f} s): tuned on seeds {args.tune_seeds}, checked on seeds "
        f"{args.check_seeds}; {len(MUTANTS)} mutants, compound pairs at {args.per_pair} configurations each. "
        "A diagnosis is right when its code is a planted bug's (`localized`: when its layer holds one).",
        "",
        "## Naming",
        "",
        "| set | single mutants named (top diagnosis) | compound cases with both bugs named |",
        "|---|---:|---:|",
    ]
    for label, named in (("tuning", tune_named), ("check", check_named)):
        lines.append(
            f"| {label} | {named.get('single', 0)} / {named.get('single cases', 0)} | "
            f"{named.get('compound', 0)} / {named.get('compound cases', 0)} |"
        )
    lines += ["", "## Reliability on the check seeds (not tuned on)", "", *_bin_table(bins(check)), ""]
    lines += ["Every diagnosis listed counts, alternatives and `localized` included.", ""]
    lines += ["## Reliability on student-style backprop (tests/heldout_backprop*.py)", ""]
    lines += [*_bin_table(bins(students)), ""]
    lines += ["## Per basis", "", *_basis_table(table, held), ""]
    lines += [
        "A basis measured fewer than "
        f"{calibration.MIN_COUNT} times keeps its prior (`gradcheck/diagnose/calibration.py`).",
        "",
    ]
    (ROOT / "reports" / "calibration.md").write_text("\n".join(lines), encoding="utf-8")
    raw = {"tuning": table, "check": held, "bins": bins(check), "students": bins(students)}
    raw.update({"tune_named": tune_named, "check_named": check_named})
    (ROOT / "reports" / "calibration.json").write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tune-seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--check-seeds", type=int, nargs="+", default=[2, 3])
    parser.add_argument("--per-pair", type=int, default=2, help="configurations per pair of mutants")
    parser.add_argument("--check-only", action="store_true", help="keep the table in the package; only check it")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    table = json.loads(calibration.TABLE_PATH.read_text()).get("bases", {}) if args.check_only else {}
    tune_named = {}
    if not args.check_only:
        recs, tune_named = zoo_records(args.tune_seeds, args.per_pair)
        recs += outside_records(args.tune_seeds)
        table = tune(recs)
        doc = {"tuned_on": {"seeds": args.tune_seeds, "per_pair": args.per_pair}, "bases": table}
        calibration.TABLE_PATH.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        calibration.table.cache_clear()
        print(f"tuned on {len(recs)} diagnoses in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    check, check_named = zoo_records(args.check_seeds, args.per_pair)
    outside = outside_records(args.check_seeds)
    students = student_records()
    write(args, table, tune_named, check + outside, check_named, students, time.perf_counter() - start)
    print("wrote reports/calibration.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
