"""Is the twin of a loss returned through a narrow numpy cast complex-safe? Judged before the check relies on it.

A loss returned as ``np.float32(value)`` (``value.astype(np.float32)``,
``np.asarray(value, dtype=np.float32)``, a float32 buffer, ``np.float16``)
drops the imaginary part of a complex evaluation and rounds every real one to
its stairs (6e-8 of a loss of 1 in float32). Its twin
(:func:`gradcheck.throughcast.through_cast`) keeps the imaginary part, so the
complex step reads the derivative of the value before the rounding: the one
the gradient code differentiates.

That reading is right only where everything else on the loss's path is
analytic. ``np.abs``, ``np.sign`` and the like are not: on a complex residual
``np.abs`` returns the modulus, whose imaginary part is 0, so the complex step
of a Huber loss drops every residual in its linear branch (W1 of a 3-1 Huber
net: -0.0123 by the twin's complex step, -0.0630 in truth). The check decides
that a loss is complex-safe by comparing its complex step with real
differences (:mod:`gradcheck.directional.complexprobe`,
:func:`gradcheck.probe.probe_complex_safety`). Against the loss as written
that comparison is void: real differences of a float32 staircase resolve a
derivative to ~1e-3 at best, so nothing refutes the twin and a wrong complex
step was taken for safe.

:func:`seen_if_safe` makes the same comparison against real differences that
can refute it: those of the value before the cast, the loss rebuilt with its
narrow types rounding nothing (float64 at real points, the ``"before_cast"``
twin), beside the complex step of the same value (the ``"unrounded"`` twin).
The twin is used only where

* that value is the loss's to the probe's ``VALUE_RTOL`` plus the returned
  type's own eps (the cast rounds, it does not change the function);
* the complex directional derivative along the combined screening direction is
  confirmed by a real one (:func:`gradcheck.directional.probe` says ``safe``);
* the twin the check uses (its casts still rounding real parts, as the user's
  do) reads the same directional derivative (a cast of intermediate values
  moves it);
* at the largest entry of every tensor the per-entry probe agrees, with at
  least one entry resolved by the real differences (``shown``).

A twin so judged is ``vouched`` for: the check's own probe, against real
differences of the stairs, does not overrule it.

Anything else leaves the loss as it is: checked by real differences, as before.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np

from gradcheck import directional as dr
from gradcheck import numeric as nm
from gradcheck.directional.complexprobe import PROBE_SLACK
from gradcheck.directional.complexstep import _complex_moved
from gradcheck.probe import probe_complex_safety
from gradcheck.problem import Problem, UserFunctionError
from gradcheck.throughcast import through_cast
from gradcheck.unrounded import REFUSED, VALUE_RTOL, before_cast, narrow_casts, unrounded_loss, unrounded_note


def seen_if_safe(problem: Problem, analytic, method: str) -> tuple[Problem, int, list[str]]:
    """``problem`` seen through its narrow numpy casts where that twin is judged complex-safe, else ``problem``.

    Returns the problem to check, the loss evaluations the judgement spent, and
    the notes it leaves (why a twin was not used). Losses with no narrow cast
    are left as they are at no cost. A float64 loss whose twin is not used, but
    whose cast only rounds the value it returns, is checked on that value before
    the rounding (:func:`unrounded_loss`).
    """
    found = narrow_casts(problem)
    if not found:
        return problem, 0, []
    what = " / ".join(found)
    notes, spent = [], 0
    if method in ("auto", "complex"):
        spent += 1
        outcome = at_complex(problem)
        if outcome == "takes":
            return problem, spent, []  # (its narrow types cast data or constants: the loss as written takes the step)
        if outcome == "drops":
            seen = problem.seen_through()
            reason, judging = judged(problem, analytic)
            spent += judging
            if seen is not None and reason is None:
                return dataclasses.replace(seen, vouched=True), spent, []
            notes.append(f"complex step through the loss's {what} cast not used: {reason}")
    unrounded, checking = unrounded_loss(problem)
    if unrounded is None:
        return problem, spent + checking, notes
    return unrounded, spent + checking, [*notes, unrounded_note(what)]


def drops_imaginary(problem: Problem) -> bool:
    """Does the loss as written drop the imaginary part of complex parameters (``ComplexWarning``)? (1 evaluation)

    A float32 net may name ``np.float32`` for its data or constants and take
    the complex step as it is; only a cast that drops the imaginary part needs
    the twin. A loss that raises at complex parameters for another reason is
    left as it is.
    """
    return at_complex(problem) == "drops"


def at_complex(problem: Problem) -> str:
    """What the loss as written does at complex parameters: ``"drops"`` the imaginary part, ``"takes"`` the step
    (returns a complex value), or ``"refuses"`` them (raises for another reason). 1 evaluation."""
    moved = {k: v.astype(np.complex128) for k, v in problem.params.items()}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            value = problem.call_loss(moved)
    except UserFunctionError as exc:
        return "drops" if isinstance(exc.__cause__, np.exceptions.ComplexWarning) else "refuses"
    except np.exceptions.ComplexWarning:
        return "drops"
    return "takes" if isinstance(value, complex) else "drops"


def judged(problem: Problem, analytic) -> tuple[str | None, int]:
    """Why the twin of ``problem``'s loss is not complex-safe (None: it is), and the evaluations spent."""
    before = before_cast(problem)
    try:
        user = problem.base_loss()
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            oracle = nm.Oracle(before)
    except REFUSED as exc:
        return f"the loss rebuilt without its cast does not evaluate ({type(exc).__name__}: {exc})", 1
    spent = 1
    try:
        reason = _reason(oracle, user, _rounding(problem.returned), analytic, through_cast(problem.loss_fn))
        return reason, spent + oracle.evaluations
    except REFUSED as exc:
        return f"the loss rebuilt without its cast fails at complex parameters ({type(exc).__name__})", (
            spent + oracle.evaluations
        )


