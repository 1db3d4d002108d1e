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
from collections import Counter
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

from gradcheck import check_gradients  # noqa: E402
from gradcheck.compare import default_rtol, judge, scale_floor  # noqa: E402
from gradcheck.opinions import ANALYTIC_ULPS  # noqa: E402

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


def visible(g: dict, truth: dict, name: str, index, delta: float, dtype, own: bool = False) -> bool:
    """Would a perfect numeric side fail entry ``index`` of ``name`` off by ``delta``?

    The checker's per-entry rule with the oracle as the numeric side: the
    tensor's floor, and (``own=True``) the floor every entry is also judged
    against (``ANALYTIC_ULPS`` ulps of the gradient's largest entry, for the
    rounding of the gradient code), and only where the user's own, unplanted
    entry passes that rule: a float32 ``1 - a**2`` rounded to 100% of the exact
    value hides a 1% plant on it from any numeric side.
    """
    dt = np.dtype(dtype)
    rtol = default_rtol(dt)
    t = truth[name]
    floor = scale_floor(t.reshape(-1), dt)
    if own:
        top = max(float(np.max(np.abs(np.asarray(v, np.float64)), initial=0.0)) for v in g.values())
        floor = max(floor, ANALYTIC_ULPS * float(np.finfo(dt).eps) * top)
    entry = float(g[name][index])
    jd = judge([entry * (1 + delta), entry], [float(t[index])] * 2, [0.0, 0.0], rtol, floor)
    return not bool(jd.ok[0]) and (bool(jd.ok[1]) or not own)


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


def resolvable(loss, params: dict, name: str, index, exact: float, delta: float, g: float) -> bool:
    """Could real differences of the loss *as written* see this planted error at all?

    Richardson estimates of the entry's derivative on the float64 (or float32)
    loss at steps ``h0 * 4**k``, ``k = 0 .. 3``, compared with the exact
    derivative: the planted error must exceed four times the best of their
    actual errors (an optimistic bound: no checker knows which step was best).
    """
    t = params[name][index]
    h0 = float(np.finfo(np.float64).eps) ** (1 / 3) * max(1.0, abs(float(t)))
    best = float("inf")
    work = {k: v.astype(np.float64) for k, v in params.items()}  # a float32 loss: its float64 twin, as checked

    def at(value):
        work[name][index] = value
        out = float(loss(work))
        work[name][index] = t
        return out

    for k in range(4):
        h = h0 * 4**k
        c1 = (at(t + h) - at(t - h)) / (2 * h)
        c2 = (at(t + h / 2) - at(t - h / 2)) / h
        best = min(best, abs((4 * c2 - c1) / 3 - exact))
    return abs(delta * g) > 4 * best


#: :func:`unresolvable_tensor` tries steps ``h0 * 4**k``, ``k = 0 .. STEPS - 1`` (past the checker's longest).
STEPS = 10


def unresolvable_tensor(loss, params: dict, truth: dict, name: str) -> bool:
    """No real difference of the loss *as written* sees its largest entry off by 1%.

    Along the signs of the exact gradient of the tensor (every entry moved by
    ``h``), Richardson estimates of the directional derivative on the loss as
    written (float64 parameters, as the checker's real screens use) at steps
    ``h0 * 4**k``, each against the oracle's exact ``sum |g_i|``: unresolvable
    when none comes within 1% of the tensor's largest exact entry (the error
    of that entry off by 1%; the reach :func:`gradcheck.screens.longer_step`
    asks of a screen before it passes one). Optimistic: no checker knows which
    step was best. Used only for losses that refuse complex parameters (a
    ``float()`` cast), where no other evaluation of the loss is available.
    """
    exact = np.asarray(truth[name], np.float64)
    v = np.where(exact < 0, -1.0, 1.0)
    target = float(np.sum(np.abs(exact)))
    work = {k: np.asarray(x, np.float64).copy() for k, x in params.items()}
    base = work[name].copy()
    h0 = float(np.finfo(np.float64).eps) ** (1 / 3) * max(1.0, float(np.max(np.abs(base), initial=0.0)))

    def at(h):
        work[name] = base + h * v
        return float(loss(work))

    best = float("inf")
    for k in range(STEPS):
        h = h0 * 4**k
        c1 = (at(h) - at(-h)) / (2 * h)
        c2 = (at(h / 2) - at(-h / 2)) / h
        best = min(best, abs((4 * c2 - c1) / 3 - target))
    return not (target > 0 and best <= 1e-2 * float(np.max(np.abs(exact))))


BLIND_NOTE = ": the loss as evaluated does not resolve this tensor's directional derivative"


