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
    unit sits in the affected range) is *equivalent* there and must pass; every
    other one must fail and be named.
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
from gradcheck.problem import GradientShapeError  # noqa: E402
from reference_nets.mlp import MLP, MLPConfig  # noqa: E402
from reference_nets.zoo import MUTANTS  # noqa: E402

ACTS = ("sigmoid", "relu", "tanh")


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


def soak_correct(count: int, start: int = 0) -> dict:
    """``count`` random correct configurations; even indices in ``auto`` mode, odd in ``full``."""
    statuses, reasons, failures, modes = Counter(), Counter(), [], Counter()
    for i in range(start, start + count):
        cfg, params, X, Y, dtype = random_case(i)
        net = MLP(cfg)
        loss, grad = net.closures(X, Y)
        rep = check_gradients(loss, grad, params, seed=i, mode="auto" if i % 2 == 0 else "full")
        statuses[rep.status] += 1
        modes[rep.mode] += 1
        for t in rep.tensors:
            for e in t.worst:
                if e.status in ("kink", "inconclusive"):
                    reasons[f"{e.status}: {e.estimator}"] += 1
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
        "false_alarms": failures,
    }


def _top_codes(diags) -> set[str]:
    if not diags:
        return set()
    best = max(d.confidence for d in diags)
    return {d.code for d in diags if d.confidence >= best - 1e-9}


def soak_mutants(count: int, start: int = 0) -> dict:
    names = list(MUTANTS)
    detected = named = equivalent = 0
    missed, misnamed = [], []
    for i in range(start, start + count):
        cfg, params, X, Y, dtype = random_case(i)
        if dtype != np.float64:
            params = {k: v.astype(np.float64) for k, v in params.items()}
        rng = np.random.default_rng(i)
        spec = MUTANTS[names[i % len(names)]]
        layers = spec.layers(cfg)
        if not layers:
            continue
        layer = layers[int(rng.integers(len(layers)))]
        net = spec.build(cfg, layer)
        loss, grad = net.closures(X, Y)
        ref = MLP(cfg).closures(X, Y)[1](params)
        got = grad(params)
        if all(np.shape(got[k]) == ref[k].shape and np.allclose(got[k], ref[k], rtol=1e-12, atol=0) for k in ref):
            equivalent += 1
            rep = check_gradients(loss, grad, params, seed=i)
            if rep.status == "fail":
                missed.append({"index": i, "mutant": spec.name, "note": "equivalent but failed"})
            continue
        try:
            rep = check_gradients(loss, grad, params, seed=i)
            ok, diags = rep.status == "fail", rep.diagnoses
        except GradientShapeError as exc:
            ok, diags = True, exc.diagnoses
        detected += ok
        if not ok:
            missed.append({"index": i, "mutant": spec.name, "layer": layer, "config": cfg.label})
        elif spec.code in _top_codes(diags):  # ties: mutants provably identical at this point (N = 2 and x2)
            named += 1
        else:
            misnamed.append(
                {
                    "index": i,
                    "mutant": spec.name,
                    "layer": layer,
                    "config": cfg.label,
                    "top": [d.code for d in diags][:2],
                }
            )
    total = detected + len([m for m in missed if "note" not in m])
    return {
        "count": count,
        "applicable": total,
        "equivalent": equivalent,
        "detected": detected,
        "named": named,
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
    lines += [f"- {k}: {v} entries" for k, v in sorted(c["reasons"].items())]
    lines += [
        "",
        "## Missed bugs (zoo mutants at random configurations)",
        "",
        f"{m['count']} draws: {m['applicable']} non-equivalent mutants, {m['equivalent']} equivalent at their "
        f"point (must pass, and did unless listed below)",
        f"- detected: {m['detected']} / {m['applicable']}",
        f"- named correctly (top diagnosis): {m['named']} / {m['detected']}",
        f"- missed: {len(m['missed'])}",
        f"- misnamed: {len(m['misnamed'])}",
    ]
    lines += [f"  - {x}" for x in (m["missed"] + m["misnamed"])[:30]]
    return "\n".join(lines) + "\n"


def _merge(parts: list[dict]) -> tuple[dict, dict]:
    c = {"count": 0, "statuses": Counter(), "modes": Counter(), "reasons": Counter(), "false_alarms": []}
    m = {"count": 0, "applicable": 0, "equivalent": 0, "detected": 0, "named": 0, "missed": [], "misnamed": []}
    for part in parts:
        for key in ("statuses", "modes", "reasons"):
            c[key].update(part["correct"].get(key, {}))
        c["count"] += part["correct"]["count"]
        c["false_alarms"] += part["correct"]["false_alarms"]
        for key in ("count", "applicable", "equivalent", "detected", "named"):
            m[key] += part["mutants"][key]
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
