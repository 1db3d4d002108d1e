"""A loss returned through a narrow numpy cast (``np.float32(J)``, ``.astype(np.float32)``), read before it.

The rounded value moves in stairs (a float32 loss of 1 in steps of 6e-8) that no real difference
resolves; the value before the cast computes the same formula in float64. :func:`before_cast` is that
loss; :func:`unrounded_loss` and :func:`unrounded_reference` use it only where it is the loss's to its
rounding, at the point and at points moved from it (a cast of data or of intermediate values would
change the function, not only round its value).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from gradcheck.problem import Problem, UserFunctionError
from gradcheck.throughcast import casts, through_cast

__all__ = [
    "REFUSED",
    "VALUE_RTOL",
    "before_cast",
    "narrow_casts",
    "unrounded_loss",
    "unrounded_note",
    "unrounded_reference",
]

#: How far the real part of the loss at complex parameters may stray from the real
#: loss. This only catches gross misuse (a loss that returns the magnitude of a
#: complex intermediate changes its value by orders more); numpy's complex
#: elementary functions (log1p, expm1 of a complex argument go through log and
#: exp) lose up to ``eps / |x|`` of a small result, so a loss of 1e-12 computed
#: that way differs by ~1e-5 of itself with nothing wrong. ``eps**(1/4)`` of
#: float64 (1.2e-4) sits between the two.
VALUE_RTOL = float(np.finfo(np.float64).eps) ** 0.25

#: What judging the twin may raise (the user's code, differently typed); it is then not used.
REFUSED = (UserFunctionError, TypeError, ValueError, ArithmeticError, np.exceptions.ComplexWarning)


def narrow_casts(problem: Problem) -> tuple[str, ...]:
    """The narrow numpy casts of ``problem``'s loss its twin sees through (``"np.float32"``, ...); () for none."""
    return tuple(c for c in casts(through_cast(problem.loss_fn)) if c != "float()")


def unrounded_loss(problem: Problem) -> tuple[Problem | None, int]:
    """``problem`` with its loss the value before its narrow casts, where those only round the returned value.

    Only at float64 parameters (the check's rtol is theirs), for a loss that
    returns a narrow numpy float, and where the value before the cast, rounded to
    that type, is the loss's to the last bit at the point and at
    :data:`UNROUNDED_POINTS` points moved from it: a cast of data or of
    intermediate values would change the function, not only round its value.
    Real differences of the rounded value read stairs (a float32 loss of 1 moves
    in steps of 6e-8: an entry of 1e-4 is not resolved at all); those of the value
    before the rounding resolve what float64 does. Returns the problem (or None)
    and the loss evaluations spent.
    """
    if problem.dtype != np.float64:
        return None, 0
    try:
        narrow = np.asarray(problem.loss_of(problem.params)).dtype.type  # (np.float32(v) or v.astype(np.float32))
    except Exception:  # the user's code: the check's own evaluation reports it
        return None, 1
    if not issubclass(narrow, np.floating) or np.finfo(narrow).eps <= np.finfo(np.float64).eps:
        return None, 1
    before, spent = _agreeing(problem, lambda user, value: narrow(value) == narrow(user))
    return before, spent + 1


def unrounded_reference(problem: Problem) -> tuple[Problem | None, int]:
    """The float64 reference of a float32 loss with narrow casts: its value before them, where that is the loss's.

    A float32 net's float64 twin (its parameters cast to float64) still rounds
    where the user's code casts (``np.float32(J)``, ``W.astype(np.float32)``):
    its real differences read stairs of 6e-8 of the loss. The value before
    those casts computes the same formula in float64; it is used where it is
    the loss's to ``VALUE_RTOL`` plus float32's eps at the point and at
    :data:`UNROUNDED_POINTS` points moved from it (float32 arithmetic rounds
    the user's value by a few of its ulps; a cast that changed the function
    would move it by far more). Returns the problem (or None) and the loss
    evaluations spent.
    """
    if problem.dtype == np.float64 or not narrow_casts(problem):
        return None, 0
    eps = float(np.finfo(problem.dtype).eps)
    return _agreeing(problem, lambda user, value: abs(value - user) <= (VALUE_RTOL + eps) * abs(user))


def _agreeing(problem: Problem, agree) -> tuple[Problem | None, int]:
    """:func:`before_cast` of ``problem`` where ``agree(user, value)`` at its point and at moved ones; else None."""
    rng = np.random.default_rng(0)
    before, spent = before_cast(problem), 0

    def moved(v):
        return (v * (1.0 + UNROUNDED_MOVE * rng.standard_normal(v.shape))).astype(v.dtype)

    points = [problem.params] + [{k: moved(v) for k, v in problem.params.items()} for _ in range(UNROUNDED_POINTS)]
    for p in points:
        try:
            spent += 2
            user, value = problem.call_loss(p), before.call_loss({k: v.astype(np.float64) for k, v in p.items()})
        except REFUSED:
            return None, spent
        if not (np.isfinite(user) and np.isfinite(value) and agree(user, value)):
            return None, spent
    return before, spent


def unrounded_note(what: str) -> str:
    """The note of a check whose real differences read the loss before its ``what`` cast."""
    return (
        f"real differences taken on the loss's value before its {what} cast (the same value to the cast's "
        "rounding): the rounded value moves in stairs no difference resolves"
    )


#: Points besides the check's own at which :func:`unrounded_loss` compares the rounded value before the cast with
#: the loss, and their relative distance from it (a random relative move of each parameter).
UNROUNDED_POINTS = 3
UNROUNDED_MOVE = 1e-3


def before_cast(problem: Problem) -> Problem:
    """``problem`` at float64 parameters, its loss the value before its narrow casts (real and complex)."""
    wide = problem.widened()
    real = through_cast(problem.loss_fn, "before_cast")
    before = dataclasses.replace(wide, loss_fn=real, through=True)
    before._through_cast = through_cast(problem.loss_fn, "unrounded")
    return before