def unresolvable_blind(loss, params: dict, truth: dict, notes: list[str]) -> list[str]:
    """The tensors of blind-screen notes that :func:`unresolvable_tensor` confirms with the oracle."""
    names = [n.split(":")[0] for n in notes if BLIND_NOTE in n]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return [n for n in names if n in truth and unresolvable_tensor(loss, params, truth, n)]


def pick_entry(truth: dict, rng: np.random.Generator):
    """A random entry at least a tenth of its tensor's largest (a typical, not a dead, entry)."""
    names = [n for n, t in truth.items() if np.max(np.abs(t)) > 0]
    if not names:
        return None
    name = names[int(rng.integers(len(names)))]
    t = np.abs(truth[name])
    big = np.argwhere(t >= 0.1 * t.max())
    return name, tuple(int(i) for i in big[int(rng.integers(len(big)))])


def oracle_gap(g: dict, truth: dict) -> float:
    """The user's gradient against the oracle: largest ``|g - exact|`` over the largest ``|exact|``, every entry."""
    top = max((float(np.max(np.abs(t), initial=0.0)) for t in truth.values()), default=0.0)
    gap = max(
        (float(np.max(np.abs(np.asarray(g[n], np.float64) - t), initial=0.0)) for n, t in truth.items()), default=0.0
    )
    return gap / top if top > 0 else gap


def code_gap(grad, params: dict, truth: dict) -> float:
    """:func:`oracle_gap` of the user's own gradient code run at ``np.longdouble`` (the same formula, 2**11 finer).

    Where the working precision's gap comes from rounding of the user's formula
    (``1 - a**2`` of a saturated tanh in float32, ``p - 1`` of a confident
    softmax), this one is smaller by about the ratio of the eps; a wrong formula
    keeps its gap at every precision. (inf if the code refuses longdouble.)
    """
    try:
        wide = grad({k: np.asarray(v, np.longdouble) for k, v in params.items()})
        return oracle_gap({k: np.asarray(v, np.float64) for k, v in wide.items()}, truth)
    except Exception:  # noqa: BLE001 - user-form code only; a refusal just leaves the gap unmeasured
        return float("inf")


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


#: A gap of the user's gradient to the oracle above this (over the largest exact entry) is looked into.
GAP = 1e-6
#: The gap is the rounding of the user's own formula when the same code at ``np.longdouble`` shrinks it
#: at least this much (the eps ratio is 2048 for float64 and 2**40 for float32; a wrong formula keeps its gap).
SHRINK = 100.0


def beyond_the_loss(r: dict) -> bool:
    """Inconclusive only on blind tensors that no real difference of the loss as written resolves (oracle-checked).

    The loss refuses complex parameters (its screens are real), every tensor
    the checker left blind is confirmed by :func:`unresolvable_tensor`, and no
    other cause is stated: nothing the loss computes resolves the gradient there.
    """
    blind = r.get("blind") or []
    if r.get("status") != "inconclusive" or not blind or set(r.get("unresolvable") or []) != set(blind):
        return False
    others = [t for t in r.get("tensors") or [] if t["status"] == "inconclusive" and t["name"] not in blind]
    return not others and not any(k in n for n in r.get("notes", []) for k, _ in CAUSES[:2])


def unavoidable(r: dict) -> bool:
    """Inconclusive with at least one tensor that no real difference of the loss as written resolves (oracle-checked).

    Wider than :func:`beyond_the_loss`: one such tensor is enough, whatever the
    checker did with the others. A gradient of zeros in that tensor would give
    the same loss values, so no checker may pass the configuration: its verdict
    can only be inconclusive, and the checker's note names the tensor (and that
    a loss returned without ``float()`` would let the complex step see it).
    """
    return r.get("status") == "inconclusive" and bool(r.get("unresolvable"))


def below_rounding(r: dict) -> bool:
    """The exact gradient lies under the rounding of the user's formula even at ``np.longdouble``.

    Both runs of the user's code miss the oracle by more than :data:`GAP` of the
    largest exact entry: every output saturated so far that ``tanh``/``sigmoid``
    round to +/-1 (or 0) at both precisions, and ``1 - a**2`` or ``p * (1 - p)`` is
    0 or a rounding residue. No float evaluation of the loss resolves such a
    gradient either.
    """
    return r.get("oracle_gap", 0.0) > GAP and r.get("code_gap", 0.0) > GAP


