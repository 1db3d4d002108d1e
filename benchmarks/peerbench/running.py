"""Running the checkers: timed cases under a budget, a size's rows, the side-by-side rounds, the audit."""

from __future__ import annotations

import importlib.util
import json
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import sidebyside

from gradcheck import check_gradients
from peerbench.checkers import CHECKERS, Checker, missing_module
from peerbench.peerruns import Verdict
from peerbench.problems import (
    BATCH,
    ENTRY_TENSOR,
    ROOT,
    Case,
    Counted,
    Problem,
    _where,
    make_problem,
    make_userform_problem,
)


class _Timeout(Exception):
    pass


def _call_with_timeout(fn: Callable, seconds: float):
    """``fn()``, stopped with :class:`_Timeout` after ``seconds`` (main thread only; else unbounded)."""
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return fn()

    def alarm(signum, frame):
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_case(checker: Checker, problem: Problem, case: Case, budget: float) -> dict:
    """One timed run: verdict, seconds, loss evaluations, blamed location, note."""
    loss = Counted(problem.loss_fn)
    start, cpu = time.perf_counter(), time.process_time()
    try:
        v = _call_with_timeout(lambda: checker.run(problem, case, loss), budget)
    except _Timeout:
        v = Verdict("timeout", (), f"stopped after {budget:g} s")
    except Exception as exc:  # a peer's crash is a result, not the end of the benchmark
        v = Verdict("error", (), f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "verdict": v.verdict,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "evaluations": loss.calls,
        "flagged": list(v.flagged),
        "localized": _localized(checker, case, v),
        "note": v.note,
        "resolution": v.resolution,
    }


def _localized(checker: Checker, case: Case, v: Verdict) -> bool | None:
    """Did the checker blame the planted entry (or only the bug's tensors)? None: it names no location."""
    if v.verdict != "fail" or not case.expected or not checker.localizes:
        return None
    if not v.flagged:
        return False
    if case.entry:
        return list(v.flagged) == [case.entry]
    return all(b.split("[")[0] in case.expected for b in v.flagged)


def _skip_reason(
    checker: Checker, problem: Problem, n_cases: int, repeats: int, budget: float, size_limits: bool
) -> str | None:
    module = missing_module(checker)
    if module:
        return f"skipped: {module} not installed (pip install -e '.[bench]')"
    if size_limits and checker.max_size is not None and problem.n_params > checker.max_size:
        return f"skipped: above {checker.max_size:,} parameters ({checker.why})"
    estimate = checker.evals(problem.n_params) * problem.units["forward"]
    if estimate * n_cases * repeats > budget:
        return f"skipped: estimated {estimate:.3g} s x {n_cases} cases x {repeats} repeats > budget {budget:g} s"
    return None


def run_checker(
    checker: Checker,
    problem: Problem,
    repeats: int,
    budget: float,
    size_limits: bool = True,
    log: Callable[[str], None] = lambda s: None,
) -> dict:
    """Every case of ``problem`` through ``checker``, ``repeats`` times each; medians per case."""
    reason = _skip_reason(checker, problem, len(problem.cases), repeats, budget, size_limits)
    row = {"key": checker.key, "label": checker.label, "rule": checker.rule, "note": reason or "", "cases": {}}
    if not reason:
        _warm_up(checker, problem, budget)
    spent = 0.0
    for case in problem.cases:
        if reason or spent > budget:
            row["cases"][case.key] = _skipped(reason or f"skipped: budget {budget:g} s spent")
            continue
        runs = [run_case(checker, problem, case, budget) for _ in range(repeats)]
        spent += sum(r["seconds"] for r in runs)
        row["cases"][case.key] = _summarize(runs)
        log(
            f"  {checker.key:<24} {case.key:<12} {row['cases'][case.key]['verdict']:<12} "
            f"{row['cases'][case.key]['seconds']:.3g} s"
        )
    return row


def _warm_up(checker: Checker, problem: Problem, budget: float) -> None:
    """Import the checker's modules and, when it is cheap (< 2 s estimated), run it once untimed.

    So no row pays for a first import (torch, jax: seconds) or a cold cache;
    tracing and compilation inside every call (jax) stay in the times.
    """
    for module in checker.requires:
        importlib.import_module(module)
    if checker.evals(problem.n_params) * problem.units["forward"] < 2.0:
        run_case(checker, problem, problem.cases[0], budget)


def _skipped(note: str) -> dict:
    return {
        "verdict": "skipped",
        "seconds": None,
        "evaluations": None,
        "flagged": [],
        "localized": None,
        "note": note,
        "runs": 0,
    }


def _summarize(runs: list[dict]) -> dict:
    out = dict(runs[0])
    out["seconds"] = statistics.median(r["seconds"] for r in runs)
    out["seconds_all"] = [round(r["seconds"], 6) for r in runs]
    out["cpu_seconds"] = statistics.median(r["cpu_seconds"] for r in runs)
    out["runs"] = len(runs)
    verdicts = sorted({r["verdict"] for r in runs})
    if len(verdicts) > 1:
        out["note"] = f"verdicts differ across repeats: {verdicts}; " + out["note"]
    return out


