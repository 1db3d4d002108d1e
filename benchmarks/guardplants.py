"""Planted entries behind a guarded loss: is a bug the guard does not explain ever passed?

A BCE net written as people write it (float32 or float64 parameters, 1-2 tanh hidden layers,
a sigmoid output, the loss guarded by ``np.log(p + 1e-7)``, ``np.log(p + 1e-8)``,
``np.clip(p, 1e-7, 1 - 1e-7)`` or ``np.maximum(p, 1e-12)``) and the textbook backward
``(p - y) / N``, written for the loss without its guard. The check against the loss as written
fails where the guard moves the derivative; the recheck against the loss without the guard
decides. Each configuration is checked with its correct gradient and with planted ones: one entry
of a bias or a weight, its largest or its median entry, times 1.05 or 1.01.

The oracle is independent of the checker: central differences of the same loss code evaluated in
``np.longdouble`` (its parameters, batch and guards widened), of the loss as written and of the
loss with its guard taken out. A configuration is correct code when the user's gradient agrees with
the latter to the rounding of its dtype; a plant's size is measured against it too.

``python benchmarks/guardplants.py --count 160 --output FILE`` prints the verdicts by plant and dtype.
"""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
from guardforms import backward, command_line

GUARDS = ("log_eps7", "log_eps8", "clip", "maximum")
PLANTS = tuple((kind, which, factor) for kind in "bW" for which in ("largest", "median") for factor in (1.05, 1.01))
#: Plants checked per configuration (a seeded choice of :data:`PLANTS`): the check costs seconds.
PER_CONFIG = 3


def config(i: int) -> dict:
    r = np.random.default_rng(9100 + i)
    dtype = np.float32 if r.random() < 0.6 else np.float64
    widths = [int(r.integers(2, 6))] + [int(r.integers(1, 13)) for _ in range(int(r.integers(1, 3)))] + [1]
    n = int(r.choice([1, 2, 8, 16, 64]))
    scale = float(10 ** r.uniform(-0.5, 0.9))  # up to ~8: some outputs saturate
    P = {}
    for layer, (a, b) in enumerate(zip(widths, widths[1:]), 1):
        P[f"W{layer}"] = r.standard_normal((a, b)) * scale / np.sqrt(a)
        P[f"b{layer}"] = r.standard_normal(b) * 0.3
    X = r.standard_normal((n, widths[0]))
    Y = (r.random((n, 1)) > 0.5).astype(float)
    plants = [PLANTS[k] for k in r.choice(len(PLANTS), PER_CONFIG, replace=False)]
    return {"i": i, "guard": GUARDS[i % len(GUARDS)], "dtype": dtype, "X": X, "Y": Y, "P": P, "plants": plants}


def make(c: dict, dtype, guarded: bool = True):
    """``(loss, grad)`` in ``dtype``: the user's code (``guarded``), or the same loss with its guard taken out."""
    X, Y, guard = c["X"].astype(dtype), c["Y"].astype(dtype), c["guard"]
    depth = len(c["P"]) // 2

    def forward(p):
        hs = [X]
        for layer in range(1, depth + 1):
            z = hs[-1] @ p[f"W{layer}"] + p[f"b{layer}"]
            hs.append(np.tanh(z) if layer < depth else 1 / (1 + np.exp(-z)))
        return hs

    def loss(p):
        q = forward(p)[-1]
        if not guarded:
            return -np.mean(Y * np.log(q) + (1 - Y) * np.log(1 - q))
        if guard in ("log_eps7", "log_eps8"):
            eps = 1e-7 if guard == "log_eps7" else 1e-8
            return -np.mean(Y * np.log(q + eps) + (1 - Y) * np.log(1 - q + eps))
        if guard == "clip":
            q = np.clip(q, 1e-7, 1 - 1e-7)
            return -np.mean(Y * np.log(q) + (1 - Y) * np.log(1 - q))
        return -np.mean(Y * np.log(np.maximum(q, 1e-12)) + (1 - Y) * np.log(np.maximum(1 - q, 1e-12)))

    def grad(p):
        hs = forward(p)
        return backward(p, hs, (hs[-1] - Y) / len(Y))

    return loss, grad


