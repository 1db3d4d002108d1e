"""gradcheck auto beside torch fast_mode, interleaved, and where gradcheck's evaluations and time go.

Used by ``benchmarks/peers.py`` (its ``--pairs`` rounds). Two measurements of
the correct gradient of one problem:

``paired``
    The two checkers run alternately, ``rounds`` times each, after one untimed
    run of each. Every run records its wall time and its CPU time
    (``time.process_time``: this process only, every thread of it). On a
    shared machine the wall time of one run moves with the other processes;
    alternating puts both checkers under the same load, and the ratio is taken
    per round (gradcheck's run over the torch run next to it), then the median.
    CPU time is what each run itself consumed, whatever else runs.
``breakdown``
    One gradcheck auto run with the loss and gradient wrapped: each loss
    evaluation is charged to the gradcheck step that asked for it (the
    innermost gradcheck function on the call stack outside the evaluation
    plumbing), with its CPU time; and the run's CPU split into the loss, the
    gradient, and gradcheck's own work.
"""

from __future__ import annotations

import functools
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

#: Functions that only carry an evaluation to the loss; a step is the first caller outside them.
PLUMBING = {
    "call_loss",
    "_call_args",
    "loss_along",
    "loss_at",
    "_real",
    "base_loss",
    "complex_loss_at",
    "_complex_value",
    "_pair",
    "_sides",
    "<listcomp>",
    "<genexpr>",
    "<lambda>",
}
GRADCHECK_DIR = str(Path(__file__).resolve().parents[1] / "gradcheck")


def _timed(run: Callable[[], str]) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    verdict = run()
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "verdict": verdict}


def paired(runs: dict[str, Callable[[], str]], rounds: int, first: str, second: str) -> dict:
    """``runs`` (name -> a run returning its verdict) alternated ``rounds`` times; medians and per-round ratios.

    Returns per checker the median wall and CPU seconds, every run's times and
    the verdicts seen, and ``ratio``: the medians over rounds of ``first``'s
    time over ``second``'s (wall and CPU).
    """
    for run in runs.values():
        run()  # untimed: imports, caches
    seen: dict[str, list[dict]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            seen[name].append(_timed(run))
    out = {
        name: {
            "wall": statistics.median(r["wall"] for r in rs),
            "cpu": statistics.median(r["cpu"] for r in rs),
            "wall_all": [round(r["wall"], 6) for r in rs],
            "cpu_all": [round(r["cpu"], 6) for r in rs],
            "verdicts": sorted({r["verdict"] for r in rs}),
        }
        for name, rs in seen.items()
    }
    pairs = list(zip(seen[first], seen[second]))
    out["ratio"] = {
        "of": [first, second],
        "wall": statistics.median(a["wall"] / b["wall"] for a, b in pairs),
        "cpu": statistics.median(a["cpu"] / b["cpu"] for a, b in pairs),
        "rounds": rounds,
    }
    return out


def _step() -> str:
    """The gradcheck step on the current call stack that asked for this evaluation."""
    frame = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        if code.co_filename.startswith(GRADCHECK_DIR) and code.co_name not in PLUMBING:
            return f"{Path(code.co_filename).stem}.{code.co_name}"
        frame = frame.f_back
    return "outside gradcheck"


def breakdown(check: Callable, loss: Callable, grad: Callable, rounds: int = 3) -> dict:
    """Where one gradcheck run's loss evaluations and CPU time go (medians over ``rounds`` runs).

    ``check(loss, grad) -> report`` runs gradcheck. Returns ``steps``: per
    step, its evaluations and their CPU milliseconds (of the last run; the
    counts are the same every run), and ``cpu_ms``: the run's total, in the
    loss, in the gradient, and the rest (gradcheck's own work).
    """
    counts: Counter = Counter()
    cpu: Counter = Counter()
    spent = {"loss": 0.0, "grad": 0.0}

    @functools.wraps(loss)  # (its attributes too: a reference closure's network decides how it is probed)
    def counted_loss(params):
        start = time.process_time()
        try:
            return loss(params)
        finally:
            step = _step()
            counts[step] += 1
            used = time.process_time() - start
            cpu[step] += used
            spent["loss"] += used

    def timed_grad(params):
        start = time.process_time()
        try:
            return grad(params)
        finally:
            spent["grad"] += time.process_time() - start

    totals = []
    for _ in range(rounds):
        counts.clear(), cpu.clear(), spent.update(loss=0.0, grad=0.0)
        start = time.process_time()
        report = check(counted_loss, timed_grad)
        total = time.process_time() - start
        totals.append((total, spent["loss"], spent["grad"], total - spent["loss"] - spent["grad"]))
    total, in_loss, in_grad, other = (statistics.median(col) * 1e3 for col in zip(*totals))
    steps = [{"step": s, "evaluations": n, "cpu_ms": cpu[s] * 1e3} for s, n in counts.most_common()]
    return {
        "status": report.status,
        "evaluations": report.evaluations,
        "loss_calls": sum(counts.values()),
        "steps": steps,
        "cpu_ms": {"total": total, "loss": in_loss, "grad": in_grad, "gradcheck": other},
    }


def render(size: dict) -> list[str]:
    """Markdown lines for a size's ``paired`` and ``breakdown`` entries (none when absent)."""
    lines = []
    p = size.get("paired")
    if p:
        a, b = p["ratio"]["of"]
        lines += [
            f"Side by side (correct gradient, {p['ratio']['rounds']} alternating rounds): "
            f"{a} {p[a]['wall'] * 1e3:.1f} ms wall / {p[a]['cpu'] * 1e3:.1f} ms CPU, "
            f"{b} {p[b]['wall'] * 1e3:.1f} ms wall / {p[b]['cpu'] * 1e3:.1f} ms CPU; "
            f"ratio {a} / {b} per round, median: **{p['ratio']['wall']:.2f} wall, {p['ratio']['cpu']:.2f} CPU**.",
            "",
        ]
    c = size.get("breakdown")
    if c:
        ms = c["cpu_ms"]
        lines += [
            f"Where gradcheck auto's cost goes (correct gradient, {c['status']}, {c['evaluations']} evaluations "
            f"counted, {c['loss_calls']} loss calls): CPU {ms['total']:.1f} ms = loss {ms['loss']:.1f} + "
            f"gradient {ms['grad']:.1f} + gradcheck's own work {ms['gradcheck']:.1f}.",
            "",
            "| step | loss calls | CPU in the loss (ms) |",
            "|---|---:|---:|",
            *(f"| `{s['step']}` | {s['evaluations']} | {s['cpu_ms']:.1f} |" for s in c["steps"]),
            "",
        ]
    return lines
