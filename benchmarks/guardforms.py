"""Guards in a loss (an epsilon inside a log, a clip of p away from 0 and 1) with the textbook backward.

People write ``-np.mean(y * np.log(p + 1e-8) + ...)``, ``np.clip(p, 1e-7, 1 - 1e-7)`` or
``np.maximum(p, 1e-12)`` to keep a log finite, and differentiate the loss without the guard:
``(p - y) / N`` through a sigmoid or softmax. That backward misses the loss as written by
``eps / p`` relative, or by a saturated sample's whole share where a clip holds it.
Nothing here imports ``gradcheck``'s checking code to build a case; the oracle is the
textbook gradient evaluated in mpmath (50 digits): the exact derivative of the loss without
its guard, a second formula independent of the user's float arithmetic. A case is correct
code when the user's gradient agrees with it to the rounding of its dtype.

``python benchmarks/guardforms.py --count 200`` runs each case through ``check_gradients``
(``auto``) and a plant (one entry of the last weight, fixed in advance, times 1.01 in
float64 and 1.05 in float32) and prints the verdicts by form; ``--output FILE`` writes JSON.
"""

from __future__ import annotations

import argparse
import json
import warnings
from collections import Counter

import mpmath as mp
import numpy as np

HEADS = ("log_eps", "log_eps_var", "clip_1e7", "clip_1e15", "maximum", "softmax_log_eps", "softmax_clip")
#: mpmath digits of the oracle.
DIGITS = 50


def config(i: int) -> dict:
    r = np.random.default_rng(7000 + i)
    head = HEADS[i % len(HEADS)]
    dtype = np.float32 if r.random() < 0.35 else np.float64
    k = int(r.integers(2, 4)) if head.startswith("softmax") else 1
    widths = [int(r.integers(2, 5))] + [int(r.integers(2, 6)) for _ in range(int(r.integers(1, 3)))] + [k]
    n = int(r.choice([2, 4, 8, 16]))
    scale = float(10 ** r.uniform(-0.3, 0.9))  # up to ~8: some outputs saturate
    X = r.standard_normal((n, widths[0]))
    Y = np.eye(k)[r.integers(0, k, n)] if k > 1 else (r.random((n, 1)) > 0.5).astype(float)
    P = {}
    for layer, (a, b) in enumerate(zip(widths, widths[1:]), 1):
        P[f"W{layer}"] = r.standard_normal((a, b)) * scale / np.sqrt(a)
        P[f"b{layer}"] = r.standard_normal(b) * 0.1
    cast = {k_: v.astype(dtype) for k_, v in P.items()}
    return {"i": i, "head": head, "dtype": dtype, "X": X.astype(dtype), "Y": Y.astype(dtype), "P": cast}