def oracle(c: dict, params: dict, guarded: bool) -> dict:
    """Central differences of the loss in ``np.longdouble`` at ``params`` (a step of 1e-7 relative: its
    truncation ~1e-14 and its rounding ~1e-12 of the entry, far below the plants' 1e-2)."""
    wide = np.longdouble
    loss, _ = make(c, wide, guarded)
    P = {k: np.asarray(v).astype(wide) for k, v in params.items()}
    out = {}
    for name, w in P.items():
        g = np.zeros(w.shape, dtype=wide)
        for j in range(w.size):
            h = wide(1e-7) * max(wide(1), abs(w.flat[j]))
            for sign in (1, -1):
                moved = {**P, name: w.copy()}
                moved[name].flat[j] += sign * h
                g.flat[j] += sign * loss(moved) / (2 * h)
        out[name] = g.astype(np.float64)
    return out


def _planted(grad, name: str, j: int, factor: float):
    def planted(p):
        g = grad(p)
        g[name] = g[name].copy()
        g[name].flat[j] *= factor
        return g

    return planted


def _where(exact: dict, kind: str, which: str, depth: int, r) -> tuple[str, int]:
    """The tensor (a bias or a weight of a seeded layer) and the entry of a plant."""
    name = f"{kind}{int(r.integers(1, depth + 1))}"
    a = np.abs(exact[name]).reshape(-1)
    order = np.argsort(a, kind="stable")
    return name, int(order[-1] if which == "largest" else order[len(order) // 2])


def run(count: int, start: int = 0) -> list[dict]:
    from gradcheck import check_gradients

    rows = []
    for i in range(start, start + count):
        c = config(i)
        P = {k: v.astype(c["dtype"]) for k, v in c["P"].items()}
        loss, grad = make(c, c["dtype"])
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            exact = oracle(c, P, guarded=False)
            user = grad(P)
        top = max(float(np.max(np.abs(v))) for v in exact.values())
        miss = max(float(np.max(np.abs(user[k].astype(float) - exact[k]))) for k in exact) / top
        rec = {
            "i": i,
            "guard": c["guard"],
            "dtype": np.dtype(c["dtype"]).name,
            "params": sum(v.size for v in P.values()),
        }
        if not top > 0 or miss > (1e-4 if c["dtype"] == np.float32 else 1e-8):
            rows.append({**rec, "skip": f"user gradient off the oracle by {miss:.1g} of its largest"})
            continue
        r = np.random.default_rng(i)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rep = check_gradients(loss, grad, P, seed=0)
            rec["correct"], rec["evaluations"] = rep.status, rep.evaluations
            rec["plants"] = []
            for kind, which, factor in c["plants"]:
                name, j = _where(exact, kind, which, len(P) // 2, r)
                rel = abs(float(user[name].flat[j]) * (factor - 1)) / max(abs(exact[name].flat[j]), 1e-300)
                share = abs(exact[name].flat[j]) / float(np.max(np.abs(exact[name])))
                got = check_gradients(loss, _planted(grad, name, j, factor), P, seed=0)
                plant = {"tensor": name, "entry": j, "which": which, "factor": factor, "rel": rel, "share": share}
                rec["plants"].append({**plant, "verdict": got.status, "evaluations": got.evaluations})
        rows.append(rec)
    return rows


def summary(rows: list[dict]) -> str:
    """Verdicts of the correct gradients, and of the plants off by 1% or more of the oracle's entry."""
    checked = [r for r in rows if "correct" in r]
    lines = [
        "| dtype | configurations | correct: pass / kink / inconclusive / fail | plants >= 1e-2 | caught "
        "| inconclusive | passed | passed, entry >= 0.1 of its tensor's largest |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for dtype in ("float32", "float64"):
        rs = [r for r in checked if r["dtype"] == dtype]
        v = Counter(r["correct"] for r in rs)
        plants = [p for r in rs for p in r["plants"] if p["rel"] >= 0.0099]
        p = Counter(x["verdict"] for x in plants)
        passed = [x for x in plants if x["verdict"] in ("pass", "kink")]
        counts = " / ".join(str(v[k]) for k in ("pass", "kink", "inconclusive", "fail"))
        wide = sum(x["share"] >= 0.1 for x in passed)
        caught = f"{len(plants)} | {p['fail']} | {p['inconclusive']}"
        lines.append(f"| {dtype} | {len(rs)} | {counts} | {caught} | {len(passed)} | {wide} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    rows = command_line(run, summary, __doc__, 160, argv)
    plants = [(r["i"], p) for r in rows for p in r.get("plants", [])]
    missed = [
        (i, p["tensor"], p["entry"], p["factor"], round(p["share"], 3)) for i, p in plants if p["verdict"] == "pass"
    ]
    print("passed plants (configuration, tensor, entry, factor, share of its tensor's largest):", missed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
