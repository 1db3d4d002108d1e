"""A submission's time budget: its sandboxed runs together, not only each run, are capped.

One audit may run a submission several times (its first read, the grader's second point, its own
loss asked again, a run at other sizes or settings), each in a fresh sandbox with the wall-clock
limit of one run. :func:`budget_for` sets a deadline for the runs of the submission audited in the
current thread (:func:`gradcheck.audit.batch.audit_one`), :func:`within_budget` cuts each run's
limits to what is left of it, and :func:`judged` makes a verdict reached without a run the budget
cut short a ``timeout``: a check skipped for want of time is never a pass.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import time
from collections.abc import Iterator

from gradcheck.audit.isolation import Limits
from gradcheck.audit.submissionresult import SubmissionResult

__all__ = ["RUNS_BUDGET", "budget_for", "judged", "within_budget"]

#: A submission's sandboxed runs together take at most this many times the wall-clock limit of one run:
#: ``--timeout S`` caps a submission at 2S, never at S times the number of runs its shape asks for (a file
#: sleeping 4.5 s at each start once took 7 runs of 6 s). Two, not one: each later run repeats the start.
RUNS_BUDGET = 2.0


@dataclasses.dataclass
class Budget:
    """The deadline (``time.monotonic``) of a submission's runs, its length, and why it was spent (or None)."""

    deadline: float
    seconds: float
    spent: str | None = None


_CURRENT: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("gradcheck_audit_budget", default=None)


@contextlib.contextmanager
def budget_for(limits: Limits) -> Iterator[Budget]:
    """Within this block, the runs of the current thread share a budget of ``RUNS_BUDGET`` wall-clock limits."""
    seconds = RUNS_BUDGET * limits.wall_seconds
    budget = Budget(time.monotonic() + seconds, seconds)
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


def within_budget(limits: Limits) -> tuple[Limits, Budget | None]:
    """``limits`` with the wall-clock and CPU limits cut to what is left of the submission's budget, and the
    budget when it is what cut them (None otherwise)."""
    budget = _CURRENT.get()
    if budget is None:
        return limits, None
    left = max(budget.deadline - time.monotonic(), 0.1)  # a run with nothing left starts, and times out at once
    if left >= limits.wall_seconds:
        return limits, None
    cut = dataclasses.replace(limits, wall_seconds=left, cpu_seconds=max(1, min(limits.cpu_seconds, int(left) + 1)))
    return cut, budget


def spend(budget: Budget, reason: str) -> str:
    """Record that a run was cut short by ``budget``; the run's reason, saying so."""
    said = (
        f"the submission's sandboxed runs together reached its budget of {budget.seconds:g} s ({RUNS_BUDGET:g} x the "
        f"wall-clock limit of one run; raise it with --timeout or [limits] wall_seconds): {reason}"
    )
    budget.spent = budget.spent or said
    return said


def judged(out: SubmissionResult, budget: Budget) -> SubmissionResult:
    """``out``, or a ``timeout`` when a run it needed was cut short by the budget (a wrong gradient already found
    stays a fail, with a note)."""
    if budget.spent is None or out.status == "timeout":
        return out
    if out.status in ("fail", "error"):
        return dataclasses.replace(out, notes=(*out.notes, budget.spent))
    return dataclasses.replace(out, status="timeout", error=budget.spent)
