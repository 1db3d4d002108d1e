"""Independent soak: user-form nets (``benchmarks/userforms.py``) against an arbitrary-precision oracle.

    nice python benchmarks/soak_userforms.py --count 5000 --part p0 --start 0 &
    nice python benchmarks/soak_userforms.py --count 5000 --part p1 --start 5000
    python benchmarks/soak_userforms.py --merge p0 p1

(two parts, one per core: 10,000 configurations in about 25 minutes on two
idle cores; the checker takes nearly all of it, the oracle ~2%: see the
report's "Soak time" line.)

False fails
    Every configuration is correct code: the user's gradient is the exact
    derivative of the user's loss (confirmed by the oracle; configurations where
    ``np.clip`` is active or a ReLU unit sits within rounding of its kink are
    not correct by construction and are counted apart). Each is checked by
    ``check_gradients`` in ``auto`` mode, as a user would; any ``fail`` is a
    false fail, reported by form; every ``inconclusive`` with its stated reason.
Detection power
    Every ``PLANT_EVERY``-th configuration also gets one entry multiplied by
    ``1 + delta`` for each planted size; the entry is drawn among the entries at
    least a tenth of their tensor's largest. A planted error is *visible* when
    the checker's own rule, applied with the oracle as a perfect numeric side,
    fails it; power is reported per size, over visible plants.

Writes ``reports/reliability-userforms-PART.json``; ``--merge`` renders
``reports/reliability-userforms.md`` (included in ``reliability.md``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

if __name__ == "__main__":
    # one BLAS thread: on 2 shared cores a second one waiting for a busy core slows every matmul 30-fold
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import userforms as uf  # noqa: E402
from soak_userforms_report import _into_reliability, render, summarize  # noqa: E402
from userform_oracle import (  # noqa: E402
    BLIND_NOTE,
    code_gap,
    oracle_gap,
    resolvable,
    unresolvable_blind,
    visible,
)

from gradcheck import check_gradients  # noqa: E402

PLANTED = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6)
#: One configuration in this many also gets the planted errors (five more checks each, each
#: dearer than the correct check: a failing check looks further). At 8, 10,000 configurations
#: plant 1,250 errors of each size, and the planted checks take about half of the soak's time.
PLANT_EVERY = 8


def form_key(form: uf.Form) -> str:
    """The form's category for the report: head, cast, dtype, saturation, hidden kinds."""
    relu = " relu" if "relu" in form.hidden else ""
    sat = " saturated" if form.saturate else ""
    tiny = " tiny-w" if form.scale and form.scale < 0.01 else ""
    return f"{form.head}{' float()' if form.cast else ''} {form.dtype}{sat}{tiny}{relu}"