def run_size(
    n_params: int,
    checkers: list[Checker],
    repeats: int,
    budget: float,
    unit_seconds: float,
    size_limits: bool = True,
    log: Callable[[str], None] = lambda s: None,
    workload: str = "reference",
    pairs: int = 0,
) -> dict:
    """Build the problem of ``n_params`` parameters and run every checker on it."""
    if workload == "userform":
        problem = make_userform_problem(n_params, unit_seconds=unit_seconds)
    else:
        problem = make_problem(n_params, unit_seconds=unit_seconds)
    log(
        f"{n_params:,} parameters ({problem.label}): forward {problem.units['forward'] * 1e3:.3g} ms, "
        f"forward+backward {problem.units['fwd_bwd'] * 1e3:.3g} ms"
    )
    rows = [run_checker(c, problem, repeats, budget, size_limits, log) for c in checkers]
    for row in rows:
        for result in row["cases"].values():
            s, cpu = result["seconds"], result.get("cpu_seconds")
            result["units"] = None if s is None else s / problem.units["fwd_bwd"]
            result["cpu_units"] = None if cpu is None else cpu / problem.units["fwd_bwd_cpu"]
    entries = {
        k: {"index": list(v["index"]), "location": _where(ENTRY_TENSOR, v["index"]), "g": v["g"]}
        for k, v in problem.entries.items()
    }
    keys = {c.key for c in checkers}
    extra = {}
    if pairs and {"gradcheck-auto", "torch-fast"} <= keys and not missing_module(_checker("torch-fast")):
        extra["paired"] = side_by_side(problem, pairs)
        ratio = extra["paired"]["ratio"]
        log(f"  side by side: ratio {ratio['wall']:.2f} wall, {ratio['cpu']:.2f} CPU")
    if "gradcheck-auto" in keys:
        extra["breakdown"] = sidebyside.breakdown(
            lambda loss, grad: check_gradients(loss, grad, problem.params, mode="auto", seed=0, name_bugs=False),
            problem.loss_fn,
            problem.grad_fn,
        )
    return {
        **extra,
        "n_params": n_params,
        "workload": workload,
        "label": problem.label,
        "batch": BATCH,
        "units": problem.units,
        "entries": entries,
        "cases": [
            {"key": c.key, "label": c.label, "entry": c.entry, "expected": list(c.expected)} for c in problem.cases
        ],
        "rows": rows,
    }


def _checker(key: str) -> Checker:
    return next(c for c in CHECKERS if c.key == key)


def side_by_side(problem: Problem, rounds: int) -> dict:
    """gradcheck auto and torch fast_mode on the correct gradient, alternated ``rounds`` times (:mod:`sidebyside`)."""
    correct = next(c for c in problem.cases if c.key == "correct")

    def run(key: str) -> Callable[[], str]:
        checker = _checker(key)
        return lambda: checker.run(problem, correct, Counted(problem.loss_fn)).verdict

    runs = {"gradcheck-auto": run("gradcheck-auto"), "torch-fast": run("torch-fast")}
    return sidebyside.paired(runs, rounds, "gradcheck-auto", "torch-fast")


def audit_benchmark(count: int, jobs: int = 2) -> dict:
    """Audit ``count`` copies of the example submissions with ``jobs`` workers; wall-clock seconds."""
    sources = sorted((ROOT / "examples" / "submissions").glob("*.py"))
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "subs", Path(tmp) / "out"
        folder.mkdir()
        for i in range(count):
            shutil.copy(sources[i % len(sources)], folder / f"s{i:03d}_{sources[i % len(sources)].name}")
        cmd = [
            sys.executable,
            "-m",
            "gradcheck",
            "audit",
            str(folder),
            "--jobs",
            str(jobs),
            "--format",
            "json",
            "--output",
            str(out),
        ]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=1800)
        seconds = time.perf_counter() - start
    try:
        judged = {Path(s["path"]).name: s["status"] for s in json.loads(proc.stdout)["submissions"]}
    except (ValueError, KeyError):
        return {"count": count, "jobs": jobs, "seconds": seconds, "error": proc.stderr[-500:]}
    expected = tomllib.loads((ROOT / "examples" / "submissions" / "EXPECTED.toml").read_text())["files"]
    # a submission audited without a spec is compared with its zero-config audit status where EXPECTED has one
    wrong = sorted(n for n, status in judged.items() if status != _expected_audit(expected[n.split("_", 1)[1]]))
    statuses = list(judged.values())
    return {
        "count": count,
        "jobs": jobs,
        "seconds": seconds,
        "audited": len(judged),
        "wrong": wrong,
        "statuses": {s: statuses.count(s) for s in sorted(set(statuses))},
    }


def _expected_audit(entry: dict) -> str:
    return entry.get("audit", entry["verdict"])
