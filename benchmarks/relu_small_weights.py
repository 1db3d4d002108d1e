"""ReLU nets at small weights, written as users write them: false fails on correct ones, misses on planted bugs.

    python benchmarks/relu_small_weights.py --configs 60 [--bug w1x1.01|bias_mean|no_mask|sign_out]

Each configuration is a pure function of its index: 1-3 hidden ReLU layers (``np.maximum``, ``(z > 0)`` in the
backward) of width 2-39, a sigmoid output, BCE through ``np.clip`` and ``float()``, batch 8-255, weights and
biases drawn at a scale of 1e-4 to 1e-1 (hundreds of units within a step of their kink). The analytic gradient
is the textbook one, exact wherever no pre-activation is exactly zero; ``tests/test_kinks_bulk.py`` confirms one
such net against a 50-digit mpmath oracle. Prints one line per configuration not judged as it should be (a
correct net failed, a planted bug not failed) and the count; results in ``reports/reliability-relu-small.md``.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from gradcheck import check_gradients

BUGS = ("w1x1.01", "bias_mean", "no_mask", "sign_out")


def configuration(index: int) -> tuple[float, list[int], int]:
    """``(weight scale, widths, batch)`` of configuration ``index``."""
    rng = np.random.default_rng(1000 + index)
    scale = 10 ** rng.uniform(-4, -1)
    depth = int(rng.integers(1, 4))
    widths = [int(rng.integers(2, 10))] + [int(rng.integers(2, 40)) for _ in range(depth)] + [int(rng.integers(1, 4))]
    return scale, widths, int(rng.integers(8, 256))


def user_net(seed: int, scale: float, widths: list[int], n: int, bug: str | None = None):
    """``(loss, grad, params)`` of a ReLU MLP with a sigmoid output and clipped BCE, ``bug`` planted in ``grad``."""
    rng = np.random.default_rng(seed)
    params = {}
    for i, (a, b) in enumerate(zip(widths[:-1], widths[1:]), 1):
        params[f"W{i}"] = rng.normal(size=(a, b)) * scale
        params[f"b{i}"] = rng.normal(size=b) * scale
    X = rng.normal(size=(n, widths[0]))
    Y = (rng.random((n, widths[-1])) < 0.5).astype(float)
    depth = len(widths) - 1

    def forward(p):
        h, hs, zs = X, [X], []
        for i in range(1, depth + 1):
            z = h @ p[f"W{i}"] + p[f"b{i}"]
            zs.append(z)
            h = np.maximum(z, 0) if i < depth else 1 / (1 + np.exp(-z))
            hs.append(h)
        return zs, hs

    def loss(p):
        prob = np.clip(forward(p)[1][-1], 1e-12, 1 - 1e-12)
        return float(-np.mean(Y * np.log(prob) + (1 - Y) * np.log(1 - prob)))

    def grad(p):
        zs, hs = forward(p)
        g, d = {}, (hs[-1] - Y) / Y.size
        for i in range(depth, 0, -1):
            g[f"W{i}"], g[f"b{i}"] = hs[i - 1].T @ d, d.sum(0)
            if bug == "w1x1.01" and i == 1:
                g["W1"] = g["W1"] * 1.01
            if bug == "bias_mean" and i == 1:
                g["b1"] = d.mean(0)
            if bug == "sign_out" and i == depth:
                g[f"b{i}"] = -g[f"b{i}"]
            if i > 1:
                d = d @ p[f"W{i}"].T
                if not (bug == "no_mask" and i == 2):
                    d = d * (zs[i - 2] > 0)
        return g

    return loss, grad, params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", type=int, default=60, help="configurations to run (default 60)")
    parser.add_argument("--bug", choices=BUGS, default=None, help="plant this bug (default: correct nets)")
    args = parser.parse_args()
    wrong = total = 0
    for index in range(args.configs):
        scale, widths, n = configuration(index)
        if args.bug == "no_mask" and len(widths) < 4:
            continue  # the mask dropped is the second hidden layer's
        loss, grad, params = user_net(index, scale, widths, n, args.bug)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = check_gradients(loss, grad, params)
        total += 1
        if (report.status == "fail") != (args.bug is not None):
            wrong += 1
            print(index, f"{scale:.1e}", widths, n, report.status)
    what = "not failed" if args.bug else "failed"
    print(f"{what}: {wrong} of {total} ({args.bug or 'correct'})")


if __name__ == "__main__":
    main()
