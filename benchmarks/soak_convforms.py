"""Soak: ReLU nets at exactly-zero pre-activations (``benchmarks/convforms.py``) against a 50-digit oracle.

    nice python benchmarks/soak_convforms.py --count 400 --output /tmp/conv

Every configuration is correct code (its gradient equals the oracle's, with the
user's ``relu'(0) = 0``). ``convention`` configurations have entries whose exact
value lies outside their exact one-sided slopes (the convention composed over
two layers at units exactly 0): a ``fail`` there, as on any other correct
configuration, is a false fail. On every convention configuration one
convention entry is planted ``x2``, ``x1.01`` and ``x-1`` (sign flip), and the
whole gradient ``xN`` (a missing ``1/N``): each must fail.

Writes ``OUTPUT/convforms.json`` and prints the summary.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

if __name__ == "__main__":
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import convforms as cf  # noqa: E402

from gradcheck import check_gradients  # noqa: E402

PLANTS = (("x2", 2.0), ("x1.01", 1.01), ("sign", -1.0))


def _check(loss, grad, params, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return check_gradients(loss, grad, params, seed=seed, name_bugs=False)


def _share(truth: cf.Truth, name: str, j: int) -> float:
    """``|g_j|`` over the largest ``|g|`` of its tensor."""
    t = np.abs(truth.grad[name])
    return float(t.reshape(-1)[j] / t.max()) if t.max() > 0 else 0.0


def _pinned(rep, name, index) -> bool:
    """Did the check fail the planted entry's tensor at that entry?"""
    return any(t.name == name and t.status == "fail" and tuple(t.worst_index) == tuple(index) for t in rep.tensors)


def check_one(i: int) -> dict:
    form = cf.random_form(i)
    loss, grad, params = cf.build(form)
    truth = cf.oracle(form)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        kind = cf.classify(grad(params), truth)
    out = {"index": i, "label": form.label, "truth": kind, "cast": form.cast, "hidden": form.hidden}
    if kind == "wrong":
        return out
    rep = _check(loss, grad, params, i)
    out.update(status=rep.status, evaluations=rep.evaluations)
    if rep.status != "pass":
        out["notes"] = list(rep.notes)
    if kind != "convention":
        return out
    name, j = max(truth.convention, key=lambda e: _share(truth, *e))
    if _share(truth, name, j) < 0.1:
        return out  # (entries under a tenth of their tensor's largest are not every check's to resolve)
    index = np.unravel_index(j, params[name].shape)
    g = float(truth.grad[name].reshape(-1)[j])
    lo, hi = sorted(truth.sides[(name, j)])
    planted = []
    for label, factor in PLANTS:
        if g == 0.0:
            continue  # (a factor on a zero entry changes nothing)
        rep = _check(loss, cf.plant(grad, name, index, factor), params, i)
        # a planted value between the exact one-sided slopes is a valid subgradient, no bug: counted apart
        kind = label if not lo <= g * factor <= hi else f"{label} (inside the slopes)"
        planted.append({"kind": kind, "status": rep.status, "pinned": _pinned(rep, name, index)})
    planted.append({"kind": "missing 1/N", "status": _check(loss, cf.scaled(grad, form.batch), params, i).status})
    out["planted"] = [p for p in planted if not (p["kind"] == "missing 1/N" and form.batch == 1)]
    return out


def summarize(rows: list[dict]) -> dict:
    checked = [r for r in rows if r["truth"] != "wrong"]
    power = {}
    for r in rows:
        for p in r.get("planted", []):
            power.setdefault(p["kind"], Counter())[p["status"]] += 1
            power[p["kind"]]["pinned"] += bool(p.get("pinned"))
    by = Counter((r["truth"], "float()" if r["cast"] else "complex-safe", r["status"]) for r in checked)
    return {
        "configurations": len(rows),
        "truth": dict(Counter(r["truth"] for r in rows)),
        "verdicts": {" ".join(k): v for k, v in sorted(by.items())},
        "false_fails": [(r["index"], r["label"]) for r in checked if r["status"] == "fail"],
        "power": {k: dict(v) for k, v in power.items()},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--output", type=Path, default=Path("."))
    args = ap.parse_args()
    if args.output.exists() and not args.output.is_dir():
        ap.error(f"--output {args.output} is a file; give a folder")
    args.output.mkdir(parents=True, exist_ok=True)
    t0, rows = time.perf_counter(), []
    for i in range(args.start, args.start + args.count):
        rows.append(check_one(i))
        if rows[-1].get("status") == "fail":
            print("FALSE FAIL", i, rows[-1]["label"], file=sys.stderr, flush=True)
    s = summarize(rows)
    s["seconds"] = round(time.perf_counter() - t0)
    (args.output / "convforms.json").write_text(json.dumps({"summary": s, "rows": rows}, indent=1, default=str))
    print(json.dumps(s, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