def gap_summary(checked: list[dict]) -> dict:
    """How far the user's gradient is from the oracle, and what explains it."""
    big = [r for r in checked if r.get("oracle_gap", 0.0) > GAP]
    below = [r for r in big if below_rounding(r)]
    rounding = [r for r in big if r.get("code_gap", float("inf")) * SHRINK <= r["oracle_gap"] and r not in below]
    other = [r for r in big if r not in rounding and r not in below]
    rest = [r for r in checked if not below_rounding(r)]
    worst = max(checked, key=lambda r: r.get("oracle_gap", 0.0), default=None)
    return {
        "large": len(big),
        "rounding": len(rounding),
        "below": len(below),
        "other": [(r["index"], r["label"], r["oracle_gap"], r.get("code_gap"), r["status"]) for r in other],
        "worst": (worst["index"], worst["label"], worst.get("oracle_gap"), worst.get("code_gap")) if worst else None,
        "code_gap_rest": max((r.get("code_gap", 0.0) for r in rest), default=0.0),
        "below_ratio": float(np.median([r.get("gradient_over_loss", 0.0) for r in below])) if below else 0.0,
        "verdicts_rounding": Counter(r["status"] for r in rounding),
        "verdicts_below": Counter(r["status"] for r in below),
        "inconclusive_below": sum(r["status"] == "inconclusive" for r in below),
    }


def summarize(rows: list[dict]) -> dict:
    checked = [r for r in rows if "status" in r]
    statuses = Counter(r["status"] for r in checked)
    by_form = {}
    for r in checked:
        f = by_form.setdefault(r["key"], Counter())
        f[r["status"]] += 1
    power = {}
    for r in checked:
        for p in r.get("planted", []):
            key = f"{p['delta']:.0e}"
            cell = power.setdefault(key, Counter())
            cell["planted"] += 1
            seen = p.get("visible_rule", p["visible"])
            if p["visible"] and not seen:  # visible by the tensor's floor alone: below the checker's rule
                cell["below_rule"] += 1
                cell["below_rule_" + p["status"]] += 1
            p = {**p, "visible": seen}
            cell["visible"] += p["visible"]
            both = p["visible"] and p.get("resolvable", True)
            cell["resolvable"] += both
            cell["caught_resolvable"] += both and p["status"] == "fail"
            if p["visible"]:
                cell["caught"] += p["status"] == "fail"
                cell["passed"] += p["status"] == "pass"
                cell["passed_float32"] += p["status"] == "pass" and "float32" in r["key"]
                cell["pinned"] += p["pinned"]
                cell["inconclusive"] += p["status"] == "inconclusive"
            else:
                cell["invisible_failed"] += p["status"] == "fail"
    return {
        "count": len(rows),
        "checked": len(checked),
        "excluded": Counter(r["excluded"] for r in rows if "excluded" in r),
        "statuses": statuses,
        "by_form": by_form,
        "power": power,
        "fails": [r for r in checked if r["status"] == "fail"],
        "inconclusive": [r for r in checked if r["status"] == "inconclusive"],
        "kinks": len([r for r in checked if r["status"] == "kink"]),
        "oracles": Counter(r.get("oracle", "?") for r in checked),
        "oracle_gap": max((r.get("oracle_gap", 0.0) for r in checked), default=0.0),
        "gaps": gap_summary(checked),
        "time": {k: sum(r.get(k, 0.0) for r in checked) for k in ("seconds", "oracle_seconds", "plant_seconds")},
        "evaluations": float(np.median([r["evaluations"] for r in checked])) if checked else 0.0,
    }


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


BEGIN, END = "<!-- user-form soak: begin -->", "<!-- user-form soak: end -->"


def _into_reliability(path: Path, text: str) -> None:
    """Put the user-form section into ``reliability.md`` (between its markers, replacing an older one)."""
    old = path.read_text() if path.exists() else "# Reliability\n"
    block = f"{BEGIN}\n{text}{END}\n"
    if BEGIN in old and END in old:
        head, rest = old.split(BEGIN, 1)
        old = head + block + rest.split(END, 1)[1].lstrip("\n")
        path.write_text(old)
    else:  # first time: right under the title, before the reference-net soak
        title, _, rest = old.partition("\n")
        path.write_text(f"{title}\n\n{block}\n{rest.lstrip(chr(10))}")


#: The checker's notes that state why a tensor is inconclusive, and the cause each names.
CAUSES = (
    ("do not account for it", "a tripped screen's excess left unexplained"),
    ("stopped looking further", "the check's evaluation budget spent"),
    ("does not resolve this tensor's directional derivative", "a screen blind at this noise (zeros would pass)"),
)


