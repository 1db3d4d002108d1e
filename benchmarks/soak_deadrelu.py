"""Zero-bias ReLU nets with dead samples (user forms of ``benchmarks/userforms.py``, biases set to 0).

    nice python benchmarks/soak_deadrelu.py --count 100

A first hidden layer of 1 to 3 units, 2 or 3 ReLU layers, batch 64 to 256,
weights 3e-3 to 3, softmax CE, MSE or ``log(p + 1e-8)`` BCE, ``float()`` cast
or not: samples whose first layer is all dead put the next layer's units at
exactly 0, and units of live samples sit a hair from theirs. The user's gradient
(``relu'(0) = 0``) is confirmed against the oracle of ``userforms`` (mpmath or
``np.longdouble``); it is then the left slope at every such tie, a valid
subgradient, so any ``fail`` is a false fail. Prints the verdicts.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import userforms as uf  # noqa: E402

from gradcheck import check_gradients  # noqa: E402


def form(i: int) -> uf.Form:
    """Configuration ``i`` (deterministic)."""
    rng = np.random.default_rng(i)
    first, depth = int(rng.integers(1, 4)), int(rng.integers(2, 4))
    sizes = (
        int(rng.integers(2, 10)),
        first,
        *(int(rng.integers(2, 12)) for _ in range(depth - 1)),
        int(rng.integers(2, 5)),
    )
    head = str(rng.choice(["softmax_ce", "mse", "bce_eps"]))
    cast, batch, scale = bool(rng.random() < 0.5), int(rng.choice([64, 128, 256])), float(10 ** rng.uniform(-2.5, 0.5))
    return uf.Form(sizes, ("relu",) * depth, head, cast, "float64", batch, scale, 0.0, 50_000 + i)


def verdict(i: int) -> tuple[str, str]:
    """``(status, label)`` of configuration ``i`` (``wrong``: the generator's gradient is not the oracle's)."""
    f = form(i)
    loss, grad, params = uf.build(f)
    params = {k: (np.zeros_like(v) if k.startswith("b") else v) for k, v in params.items()}
    truth = uf.oracle(f, params).grad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        g = grad(params)
        top = max(float(np.max(np.abs(t))) for t in truth.values())
        if max(float(np.max(np.abs(g[k] - truth[k]))) for k in g) > 1e-8 * top:
            return "wrong", f.label
        if not np.isfinite(float(loss(params))):
            return "not finite", f.label
        return check_gradients(loss, grad, params, seed=i, name_bugs=False).status, f.label


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--start", type=int, default=0)
    args = ap.parse_args()
    seen = Counter()
    for i in range(args.start, args.start + args.count):
        status, label = verdict(i)
        seen[status] += 1
        if status == "fail":
            print("FALSE FAIL", i, label, flush=True)
    print(dict(seen))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
