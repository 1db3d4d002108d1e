"""Soak: losses returned through a float32 cast (``benchmarks/castforms.py``) against an np.longdouble oracle.

    nice python benchmarks/soak_castforms.py --count 330 --output /tmp/castforms

Each configuration is checked by ``check_gradients(loss, grad, params)`` with
defaults, as a user calls it. A configuration is correct where its hand-written
gradient is the oracle's to 1e-8 of its largest entry (float32 parameters: 1e-5,
their own rounding); a ``fail`` there is a false fail. ``kinked`` ones (a kink
within the oracle's step) and the ones off the oracle are counted apart. Every
correct configuration also gets planted bugs: its largest entry x1.01, the
median entry of its largest tensor x1.001, the whole gradient x N (a missing
1/N, N > 1), and a bias's sign flipped; a plant that passes is missed.

Writes ``OUTPUT/castforms.json``; ``--compare BEFORE.json AFTER.json`` prints both
runs' summaries side by side (each a JSON file or a folder of shards) and every configuration whose
verdict changed.
"""

from __future__ import annotations

import argparse
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

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

import castforms as cf  # noqa: E402

from gradcheck import check_gradients  # noqa: E402

#: A correct gradient is the oracle's to this fraction of its largest entry (float32 parameters: their rounding).
CORRECT = {"float64": 1e-8, "mixed": 1e-5}