def make(c: dict):
    """(loss, grad) as a user writes them."""
    X, Y, head = c["X"], c["Y"], c["head"]
    depth = len(c["P"]) // 2
    eps = 1e-8

    def forward(p):
        hs = [X]
        for layer in range(1, depth + 1):
            z = hs[-1] @ p[f"W{layer}"] + p[f"b{layer}"]
            hs.append(np.tanh(z) if layer < depth else z)
        return hs

    def probs(z):
        if head.startswith("softmax"):
            e = np.exp(z - z.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        return 1 / (1 + np.exp(-z))

    def loss(p):
        pr = probs(forward(p)[-1])
        if head == "log_eps":
            return -np.mean(Y * np.log(pr + 1e-8) + (1 - Y) * np.log(1 - pr + 1e-8))
        if head == "log_eps_var":
            return float(-np.mean(Y * np.log(pr + eps) + (1 - Y) * np.log(1 - pr + eps)))
        if head in ("clip_1e7", "clip_1e15"):
            lo = 1e-7 if head == "clip_1e7" else 1e-15
            pr = np.clip(pr, lo, 1 - lo)
            return -np.mean(Y * np.log(pr) + (1 - Y) * np.log(1 - pr))
        if head == "maximum":
            return -np.mean(Y * np.log(np.maximum(pr, 1e-12)) + (1 - Y) * np.log(np.maximum(1 - pr, 1e-12)))
        if head == "softmax_log_eps":
            return -np.sum(Y * np.log(pr + 1e-9)) / len(Y)
        return -np.sum(Y * np.log(np.clip(pr, 1e-7, 1.0))) / len(Y)  # softmax_clip

    def grad(p):
        hs = forward(p)
        return backward(p, hs, (probs(hs[-1]) - Y) / len(Y))

    return loss, grad


def backward(p: dict, hs: list, d) -> dict:
    """The textbook backward of a tanh net from its output delta ``d`` (``hs``: the input and each layer's output)."""
    g = {}
    for layer in range(len(hs) - 1, 0, -1):
        g[f"W{layer}"] = hs[layer - 1].T @ d
        g[f"b{layer}"] = d.sum(axis=0)
        if layer > 1:
            d = (d @ p[f"W{layer}"].T) * (1 - hs[layer - 1] ** 2)
    return g


def oracle(c: dict) -> dict:
    """The textbook gradient in mpmath: the exact derivative of the loss without its guard."""
    mp.mp.dps = DIGITS
    to = lambda a: mp.matrix([[mp.mpf(float(v)) for v in row] for row in np.atleast_2d(a)])  # noqa: E731
    depth = len(c["P"]) // 2
    X, Y = to(c["X"]), to(c["Y"])
    W = {k: to(v) if v.ndim == 2 else to(v.reshape(1, -1)) for k, v in c["P"].items()}
    hs = [X]
    for layer in range(1, depth + 1):
        z = hs[-1] * W[f"W{layer}"]
        z = mp.matrix([[z[i, j] + W[f"b{layer}"][0, j] for j in range(z.cols)] for i in range(z.rows)])
        hs.append(z.apply(mp.tanh) if layer < depth else z)
    z, n, k = hs[-1], hs[-1].rows, hs[-1].cols
    if k > 1:
        rows = [[mp.e ** z[i, j] for j in range(k)] for i in range(n)]
        pr = mp.matrix([[v / sum(row) for v in row] for row in rows])
    else:
        pr = z.apply(lambda v: 1 / (1 + mp.e ** (-v)))
    d = mp.matrix([[(pr[i, j] - Y[i, j]) / n for j in range(k)] for i in range(n)])
    g = {}
    for layer in range(depth, 0, -1):
        g[f"W{layer}"] = hs[layer - 1].T * d
        g[f"b{layer}"] = mp.matrix([[sum(d[i, j] for i in range(d.rows)) for j in range(d.cols)]])
        if layer > 1:
            back = d * W[f"W{layer}"].T
            h = hs[layer - 1]
            d = mp.matrix([[back[i, j] * (1 - h[i, j] ** 2) for j in range(h.cols)] for i in range(h.rows)])
    return {k_: np.array(g[k_].tolist(), dtype=float).reshape(c["P"][k_].shape) for k_ in c["P"]}


def run(count: int, start: int = 0) -> list[dict]:
    from gradcheck import check_gradients

    out = []
    for i in range(start, start + count):
        c = config(i)
        loss, grad = make(c)
        exact, user = oracle(c), grad(c["P"])
        top = max(float(np.max(np.abs(v))) for v in exact.values())
        miss = max(float(np.max(np.abs(user[k].astype(float) - exact[k]))) for k in exact) / top
        tol = 1e-3 if c["dtype"] == np.float32 else 1e-9
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            finite = bool(np.isfinite(float(loss(c["P"]))))
        rec = {"i": i, "head": c["head"], "dtype": np.dtype(c["dtype"]).name, "code_miss": miss}
        if miss > tol or not finite:
            out.append({**rec, "skip": "not finite" if not finite else "float rounding beyond the dtype's"})
            continue
        last = f"W{len(c['P']) // 2}"
        where = np.unravel_index(np.argmax(np.abs(exact[last])), exact[last].shape)
        factor = 1.01 if c["dtype"] == np.float64 else 1.05

        def planted(p, grad=grad, last=last, where=where, factor=factor):
            g = grad(p)
            g[last] = g[last].copy()
            g[last][where] *= factor
            return g

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rec["verdict"] = check_gradients(loss, grad, c["P"], seed=0).status
            rec["plant"] = check_gradients(loss, planted, c["P"], seed=0).status
        out.append(rec)
    return out


def summary(rows: list[dict]) -> str:
    head = "| form | dtype | checked | pass | kink | inconclusive | fail | plants caught |"
    lines = [head, "|---|---|---:|---:|---:|---:|---:|---:|"]
    groups = Counter((r["head"], r["dtype"]) for r in rows if "verdict" in r)
    for form, dtype in sorted(groups):
        rs = [r for r in rows if r["head"] == form and r["dtype"] == dtype and "verdict" in r]
        v = Counter(r["verdict"] for r in rs)
        caught = sum(r["plant"] == "fail" for r in rs)
        counts = " | ".join(str(v[k]) for k in ("pass", "kink", "inconclusive", "fail"))
        lines.append(f"| {form} | {dtype} | {len(rs)} | {counts} | {caught}/{len(rs)} |")
    return "\n".join(lines)


def command_line(run, summary, doc: str, count: int, argv=None) -> list[dict]:
    """``--count``, ``--start``, ``--output``: the cases run, their summary and skips printed, JSON written."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--count", type=int, default=count)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--output", help="write every case's verdicts as JSON here")
    args = ap.parse_args(argv)
    rows = run(args.count, args.start)
    print(summary(rows))
    print("skipped:", dict(Counter(r["skip"] for r in rows if "skip" in r)))
    if args.output:
        with open(args.output, "w") as f:
            json.dump(rows, f, indent=1)
    return rows


def main(argv=None) -> int:
    command_line(run, summary, __doc__, 210, argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
