"""Reliability soaks: false alarms on correct gradients, missed bugs on planted ones.

    python benchmarks/soak.py --correct 10000 --mutants 2000

Writes ``reports/reliability.md`` and ``reports/reliability.json``. Every run is
seeded and reproducible: a configuration is a pure function of its index.

False alarms
    Random correct reference networks: depth 1-3, widths 1-64, every hidden
    activation and loss, weights from tiny to saturating, ReLU units placed on
    or near their kink, BCE outputs near 0 and 1, float64 and float32, batch
    1 to 256. Any ``fail`` is a false alarm; ``kink`` and ``inconclusive`` are
    counted with their reasons.
Missed bugs
    Every zoo mutant at random configurations. A mutant whose gradient equals
    the reference gradient at that point (e.g. a ReLU-derivative bug when no
    unit sits in the affected range) is *equivalent (identical)* there and must
    pass. One whose every entry passes the checker's own comparison rule
    against the exact reference gradient (``gradcheck.compare.judge`` with no
    numeric error, ``rtol = sqrt(eps)``) is *equivalent within tolerance*: no
    numeric estimate, however exact, could tell it from the correct gradient at
    the stated tolerance, so either verdict is right. Every other one must
    fail and be named: its code, or the code of any other catalogued mutant
    whose gradient is identical at that point (``sum-over-batch`` and
    ``mse-factor-doubled`` at batch 2; ``relu-derivative-threshold-one`` and
    ``zero-gradient`` where no unit reaches 1).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gradcheck import check_gradients  # noqa: E402
from gradcheck.compare import default_rtol, judge, scale_floor  # noqa: E402
from gradcheck.problem import GradientShapeError  # noqa: E402
from reference_nets.mlp import MLP, MLPConfig  # noqa: E402
from reference_nets.zoo import MUTANTS, candidates  # noqa: E402

ACTS = ("sigmoid", "relu", "tanh")
#: Two gradients are identical when every entry agrees to this relative difference:
#: both are exact up to rounding, a few ulps (1e-16 relative) per operation, and
#: 1e-12 leaves room for two backward passes that order their operations
#: differently. This is equality, not closeness: what lies between it and the
#: checker's rtol (1.5e-8) is "equivalent within tolerance".
IDENTICAL_RTOL = 1e-12

#: The mutants draw ``i`` picks from (``i % 26``), in the catalogue order the soak's pinned
#: draws (tests/test_soak_regressions.py, reports/reliability-p*.json) were made with, so
#: that mutants added to the catalogue later do not shift what an index draws.
DRAWN_MUTANTS = (
    "derivative-at-activation",
    "output-derivative-at-activation",
    "derivative-at-preactivation",
    "output-derivative-at-preactivation",
    "wrong-activation-derivative",
    "relu-derivative-threshold-one",
    "relu-derivative-ones",
    "missing-activation-derivative",
    "missing-output-derivative",
    "bce-extra-sigmoid-derivative",
    "sign-flip-tensor",
    "sign-flip-all",
    "sum-over-batch",
    "mse-factor-dropped",
    "mse-factor-doubled",
    "tensor-scaled",
    "bias-first-sample",
    "bias-not-summed",
    "bias-wrong-axis",
    "dW-from-preactivation",
    "dW-from-wrong-layer",
    "l2-missing",
    "l2-doubled",
    "l2-on-bias",
    "transposed",
    "zero-gradient",
)


def random_case(i: int):
    """Configuration, parameters and batch number ``i`` (deterministic)."""
    rng = np.random.default_rng(10_000 + i)
    depth = int(rng.integers(1, 4))
    widths = [int(w) for w in rng.integers(1, 65, size=depth)]
    sizes = (int(rng.integers(1, 9)), *widths, int(rng.integers(1, 4)))
    hidden = tuple(str(a) for a in rng.choice(ACTS, size=depth))
    loss = str(rng.choice(["mse", "bce"]))
    output = "sigmoid" if loss == "bce" else str(rng.choice(["identity", "sigmoid"]))
    l2 = float(rng.choice([0.0, 0.0, 0.01]))
    cfg = MLPConfig(sizes, hidden, output=output, loss=loss, l2=l2, bias=bool(rng.random() > 0.1))
    dtype = np.float32 if rng.random() < 0.2 else np.float64
    scale = float(10 ** rng.uniform(-3, 1.3))  # tiny to saturating weights
    net = MLP(cfg)
    params = net.init_params(seed=i, dtype=dtype, scale=scale)
    n = int(rng.choice([1, 2, 7, 16, 64, 256]))
    X = rng.standard_normal((n, sizes[0]))
    Y = (rng.random((n, sizes[-1])) > 0.5).astype(float) if output == "sigmoid" else rng.standard_normal((n, sizes[-1]))
    if "relu" in hidden and rng.random() < 0.3 and cfg.bias:
        X[0] = 0.0  # a zero input row: the first layer's ReLU units sit exactly on their kink
        params["b1"][:] = 0.0 if hidden[0] == "relu" else params["b1"]
    if loss == "bce" and rng.random() < 0.3 and cfg.bias:  # outputs pushed near 0 or 1
        params[f"b{cfg.n_layers}"] = params[f"b{cfg.n_layers}"] + dtype(8.0 * np.sign(rng.standard_normal()))
    return cfg, params, X, Y, dtype


def why(rep, cfg, dtype, loss_value: float) -> str:
    """A short account of why a correct configuration ended ``kink`` or ``inconclusive``."""
    kinked = "relu" in cfg.hidden
    if rep.status == "kink":
        return "ReLU units at or near their kink" if kinked else "smooth net, rounding read as a kink"
    if np.dtype(dtype) == np.float32:
        return "float32 rounding beyond rtol, not explained by the float64 gradient"
    if abs(loss_value) < 1e-6:
        return "saturated output (loss < 1e-6): estimators disagree beyond rtol"
    if kinked:
        return "ReLU kinks inside every step: estimators disagree"
    return "estimators disagree (other)"


def soak_correct(count: int, start: int = 0) -> dict:
    """``count`` random correct configurations; even indices in ``auto`` mode, odd in ``full``."""
    statuses, reasons, failures, modes, whys, notes = Counter(), Counter(), [], Counter(), Counter(), Counter()
    unsure = []
    for i in range(start, start + count):
        cfg, params, X, Y, dtype = random_case(i)
        net = MLP(cfg)
        loss, grad = net.closures(X, Y)
        rep = check_gradients(loss, grad, params, seed=i, mode="auto" if i % 2 == 0 else "full")
        statuses[rep.status] += 1
        modes[rep.mode] += 1
        for note in rep.notes:
            if note.startswith(("float32 rounding", "complex step not used")):
                notes[note.split(":")[0]] += 1
        for t in rep.tensors:
            for e in t.worst:
                if e.status in ("kink", "inconclusive"):
                    reasons[f"{e.status}: {e.estimator}"] += 1
        if rep.status in ("kink", "inconclusive"):
            reason = why(rep, cfg, dtype, float(loss(params)))
            whys[f"{rep.status}: {reason}"] += 1
            unsure.append({"index": i, "status": rep.status, "mode": rep.mode, "config": cfg.label, "why": reason})
        if rep.status == "fail":
            failures.append(
                {
                    "index": i,
                    "config": cfg.label,
                    "dtype": np.dtype(dtype).name,
                    "mode": rep.mode,
                    "tensors": [t.to_dict() for t in rep.tensors if t.status == "fail"][:2],
                }
            )
    return {
        "count": count,
        "statuses": dict(statuses),
        "modes": dict(modes),
        "reasons": dict(reasons),
        "whys": dict(whys),
        "notes": dict(notes),
        "unsure": unsure,
        "false_alarms": failures,
    }


def _top_codes(diags) -> set[str]:
    if not diags:
        return set()
    best = max(d.confidence for d in diags)
    return {d.code for d in diags if d.confidence >= best - 1e-9}


def identical(a: dict, b: dict) -> bool:
    """Same tensors, same shapes, every entry equal to :data:`IDENTICAL_RTOL` relative."""
    return set(a) == set(b) and all(
        np.shape(a[k]) == np.shape(b[k]) and np.allclose(a[k], b[k], rtol=IDENTICAL_RTOL, atol=0) for k in b
    )


def within_tolerance(got: dict, ref: dict) -> bool:
    """Every entry of ``got`` passes the checker's rule against the exact gradient ``ref``.

    The rule of :func:`gradcheck.compare.judge` with ``ref`` as the numeric side
    and no numeric error, at the float64 ``rtol`` and each tensor's own floor:
    what a check with a perfect estimator would conclude.
    """
    rtol = default_rtol(np.float64)
    for k, r in ref.items():
        g = np.asarray(got[k], np.float64)
        if g.shape != r.shape:
            return False
        if not judge(g, r, np.zeros_like(r), rtol, scale_floor(r, np.float64)).ok.all():
            return False
    return True


def identical_codes(cfg: MLPConfig, params: dict, X: np.ndarray, Y: np.ndarray, got: dict) -> set[str]:
    """Codes of every catalogued mutant whose gradient at this point is identical to ``got``.

    Such mutants cannot be told apart by any check at this point, so naming
    any of them names the bug.
    """
    codes = set()
    for name, _, net in candidates(cfg):
        try:
            other = net.closures(X, Y)[1](params)
        except (ValueError, IndexError):  # a mutant that cannot run at these shapes
            continue
        if identical(other, got):
            codes.add(MUTANTS[name].code)
    return codes


def draw(i: int):
    """Mutant draw number ``i``: ``(config, float64 params, X, Y, spec, layer, net)``; net None if inapplicable."""
    cfg, params, X, Y, dtype = random_case(i)
    if dtype != np.float64:
        params = {k: v.astype(np.float64) for k, v in params.items()}
    rng = np.random.default_rng(i)
    spec = MUTANTS[DRAWN_MUTANTS[i % len(DRAWN_MUTANTS)]]
    layers = spec.layers(cfg)
    if not layers:
        return cfg, params, X, Y, spec, None, None
    layer = layers[int(rng.integers(len(layers)))]
    return cfg, params, X, Y, spec, layer, spec.build(cfg, layer)


def soak_mutants(count: int, start: int = 0) -> dict:
    detected = named = named_identical = equivalent = tolerated = tolerated_failed = 0
    missed, misnamed = [], []
    for i in range(start, start + count):
        cfg, params, X, Y, spec, layer, net = draw(i)
        if net is None:
            continue
        loss, grad = net.closures(X, Y)
        ref = MLP(cfg).closures(X, Y)[1](params)
        got = grad(params)
        if identical(got, ref):
            equivalent += 1
            rep = check_gradients(loss, grad, params, seed=i)
            if rep.status == "fail":
                missed.append({"index": i, "mutant": spec.name, "note": "equivalent but failed"})
            continue
        if within_tolerance(got, ref):  # either verdict is right: the difference is below the stated tolerance
            tolerated += 1
            tolerated_failed += check_gradients(loss, grad, params, seed=i).status == "fail"
            continue
        try:
            rep = check_gradients(loss, grad, params, seed=i)
            ok, diags = rep.status == "fail", rep.diagnoses
        except GradientShapeError as exc:
            ok, diags = True, exc.diagnoses
        detected += ok
        top = _top_codes(diags)
        if not ok:
            missed.append({"index": i, "mutant": spec.name, "layer": layer, "config": cfg.label})
        elif spec.code in top:  # ties: the diagnosis cannot prefer one of several matching mutants
            named += 1
        elif top & (same := identical_codes(cfg, params, X, Y, got)):
            named += 1
            named_identical += 1
        else:
            misnamed.append(
                {
                    "index": i,
                    "mutant": spec.name,
                    "layer": layer,
                    "config": cfg.label,
                    "top": [d.code for d in diags][:2],
                    "identical": sorted(same - {spec.code}),
                }
            )
    total = detected + len([m for m in missed if "note" not in m])
    return {
        "count": count,
        "applicable": total,
        "equivalent": equivalent,
        "equivalent_within_tolerance": tolerated,
        "within_tolerance_failed": tolerated_failed,
        "detected": detected,
        "named": named,
        "named_identical": named_identical,
        "missed": missed,
        "misnamed": misnamed,
    }


def render(c: dict, m: dict, seconds: float) -> str:
    lines = [
        "# Reliability",
        "",
        f"Measured by `python benchmarks/soak.py` ({seconds:.0f} s).",
        "",
        "## False alarms (correct gradients)",
        "",
        f"{c['count']} random correct configurations: "
        + ", ".join(f"{v} {k}" for k, v in sorted(c["statuses"].items())),
        f"- **false alarms (`fail`): {len(c['false_alarms'])}**",
    ]
    lines += [f"- {k}: {v} configurations" for k, v in sorted(c.get("whys", {}).items())]
    lines += [f"- entries shown as evidence, {k}: {v}" for k, v in sorted(c["reasons"].items())]
    lines += [f"- reports noting {k!r}: {v}" for k, v in sorted(c.get("notes", {}).items())]
    lines += [
        "",
        "## Missed bugs (zoo mutants at random configurations)",
        "",
        f"{m['count']} draws: {m['applicable']} non-equivalent mutants, {m['equivalent']} equivalent (identical) at "
        f"their point (must pass, and did unless listed below), {m.get('equivalent_within_tolerance', 0)} equivalent "
        f"within tolerance (every entry within the checker's rtol of the exact gradient: either verdict is right; "
        f"{m.get('within_tolerance_failed', 0)} failed anyway)",
        f"- detected: {m['detected']} / {m['applicable']}",
        f"- named correctly (top diagnosis): {m['named']} / {m['detected']} "
        f"({m.get('named_identical', 0)} by the code of a mutant identical at that point)",
        f"- missed: {len(m['missed'])}",
        f"- misnamed: {len(m['misnamed'])}",
    ]
    lines += [f"  - {x}" for x in (m["missed"] + m["misnamed"])[:30]]
    return "\n".join(lines) + "\n"


def _merge(parts: list[dict]) -> tuple[dict, dict]:
    c = {
        "count": 0,
        "statuses": Counter(),
        "modes": Counter(),
        "reasons": Counter(),
        "whys": Counter(),
        "notes": Counter(),
        "unsure": [],
        "false_alarms": [],
    }
    counts = (
        "count",
        "applicable",
        "equivalent",
        "equivalent_within_tolerance",
        "within_tolerance_failed",
        "detected",
        "named",
        "named_identical",
    )
    m = {key: 0 for key in counts} | {"missed": [], "misnamed": []}
    for part in parts:
        for key in ("statuses", "modes", "reasons", "whys", "notes"):
            c[key].update(part["correct"].get(key, {}))
        c["unsure"] += part["correct"].get("unsure", [])
        c["count"] += part["correct"]["count"]
        c["false_alarms"] += part["correct"]["false_alarms"]
        for key in counts:
            m[key] += part["mutants"].get(key, 0)  # parts written before a count existed lack it
        m["missed"] += part["mutants"]["missed"]
        m["misnamed"] += part["mutants"]["misnamed"]
    return c, m


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--correct", type=int, default=10_000, help="random correct configurations")
    ap.add_argument("--mutants", type=int, default=2_000, help="random mutant draws")
    ap.add_argument("--start", type=int, default=0, help="index of the first configuration (to split a soak)")
    ap.add_argument("--part", help="write reports/reliability-PART.json only (merge the parts with --merge)")
    ap.add_argument("--merge", nargs="+", metavar="PART", help="render reliability.md from these parts")
    ap.add_argument("--seconds", type=float, default=0.0, help="wall time to state when merging parts")
    ap.add_argument("--output", type=Path, default=ROOT / "reports")
    args = ap.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    if args.merge:
        parts = [json.loads((args.output / f"reliability-{p}.json").read_text()) for p in args.merge]
        c, m = _merge(parts)
        seconds = args.seconds
    else:
        t = time.perf_counter()
        c = soak_correct(args.correct, args.start)
        m = soak_mutants(args.mutants, args.start)
        seconds = time.perf_counter() - t
        if args.part:
            (args.output / f"reliability-{args.part}.json").write_text(
                json.dumps({"correct": c, "mutants": m, "seconds": seconds}, indent=2, default=str)
            )
            return 0
    (args.output / "reliability.json").write_text(json.dumps({"correct": c, "mutants": m}, indent=2, default=str))
    (args.output / "reliability.md").write_text(render(c, m, seconds))
    print(render(c, m, seconds))
    return 0 if not c["false_alarms"] and not m["missed"] else 1


if __name__ == "__main__":
    sys.exit(main())