def by_the_rule(rows: list[dict]) -> None:
    """Add ``visible_rule`` to every plant: :func:`visible` with ``own=True`` (rebuilds each planted net)."""
    for r in rows:
        if not r.get("planted"):
            continue
        form = uf.random_form(r["index"])
        _, grad, params = uf.build(form)
        truth = uf.oracle(form)
        name, index = pick_entry(truth.grad, np.random.default_rng(r["index"]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            g = grad(params)
        for p in r["planted"]:
            p["visible_rule"] = visible(g, truth.grad, name, index, p["delta"], form.dtype, own=True)


def pick_entry(truth: dict, rng: np.random.Generator):
    """A random entry at least a tenth of its tensor's largest (a typical, not a dead, entry)."""
    names = [n for n, t in truth.items() if np.max(np.abs(t)) > 0]
    if not names:
        return None
    name = names[int(rng.integers(len(names)))]
    t = np.abs(truth[name])
    big = np.argwhere(t >= 0.1 * t.max())
    return name, tuple(int(i) for i in big[int(rng.integers(len(big)))])


def check_one(i: int) -> dict:
    form = uf.random_form(i)
    loss, grad, params = uf.build(form)
    t0 = time.perf_counter()
    truth = uf.oracle(form)
    oracle_seconds = time.perf_counter() - t0
    out = {"index": i, "label": form.label, "key": form_key(form), "n_params": form.n_params}
    out["oracle"] = "mpmath" if truth.digits == uf.MP_DIGITS else "longdouble"
    out["oracle_seconds"] = oracle_seconds
    if not uf.correct_by_construction(form, truth):
        out["excluded"] = "clip active" if truth.clipped else "ReLU unit within rounding of its kink"
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if not np.isfinite(float(loss(params))):
            out["excluded"] = "the loss as written is not finite at the point (log of an underflowed probability)"
            return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # exp overflow in the user's sigmoid, as users see it
        out["oracle_gap"] = oracle_gap(grad(params), truth.grad)
        out["code_gap"] = code_gap(grad, params, truth.grad)
        top = max(float(np.max(np.abs(t), initial=0.0)) for t in truth.grad.values())
        out["gradient_over_loss"] = top / abs(truth.loss) if truth.loss else float("inf")
        rep = check_gradients(loss, grad, params, seed=i, name_bugs=False)
    out.update(status=rep.status, mode=rep.mode, evaluations=rep.evaluations, seconds=rep.elapsed)
    if rep.status in ("fail", "inconclusive", "kink"):
        out["notes"] = list(rep.notes)
        out["tensors"] = [
            {"name": t.name, "status": t.status, "worst": t.worst[0].to_dict() if t.worst else None}
            for t in rep.tensors
            if t.status != "pass"
        ][:3]
        out["diagnoses"] = [d.to_dict() for d in rep.diagnoses]
        blind = [n for n in rep.notes if BLIND_NOTE in n]
        if rep.status == "inconclusive" and blind:
            out["blind"] = [n.split(":")[0] for n in blind]
            out["unresolvable"] = unresolvable_blind(loss, params, truth.grad, blind)
    if i % PLANT_EVERY == 0:
        t0 = time.perf_counter()
        out["planted"] = plant_all(form, loss, grad, params, truth, i)
        out["plant_seconds"] = time.perf_counter() - t0
    return out


def plant_all(form, loss, grad, params, truth, i) -> list[dict]:
    rng = np.random.default_rng(i)
    where = pick_entry(truth.grad, rng)
    if where is None:
        return []
    name, index = where
    g = grad(params)
    rows = []
    for delta in PLANTED:
        bad = uf.plant(grad, name, index, delta)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            rep = check_gradients(loss, bad, params, seed=i, name_bugs=False)
        pinned = any(t.name == name and t.status == "fail" and t.worst_index == index for t in rep.tensors)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            seen = resolvable(loss, params, name, index, float(truth.grad[name][index]), delta, float(g[name][index]))
        rows.append(
            {
                "delta": delta,
                "visible": visible(g, truth.grad, name, index, delta, form.dtype),
                "resolvable": bool(seen),
                "status": rep.status,
                "pinned": pinned,
                "evaluations": rep.evaluations,
            }
        )
    return rows


def shard(indices: list[int], part: int, parts: int) -> list[int]:
    """The ``part``-th of ``parts`` shards of ``indices``, each a fixed random draw: shards of like cost.

    Consecutive halves differ in cost by chance (a few configurations take
    minutes), and every ``parts``-th index is no better: with two parts, every
    planted configuration (each :data:`PLANT_EVERY`-th) fell in the first. A
    fixed permutation (seed 0) deals them out evenly; each shard is sorted.
    """
    if not 0 <= part < parts:
        raise ValueError(f"--shard {part}/{parts}: the part must be 0 .. {parts - 1}")
    order = np.random.default_rng(0).permutation(len(indices))
    return sorted(indices[int(k)] for k in order[part::parts])


def stratified(indices: list[int], size: int, seed: int) -> list[int]:
    """A sample of about ``size`` of ``indices``, drawn within each form (:func:`form_key`), reproducible by ``seed``.

    Each form keeps its share of the whole (at least one configuration), so a
    sample of 1,000 of the 10,000 holds every form the soak reports on.
    """
    groups: dict[str, list[int]] = {}
    for i in indices:
        groups.setdefault(form_key(uf.random_form(i)), []).append(i)
    rng, frac, out = np.random.default_rng(seed), size / max(1, len(indices)), []
    for key in sorted(groups):
        members = groups[key]
        take = max(1, round(frac * len(members)))
        out += [int(i) for i in rng.choice(members, size=min(take, len(members)), replace=False)]
    return sorted(out)


def soak(count: int, start: int, save=None, dtype: str | None = None, only: set | None = None, plan=None) -> list[dict]:
    """Configurations ``start .. start + count - 1``; ``save(rows, seconds)`` every 100 (kept if stopped).

    ``dtype``, ``only``: only the configurations of that dtype, or of those indices (a part rerun after a
    change that can touch only them; ``--merge`` it first, so that its rows replace the earlier part's).
    ``plan``: a function from the list of indices to the ones to check (:func:`shard`, :func:`stratified`).
    """
    rows, t = [], time.perf_counter()
    indices = list(range(start, start + count))
    if plan is not None:
        indices = plan(indices)
    for i in indices:
        if (dtype is not None and uf.random_form(i).dtype != dtype) or (only is not None and i not in only):
            continue
        rows.append(check_one(i))
        if len(rows) % 100 == 0:
            fails = sum(r.get("status") == "fail" for r in rows)
            done = f"{len(rows)}/{len(indices)} in {time.perf_counter() - t:.0f} s, {fails} fail"
            print(done, file=sys.stderr, flush=True)
            if save:
                save(rows, time.perf_counter() - t)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--part", default="all")
    ap.add_argument("--merge", nargs="+", metavar="PART")
    ap.add_argument("--output", type=Path, default=ROOT / "reports")
    ap.add_argument("--dtype", choices=("float32", "float64"), help="check only the configurations of this dtype")
    ap.add_argument("--indices", type=Path, help="a JSON list: check only these configurations (of the range)")
    ap.add_argument("--shard", metavar="K/N", help="check only every N-th configuration of the range from the K-th")
    ap.add_argument("--sample", type=int, metavar="SIZE", help="check a sample of about SIZE, drawn within each form")
    ap.add_argument("--seed", type=int, default=0, help="the seed of --sample")
    args = ap.parse_args()
    if args.output.exists() and not args.output.is_dir():
        ap.error(f"--output {args.output} is a file: give the folder the soak's results go to")
    if args.merge:
        rows, seconds, seen, each = [], 0.0, set(), []
        for p in args.merge:
            part = json.loads((args.output / f"reliability-userforms-{p}.json").read_text())
            # a configuration in two parts (a part restarted at a later index) is counted once, first part first
            rows += [r for r in part["rows"] if r["index"] not in seen]
            seen.update(r["index"] for r in part["rows"])
            seconds += part["seconds"]
            each.append(f"{p} {len(part['rows'])} configurations in {part['seconds'] / 60:.0f} min")
        by_the_rule(rows)
        summary = summarize(rows)
        text = render(summary, seconds, [f"{p} ({e})" for p, e in zip(args.merge, each)])
        (args.output / "reliability-userforms.md").write_text(text)
        _into_reliability(args.output / "reliability.md", text)
        print(text)
        return 0 if not summary["fails"] else 1
    args.output.mkdir(parents=True, exist_ok=True)  # a new folder for a new run: made, not a traceback at the end
    path = args.output / f"reliability-userforms-{args.part}.json"

    def save(rows, seconds):
        path.write_text(json.dumps({"rows": rows, "seconds": seconds}, default=str))

    t = time.perf_counter()
    only = set(json.loads(args.indices.read_text())) if args.indices else None
    rows = soak(args.count, args.start, save, args.dtype, only, plan(args))
    seconds = time.perf_counter() - t
    save(rows, seconds)
    s = summarize(rows)
    print(json.dumps({k: s[k] for k in ("count", "checked", "statuses", "excluded", "power")}, default=str, indent=1))
    print(f"{len(s['fails'])} fails; {seconds:.0f} s")
    return 0


def plan(args):
    """The ``--sample`` and ``--shard`` choices as one function from indices to indices (``None``: all)."""
    steps = []
    if args.sample:
        steps.append(lambda ix: stratified(ix, args.sample, args.seed))
    if args.shard:
        try:
            k, n = (int(x) for x in args.shard.split("/"))
        except ValueError:
            raise SystemExit(f"--shard {args.shard!r}: expected K/N, e.g. 0/2") from None
        if not 0 <= k < n:
            raise SystemExit(f"--shard {args.shard}: the part K must be 0 .. N - 1 (here 0 .. {n - 1})")
        steps.append(lambda ix: shard(ix, k, n))
    if not steps:
        return None

    def chosen(indices):
        for step in steps:
            indices = step(indices)
        return indices

    return chosen


if __name__ == "__main__":
    sys.exit(main())
