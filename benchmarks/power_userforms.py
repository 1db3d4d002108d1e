"""Detection power on user-form nets: one entry off by 1e-2 relative, float32 and float64.

    nice python benchmarks/power_userforms.py --dtype float32 --count 150 --start 20000

Walks ``userforms.random_form(i)`` from ``--start`` and takes the first
``--count`` configurations of ``--dtype`` that are correct by construction (the
oracle says the user's gradient is the loss's derivative) with a finite loss.
In each, two plants, each checked in ``auto`` mode as a user would: a typical
entry (drawn among entries at least a tenth of their tensor's largest, as the
soak does) and the gradient's largest entry, each multiplied by ``1 + delta``.
With ``--per-tensor``, one plant per tensor instead, at that tensor's largest
entry (a tensor of uniformly small entries, beside a large gradient elsewhere,
is where a screen's tolerance set by the whole direction hides one).
Reports how many were caught (``fail``), pinned to the entry, left
``inconclusive``, or passed, with every pass listed. Ground truth comes from
the oracle (mpmath or ``np.longdouble``), never from this project's code.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

if __name__ == "__main__":
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import soak_userforms as soak  # noqa: E402
import userforms as uf  # noqa: E402

from gradcheck import check_gradients  # noqa: E402


def _largest(truth: dict):
    name = max(truth, key=lambda n: float(np.max(np.abs(truth[n]), initial=0.0)))
    return name, tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(truth[name]))), truth[name].shape))


def _per_tensor(truth: dict) -> list[tuple[str, tuple[str, tuple[int, ...]]]]:
    out = []
    for name, g in truth.items():
        g = np.asarray(g, float)
        if g.size and float(np.max(np.abs(g))) > 0:
            out.append(
                (
                    f"largest of {name}",
                    (name, tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(g))), g.shape))),
                )
            )
    return out


def plants(i: int, dtype: str, delta: float, max_params: int, per_tensor: bool = False) -> list[dict] | None:
    """The two plants of configuration ``i`` (None: not of ``dtype``, or not correct by construction)."""
    form = uf.random_form(i)
    if form.dtype != dtype or form.n_params > max_params:
        return None
    truth = uf.oracle(form)
    loss, grad, params = uf.build(form)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if not uf.correct_by_construction(form, truth) or not np.isfinite(float(loss(params))):
            return None
    typical = soak.pick_entry(truth.grad, np.random.default_rng(i))
    if typical is None:
        return None
    rows = []
    where_to = _per_tensor(truth.grad) if per_tensor else (("typical", typical), ("largest", _largest(truth.grad)))
    for where, (name, index) in where_to:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            rep = check_gradients(loss, uf.plant(grad, name, index, delta), params, seed=i, name_bugs=False)
        pinned = any(t.name == name and t.status == "fail" and t.worst_index == index for t in rep.tensors)
        rows.append(
            {
                "index": i,
                "label": form.label,
                "where": where,
                "tensor": name,
                "entry": list(index),
                "status": rep.status,
                "pinned": pinned,
                "evaluations": rep.evaluations,
            }
        )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    ap.add_argument("--count", type=int, default=150)
    ap.add_argument("--start", type=int, default=20_000)
    ap.add_argument("--delta", type=float, default=1e-2)
    ap.add_argument("--max-params", type=int, default=20_000)
    ap.add_argument("--per-tensor", action="store_true", help="plant at each tensor's largest entry")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    rows, i, forms = [], args.start, 0
    while forms < args.count:
        got = plants(i, args.dtype, args.delta, args.max_params, args.per_tensor)
        i += 1
        if got:
            forms += 1
            rows += got
    for where in ("per tensor",) if args.per_tensor else ("typical", "largest"):
        mine = [r for r in rows if r["where"] == where or (args.per_tensor and r["where"].startswith("largest of"))]
        count = {s: sum(r["status"] == s for r in mine) for s in ("fail", "inconclusive", "kink", "pass")}
        pinned = sum(r["pinned"] for r in mine)
        print(
            f"{args.dtype} {where} entry x(1+{args.delta:g}): {len(mine)} planted, {count['fail']} caught "
            f"({pinned} pinned), {count['inconclusive']} inconclusive, {count['kink']} kink, {count['pass']} passed"
        )
    for r in rows:
        if r["status"] != "fail":
            print("  not caught:", r["index"], r["label"], r["where"], r["tensor"], r["entry"], r["status"])
    print(f"configurations {args.start}..{i - 1}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
