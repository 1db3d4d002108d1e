"""The standard run: every reference configuration checked, one report."""

from __future__ import annotations

import fnmatch
import sys
import time
from collections.abc import Callable, Iterable

from gradcheck.check import check_gradients
from gradcheck.result import CaseResult, RunReport, worst_status
from reference_nets.presets import Case, standard_suite


def select_cases(patterns: Iterable[str] | None, seed: int = 0) -> list[Case]:
    """Cases of the standard suite whose name matches any pattern (name or glob).

    Raises
    ------
    ValueError
        Naming the pattern that matches nothing.
    """
    cases = standard_suite(seed)
    if not patterns:
        return cases
    chosen = []
    for pattern in patterns:
        hits = [c for c in cases if fnmatch.fnmatchcase(c.name, pattern) or c.name == pattern]
        if not hits:
            raise ValueError(f"--config {pattern!r} matches no configuration; see --list")
        chosen += [c for c in hits if c not in chosen]
    return chosen


def run_cases(
    cases: list[Case],
    *,
    method: str = "central",
    mode: str = "auto",
    seed: int = 0,
    progress: Callable[[int, int, str], None] | None = None,
) -> RunReport:
    """Check every case's reference gradient; return the run's report."""
    start = time.perf_counter()
    results = []
    for i, case in enumerate(cases):
        if progress:
            progress(i, len(cases), case.name)
        loss, grad = case.closures()
        report = check_gradients(loss, grad, case.params(), method=method, mode=mode, seed=seed)
        results.append(CaseResult(case.name, case.config.label, case.config.n_params, report))
    if progress:
        progress(len(cases), len(cases), "")
    return RunReport(
        status=worst_status(r.status for r in results),
        results=tuple(results),
        method=method,
        mode=mode,
        seed=seed,
        elapsed=time.perf_counter() - start,
    )


def tty_progress(stream=sys.stderr) -> Callable[[int, int, str], None] | None:
    """A one-line progress indicator when ``stream`` is a terminal, else None."""
    if not stream.isatty():
        return None

    def show(done: int, total: int, name: str) -> None:
        end = "\n" if done == total else ""
        stream.write(f"\r\033[K[{done}/{total}] {name}{end}")
        stream.flush()

    return show