def _check(loss, grad, params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return check_gradients(loss, grad, params, name_bugs=False)


def _planted(grad, name=None, index=None, factor=1.0, whole=1.0):
    def planted(p):
        g = {k: np.array(v) * whole for k, v in grad(p).items()}
        if name is not None:
            g[name].reshape(-1)[index] *= factor
        return g

    return planted


def _plants(net: cf.Net, truth: dict) -> list[tuple[str, object, tuple | None]]:
    """(kind, planted grad, (tensor, flat index) or None) for the four plants that change this gradient."""
    out = []
    flat = {k: np.abs(v.reshape(-1)) for k, v in truth.items()}
    name = max(flat, key=lambda k: float(flat[k].max(initial=0.0)))
    j = int(np.argmax(flat[name]))
    if flat[name][j] > 0:
        out.append(("largest x1.01", _planted(net.grad, name, j, 1.01), (name, j)))
    big = max(flat, key=lambda k: (flat[k].size, k.startswith("W")))
    nonzero = np.flatnonzero(flat[big] > 0)
    if nonzero.size:
        order = nonzero[np.argsort(flat[big][nonzero])]
        j = int(order[order.size // 2])
        out.append(("median x1.001", _planted(net.grad, big, j, 1.001), (big, j)))
    if net.cfg.batch > 1:
        out.append(("missing 1/N", _planted(net.grad, whole=float(net.cfg.batch)), None))
    bias = next((b for b in ("b1", f"b{len(net.cfg.sizes) - 1}") if np.any(flat[b] > 0)), None)
    if bias is not None:
        out.append((f"sign of {bias}", _planted(net.grad, bias, slice(None), -1.0), (bias, None)))
    return out


def check_one(cfg: cf.Config, plant: bool = True) -> dict:
    net = cf.Net(cfg)
    loss = cf.user_loss(net)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        truth, kinked = cf.oracle(net)
        g = net.grad(net.params)
    largest = max(float(np.max(np.abs(t), initial=0.0)) for t in truth.values())
    off = max(float(np.max(np.abs(g[k] - truth[k]), initial=0.0)) for k in truth) / max(largest, 1e-300)
    row = {"index": cfg.index, "label": cfg.label, "loss": cfg.loss, "act": cfg.act, "cast": cfg.cast}
    row.update(dtype=cfg.dtype, kinked=kinked, off=off, correct=bool(off <= CORRECT[cfg.dtype] and not kinked))
    t0 = time.perf_counter()
    rep = _check(loss, net.grad, net.params)
    row.update(status=rep.status, evaluations=rep.evaluations, seconds=time.perf_counter() - t0)
    if rep.status != "pass":
        row["notes"] = list(rep.notes)
        row["tensors"] = {t.name: t.status for t in rep.tensors if t.status != "pass"}
    if plant and row["correct"] and largest > 0:
        row["planted"] = []
        for kind, grad, where in _plants(net, truth):
            rep = _check(loss, grad, net.params)
            pinned = rep.status == "fail" and (where is None or rep.tensor(where[0]).status == "fail")
            row["planted"].append({"kind": kind.split(" of ")[0], "status": rep.status, "pinned": pinned})
    return row


def summarize(rows: list[dict]) -> dict:
    good = [r for r in rows if r["correct"]]
    by = defaultdict(Counter)
    for r in good:
        for key in (f"loss {r['loss']}", f"cast {r['cast']}", f"dtype {r['dtype']}"):
            by[key][r["status"]] += 1
    power = defaultdict(Counter)
    for r in good:
        for p in r.get("planted", []):
            power[p["kind"]]["planted"] += 1
            power[p["kind"]][p["status"]] += 1
    return {
        "configurations": len(rows),
        "correct": dict(Counter(r["status"] for r in good)),
        "false_fails": [r["label"] for r in good if r["status"] == "fail"],
        "kinked": dict(Counter(r["status"] for r in rows if r["kinked"])),
        "off_oracle": dict(Counter(r["status"] for r in rows if not r["kinked"] and not r["correct"])),
        "missed": [f"{r['label']}: {p['kind']}" for r in good for p in r.get("planted", []) if p["status"] == "pass"],
        "by": {k: dict(v) for k, v in sorted(by.items())},
        "power": {k: dict(v) for k, v in power.items()},
        "evaluations": sorted(r["evaluations"] for r in good),
    }


def render(before: dict, after: dict) -> str:
    """Markdown: the two runs' verdicts on correct nets by form, and on plants."""
    verdicts = ("pass", "kink", "inconclusive", "fail")

    def cells(v):
        return " / ".join(str(v.get(x, 0)) for x in verdicts)

    lines = [f"| correct nets ({' / '.join(verdicts)}) | before | after |", "|---|---|---|"]
    lines.append(f"| all | {cells(before['correct'])} | {cells(after['correct'])} |")
    for k in after["by"]:
        lines.append(f"| {k} | {cells(before['by'].get(k, {}))} | {cells(after['by'][k])} |")
    lines += ["", f"| plant ({' / '.join(verdicts)}) | count | before | after |", "|---|---:|---|---|"]
    for k, v in after["power"].items():
        lines.append(f"| {k} | {v['planted']} | {cells(before['power'].get(k, {}))} | {cells(v)} |")
    for name, s in (("before", before), ("after", after)):
        ev = s["evaluations"]
        lines.append(
            f"\n{name}: false fails {len(s['false_fails'])}, missed plants {len(s['missed'])}, kinked {s['kinked']}, "
            f"off the oracle {s['off_oracle']}, evaluations median {ev[len(ev) // 2]} largest {ev[-1]}"
        )
    return "\n".join(lines) + "\n"


def _rows(path: Path) -> list[dict]:
    """The rows of one run: a castforms JSON file, or a folder of its shards."""
    files = sorted(path.glob("castforms-*.json")) if path.is_dir() else [path]
    return sorted((r for f in files for r in json.loads(f.read_text())["rows"]), key=lambda r: r["index"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=330)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shard", default="0/1", help="K/M: every M-th configuration from the K-th")
    ap.add_argument("--output", type=Path, default=Path("castforms-run"))
    ap.add_argument("--no-plants", action="store_true")
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = ap.parse_args()
    if args.compare:
        runs = [_rows(p) for p in args.compare]
        then = {r["index"]: r for r in runs[0]}
        print(render(summarize(runs[0]), summarize(runs[1])))
        for r in runs[1]:
            o = then.get(r["index"])
            if o is not None and o["status"] != r["status"]:
                print(f"- {r['label']} (correct {r['correct']}): {o['status']} -> {r['status']}")
        return 0
    k, m = (int(x) for x in args.shard.split("/"))
    args.output.mkdir(parents=True, exist_ok=True)
    rows = []
    for cfg in cf.draw(args.count, args.seed)[k::m]:
        rows.append(check_one(cfg, not args.no_plants))
        r = rows[-1]
        if r["correct"] and r["status"] == "fail":
            print("FALSE FAIL", r["label"], file=sys.stderr, flush=True)
    out = args.output / f"castforms-{k}of{m}.json"
    out.write_text(json.dumps({"rows": rows}, indent=1, default=str))
    s = summarize(rows)
    print(json.dumps({x: s[x] for x in ("correct", "false_fails", "kinked", "off_oracle", "power")}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