def _rounding(returned) -> float:
    """The relative rounding of a value returned as ``returned`` (a narrow numpy type's eps; else 0)."""
    if isinstance(returned, type) and issubclass(returned, np.floating):
        return float(np.finfo(returned).eps)
    return 0.0


def _reason(oracle: nm.Oracle, user: float, rounding: float, analytic, rounded) -> str | None:
    """The judgements of the module docstring, cheapest first (None: all hold)."""
    if not abs(oracle.L0 - user) <= (VALUE_RTOL + rounding) * abs(user):
        return f"the value before the cast ({oracle.L0:.9g}) is not the loss's ({user:.9g}) up to the cast's rounding"
    wide = {n: np.asarray(g, dtype=np.float64) for n, g in analytic.items()}
    combined = dr.Combined(oracle, wide)
    seen = dr.probe(oracle, combined)
    if seen.error is not None:
        cause = seen.error.__cause__ or seen.error
        return f"the loss does not accept complex parameters ({type(cause).__name__}: {cause})"
    if seen.screen is None:
        return "at complex parameters it does not return the loss's value with an imaginary part (abs or similar)"
    if seen.safe is not True:
        reals = ", ".join(f"{r:.6g}" for r in seen.reals)
        numeric = seen.screen.numeric
        return (
            f"along the screening direction its complex step ({numeric:.6g}) is not confirmed by real differences "
            f"of the value before the cast ({reals or 'none'}): the loss is not analytic there (abs, sign, max or "
            "similar), and real differences judge it"
        )
    if _rounding_moves(oracle, rounded, combined, seen.screen.numeric):
        return (
            "the twin the check would use rounds the loss's intermediate values as the cast does, and that moves its "
            "complex step along the screening direction: real differences judge it"
        )
    entries = [(n, int(np.argmax(np.abs(g.reshape(-1))))) for n, g in wide.items() if g.size]
    return probe_complex_safety(oracle, entries, oracle, shown=True)


def _rounding_moves(oracle: nm.Oracle, rounded, combined, c: float) -> bool:
    """Does the twin the check uses (its casts rounding real parts) read another directional derivative? (1 evaluation)

    Where only the returned value is cast, the rounding leaves the imaginary part
    as it is and the two agree exactly; a cast of intermediate values
    (``np.float32(x @ W)``) moves the point the rest is linearised at.
    """
    used = dataclasses.replace(oracle.problem)
    used._through_cast = rounded
    moved = _complex_moved(oracle, combined.moves)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            value = used.call_loss(moved)
    finally:
        oracle.evaluations += 1
    read = float(np.imag(value)) / nm.COMPLEX_STEP
    return not abs(read - c) <= PROBE_SLACK * abs(c)
