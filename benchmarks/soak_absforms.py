"""Soak: losses built on np.abs / np.where / np.sign / norms / casts (``benchmarks/absforms.py``) against mpmath.

    nice python benchmarks/soak_absforms.py --count 300 --output /tmp/absforms

Every configuration is correct code (its gradient equals the 50-digit exact one
to the dtype's rounding). Each is checked by ``check_gradients`` in ``auto``
mode, as a user calls it. A ``fail`` on a configuration whose kinks are out of
reach of a finite-difference step (``clear``) is a false fail; ``near`` ones are
counted apart. Every ``--plant-every``-th clear configuration also gets planted
bugs: one entry (at least a tenth of its tensor's largest) x1.01, x2 and
sign-flipped, and every entry x N (a missing 1/N); each should fail.

Writes ``OUTPUT/absforms.json`` and ``OUTPUT/reliability-absforms-run.md``;
``--compare BEFORE.json AFTER.json`` prints what changed between two runs of one draw.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path

if __name__ == "__main__":
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import absforms as af  # noqa: E402
from soak_kinkforms import _pinned  # noqa: E402  (the planted entry failed and named as the worst)

from gradcheck import check_gradients  # noqa: E402

#: A finite-difference step relative to max(1, |t|): ten times eps**(1/3) of the dtype (widened screens included).
REL_STEP = {
    "float64": 10 * float(np.finfo(np.float64).eps) ** (1 / 3),
    "float32": float(np.finfo(np.float32).eps) ** (1 / 3),
}


def _check(loss, grad, params, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return check_gradients(loss, grad, params, seed=seed, name_bugs=False)


def _big_entry(truth: dict, rng):
    pool = []
    for name, t in truth.items():
        flat = np.abs(t.reshape(-1))
        top = float(flat.max(initial=0.0))
        if top > 0:
            pool += [(name, int(j)) for j in np.flatnonzero(flat >= 0.1 * top)]
    return pool[int(rng.integers(len(pool)))] if pool else None


def plants(form, loss, grad, params, truth, i) -> list[dict]:
    rng = np.random.default_rng(i)
    rows = []
    top = max(float(np.max(np.abs(t), initial=0.0)) for t in truth.values())
    if top == 0.0:  # a hinge with every margin met: the gradient is 0, and no factor changes it
        return rows
    where = _big_entry(truth, rng)
    if where is not None:
        name, j = where
        index = np.unravel_index(j, params[name].shape)
        size = abs(float(truth[name].reshape(-1)[j])) / top  # the entry, relative to the gradient's largest
        for kind, factor in (("x1.01", 1.01), ("x2", 2.0), ("sign", -1.0)):
            rep = _check(loss, af.plant(grad, name, index, factor=factor), params, i)
            rows.append({"kind": kind, "status": rep.status, "pinned": _pinned(rep, name, index), "size": size})
    n = form.batch if form.loss == "norm_sq" else form.batch * form.sizes[-1]
    if n > 1 and form.loss != "rms":
        rep = _check(loss, af.plant(grad, whole=float(n)), params, i)
        rows.append({"kind": "missing 1/N", "status": rep.status, "pinned": rep.status == "fail"})
    return rows


def check_one(i: int, plant_every: int, small: bool = False) -> dict:
    form = af.random_form(i)
    if small:  # the weights where real differences cannot resolve the deep layers' entries
        form = dataclasses.replace(form, scale=float(10 ** np.random.default_rng(i).uniform(-3, -1)))
    loss, grad, params = af.build(form)
    _, X, Y = af.data(form)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not np.isfinite(loss(params)):  # log(cosh(r)) overflows at large weights: not a checker's problem
            return {"index": i, "label": form.label, "truth": "overflow", "correct": False, "status": "-"}
    truth = af.oracle(form)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ok = af.correct(form, grad(params), truth)
        reach = af.kink_reach(form, params, X, Y, REL_STEP[form.dtype])
    out = {"index": i, "label": form.label, "key": form.key, "loss": form.loss, "dtype": form.dtype}
    out.update(truth="clear" if reach > 1 else "near", correct=ok, reach=reach, scale=form.scale)
    t0 = time.perf_counter()
    rep = _check(loss, grad, params, i)
    out.update(status=rep.status, evaluations=rep.evaluations, seconds=time.perf_counter() - t0)
    if rep.status != "pass":
        out["notes"] = list(rep.notes)
        out["tensors"] = {t.name: t.status for t in rep.tensors if t.status != "pass"}
    if ok and out["truth"] == "clear" and i % plant_every == 0:
        out["planted"] = plants(form, loss, grad, params, truth, i)
    return out


def summarize(rows: list[dict]) -> dict:
    good = [r for r in rows if r["correct"]]
    by_form = defaultdict(Counter)
    for r in good:
        by_form[f"{r['loss']} {r['truth']}"][r["status"]] += 1
    power = defaultdict(Counter)
    for r in rows:
        for p in r.get("planted", []):
            power[p["kind"]]["planted"] += 1
            power[p["kind"]][p["status"]] += 1
            power[p["kind"]]["pinned"] += p["pinned"]
    return {
        "configurations": len(rows),
        "incorrect_by_oracle": [r["label"] for r in rows if not r["correct"] and r["truth"] != "overflow"],
        "rounded": dict(Counter(r["status"] for r in rows if not r["correct"] and r["truth"] != "overflow")),
        "overflow": sum(r["truth"] == "overflow" for r in rows),
        "clear": dict(Counter(r["status"] for r in good if r["truth"] == "clear")),
        "near": dict(Counter(r["status"] for r in good if r["truth"] == "near")),
        "false_fails_clear": [r["label"] for r in good if r["truth"] == "clear" and r["status"] == "fail"],
        "fails_near": [r["label"] for r in good if r["truth"] == "near" and r["status"] == "fail"],
        "by_form": {k: dict(v) for k, v in sorted(by_form.items())},
        "power": {k: dict(v) for k, v in power.items()},
    }


def render(s: dict, seconds: float, commit: str) -> str:
    verdicts = ("pass", "kink", "inconclusive", "fail")
    lines = [
        f"`python benchmarks/soak_absforms.py{' --small' if s.get('small') else ''}`, {s['configurations']} "
        f"configurations on {commit}, {seconds:.0f} s.",
        "",
        f"- clear of kinks: {s['clear']}; **false fails: {len(s['false_fails_clear'])}**",
        f"- a kink within a step: {s['near']}",
        f"- off the oracle by more than 1e-8 (float32: 1e-3) of a tensor's largest entry, from the float rounding"
        f" of cancelling sums (a hinge's last bias summing as many +1 as -1 labels), counted apart: {s['rounded']}",
        f"- off the oracle (as above): {len(s['incorrect_by_oracle'])}; "
        f"loss overflows (log cosh at large weights, excluded): {s['overflow']}",
        "",
        "| form (loss, kinks) | " + " | ".join(verdicts) + " |",
        "|---|" + "---:|" * len(verdicts),
    ]
    for k, v in s["by_form"].items():
        lines.append(f"| {k} | " + " | ".join(str(v.get(x, 0)) for x in verdicts) + " |")
    lines += ["", "| planted | count | fail | pinned | pass | inconclusive | kink |", "|---|" + "---:|" * 6]
    for k, v in s["power"].items():
        cells = [v.get(x, 0) for x in ("planted", "fail", "pinned", "pass", "inconclusive", "kink")]
        lines.append(f"| {k} | " + " | ".join(map(str, cells)) + " |")
    return "\n".join(lines) + "\n"


def compare(before: list[dict], after: list[dict]) -> str:
    """Markdown: the verdicts of the same draw on two trees, and every configuration or plant that changed."""
    then = {r["index"]: r for r in before}
    lines = ["| configuration | oracle | before | after |", "|---|---|---|---|"]
    for r in after:
        o = then.get(r["index"])
        if o is None:
            continue
        r = {**r, "label": r["label"].replace("|", "\\|")}  # (a table cell)
        if o["status"] != r["status"]:
            lines.append(f"| {r['index']} {r['label']} | {r['truth']} | {o['status']} | {r['status']} |")
        for p, q in zip(o.get("planted", []), r.get("planted", [])):
            if (p["status"], p["pinned"]) != (q["status"], q["pinned"]):
                was, now = (f"{x['status']}{' (pinned)' if x['pinned'] else ''}" for x in (p, q))
                lines.append(f"| {r['index']} {r['label']}, planted {p['kind']} | {r['truth']} | {was} | {now} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--plant-every", type=int, default=2)
    ap.add_argument("--output", type=Path, default=ROOT / "reports")
    ap.add_argument("--commit", default="this tree")
    ap.add_argument("--small", action="store_true", help="weights scaled 1e-3 to 1e-1 only")
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"), help="two absforms.json files")
    args = ap.parse_args()
    if args.compare:
        before, after = (json.loads(p.read_text())["rows"] for p in args.compare)
        print(compare(before, after), end="")
        return 0
    if args.output.exists() and not args.output.is_dir():
        ap.error(f"--output {args.output} is a file; give a folder")
    args.output.mkdir(parents=True, exist_ok=True)
    t0, rows = time.perf_counter(), []
    for i in range(args.start, args.start + args.count):
        rows.append(check_one(i, args.plant_every, args.small))
        r = rows[-1]
        if r["correct"] and r["status"] == "fail":
            print("FAIL", r["truth"], i, r["label"], file=sys.stderr, flush=True)
    s = summarize(rows)
    s["small"] = args.small
    (args.output / "absforms.json").write_text(json.dumps({"summary": s, "rows": rows}, indent=1, default=str))
    (args.output / "reliability-absforms-run.md").write_text(render(s, time.perf_counter() - t0, args.commit))
    print(json.dumps({k: s[k] for k in ("clear", "near", "false_fails_clear", "power")}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