def cause(r: dict) -> tuple[str, str]:
    """``(cause, stated reason)`` of an inconclusive row: the checker's own note, else its unresolved entry."""
    for key, kind in CAUSES:
        note = next((n for n in r.get("notes", []) if key in n), None)
        if note:
            return kind, note
    for t in r.get("tensors") or []:
        w = t.get("worst")
        if t["status"] == "inconclusive" and not w:
            return "a tripped screen with no entry checked", f"{t['name']}: its screen tripped, no entry was checked"
        if t["status"] == "inconclusive" and w:
            flat = w["numeric"] == 0.0 and w["numeric_error"] == 0.0
            kind = (
                "an entry the loss does not move at all (flat)"
                if flat
                else "an entry the second opinions leave unresolved"
            )
            reason = (
                f"{t['name']}{list(w['index'])}: gradient {w['analytic']:.4g}, numeric {w['numeric']:.4g} "
                f"+/- {w['numeric_error']:.2g} ({w['estimator']})"
            )
            return kind, reason
    return "other", "; ".join(r.get("notes", []))


def gap_lines(s: dict) -> list[str]:
    """The section on the user's gradient against the oracle, and where the soak's time went."""
    g, t = s.get("gaps"), s.get("time", {})
    if not g:
        return []
    verdicts = ", ".join(f"{v} {k}" for k, v in sorted(g["verdicts_rounding"].items())) or "none"
    below = ", ".join(f"{v} {k}" for k, v in sorted(g["verdicts_below"].items())) or "none"
    lines = [
        "",
        "### The user's gradient against the oracle",
        "",
        f"- largest |user - exact| over the largest exact entry: {g['worst'][2]:.2g} (configuration "
        f"{g['worst'][0]}, `{g['worst'][1]}`); the same user code at np.longdouble: {g['worst'][3]:.2g}",
        f"- configurations with a gap above {GAP:g}: {g['large']}",
        f"  - {g['rounding']}: rounding of the user's own formula in its precision (the same code at np.longdouble "
        f"shrinks the gap at least {SHRINK:g}-fold; a wrong formula keeps it). Verdicts: {verdicts}",
        f"  - {g['below']}: the whole exact gradient under the formula's rounding even at np.longdouble (largest "
        f"exact entry a median {g['below_ratio']:.1g} of the loss: every output saturated to +/-1); no float "
        f"evaluation of the loss resolves it either. Verdicts: {below}",
        f"  - {len(g['other'])} otherwise: "
        + (
            "; ".join(f"{i} `{lab}` gap {a:.2g}, at longdouble {b:.2g}, {st}" for i, lab, a, b, st in g["other"][:20])
            or "none"
        ),
        f"- largest gap of the user's code at np.longdouble, outside the last-but-one group: {g['code_gap_rest']:.2g}",
        "",
        f"Soak time: checks {t.get('seconds', 0):.0f} s, planted checks {t.get('plant_seconds', 0):.0f} s, "
        f"oracle {t.get('oracle_seconds', 0):.0f} s.",
    ]
    return lines


def render(s: dict, seconds: float, parts: list[str]) -> str:
    lines = [
        "## User-form nets against an arbitrary-precision oracle",
        "",
        f"`python benchmarks/soak_userforms.py`, parts {', '.join(parts)}: {seconds:.0f} s of soak time in total "
        "(each part's wall time; the parts ran side by side).",
        "",
        f"{s['count']} configurations: {s['checked']} correct by construction and checked in `auto` mode, "
        + ", ".join(f"{v} excluded ({k})" for k, v in sorted(s["excluded"].items())),
        "",
        "Verdicts: " + ", ".join(f"{v} {k}" for k, v in sorted(s["statuses"].items())) + ".",
        f"- **false fails: {len(s['fails'])}**",
        f"- inconclusive: {len(s['inconclusive'])} ({100.0 * len(s['inconclusive']) / max(1, s['checked']):.2f}%)",
        f"- median loss evaluations per check: {s['evaluations']:.0f}",
        "- oracle (every entry of the user's gradient compared with it): "
        + ", ".join(f"{v} {k}" for k, v in sorted(s.get("oracles", {}).items()))
        + f"; largest |user - exact| over the largest exact entry: {s.get('oracle_gap', 0.0):.1e}",
        "",
        "### By form",
        "",
        "| form | checked | pass | kink | inconclusive | fail |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, c in sorted(s["by_form"].items()):
        total = sum(c.values())
        lines.append(f"| {key} | {total} | {c['pass']} | {c['kink']} | {c['inconclusive']} | {c['fail']} |")
    lines += gap_lines(s)
    lines += [
        "",
        "### Detection power (one entry off by delta relative)",
        "",
        "| delta | planted | visible to a perfect numeric side | caught (fail) | pinned to the entry | "
        "inconclusive | visible ones passed (float32) | invisible ones failed | also resolvable through the loss "
        "as written | caught of those |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, c in sorted(s["power"].items(), key=lambda kv: -float(kv[0])):
        vis = max(1, c["visible"])
        lines.append(
            f"| {key} | {c['planted']} | {c['visible']} | {c['caught']} ({100.0 * c['caught'] / vis:.1f}%) "
            f"| {c['pinned']} | {c['inconclusive']} | {c['passed']} ({c['passed_float32']}) "
            f"| {c['invisible_failed']} | {c['resolvable']} "
            f"| {c['caught_resolvable']} ({100.0 * c['caught_resolvable'] / max(1, c['resolvable']):.1f}%) |"
        )
    lines += [
        "",
        "Visible: the checker's per-entry rule with the oracle as a perfect numeric side, including the floor "
        "of the gradient code's rounding (ANALYTIC_ULPS ulps of the largest entry), and only where the user's "
        "own unplanted entry passes that rule. Plants visible by their tensor's floor alone but not by that rule "
        "(an entry the float32 code rounds by more than 1%, a tensor under the floor), per delta, and their verdicts: "
        + "; ".join(
            f"{key}: {c['below_rule']} ("
            + ", ".join(f"{c['below_rule_' + st]} {st}" for st in ("fail", "inconclusive", "kink", "pass"))
            + ")"
            for key, c in sorted(s["power"].items(), key=lambda kv: -float(kv[0]))
        ),
    ]
    causes = Counter(cause(r)[0] for r in s["inconclusive"])
    below = Counter(cause(r)[0] for r in s["inconclusive"] if below_rounding(r))
    beyond = Counter(cause(r)[0] for r in s["inconclusive"] if beyond_the_loss(r) and not below_rounding(r))
    lines += [
        "",
        "### Inconclusive, by cause",
        "",
        "| cause | configurations | whole gradient under the formula's rounding at np.longdouble | "
        "beyond the loss as written (oracle-checked) | the rest |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {k} | {v} | {below[k]} | {beyond[k]} | {v - below[k] - beyond[k]} |" for k, v in causes.most_common()]
    g = s.get("gaps")
    if g:
        left = len(s["inconclusive"]) - g["inconclusive_below"]
        lines += [
            "",
            f"Of these, {g['inconclusive_below']} are configurations whose whole exact gradient lies under "
            f"the rounding of the user's formula (above); without them: {left} inconclusive "
            f"({100.0 * left / max(1, s['checked'] - g['below']):.2f}% of {s['checked'] - g['below']}).",
        ]
        beyond = [r for r in s["inconclusive"] if beyond_the_loss(r) and not below_rounding(r)]
        rest = left - len(beyond)
        denominator = s["checked"] - g["below"] - len(beyond)
        lines += [
            "",
            f"A further {len(beyond)} are inconclusive only on tensors whose directional derivative no real "
            "difference of the loss as written resolves to 1% at any step (the oracle's exact value against "
            f"Richardson estimates at steps h0 * 4**k, k < {STEPS}; every such loss refuses complex parameters, "
            "behind a `float()` cast): nothing the loss computes resolves them. Without both classes: "
            f"{rest} inconclusive ({100.0 * rest / max(1, denominator):.2f}% of {denominator}). "
            f"Every rate above keeps them in: {100.0 * len(s['inconclusive']) / max(1, s['checked']):.2f}% "
            f"of all {s['checked']}.",
        ]
        more = [r for r in s["inconclusive"] if unavoidable(r) and not below_rounding(r) and not beyond_the_loss(r)]
        rest -= len(more)
        denominator -= len(more)
        lines += [
            "",
            f"A further {len(more)} have at least one such tensor beside tensors the oracle finds resolvable: a "
            "gradient of zeros there gives the same loss values, so no checker may pass them either (their notes "
            f"name it). Without all three classes: {rest} inconclusive ({100.0 * rest / max(1, denominator):.2f}% "
            f"of {denominator}), by cause: "
            + ", ".join(
                f"{k} {v}"
                for k, v in Counter(
                    cause(r)[0] for r in s["inconclusive"] if not below_rounding(r) and not unavoidable(r)
                ).most_common()
            )
            + ".",
        ]
    lines += ["", "### Every inconclusive, with its stated reason", ""]
    for r in s["inconclusive"][:300]:
        kind, reason = cause(r)
        lines.append(f"- {r['index']} `{r['label']}` ({r.get('oracle', '?')} oracle) [{kind}]: {reason[:300]}")
    if s["fails"]:
        lines += ["", "### False fails", ""]
        lines += [f"- {r['index']} `{r['label']}`: {json.dumps(r.get('tensors'))[:400]}" for r in s["fails"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
