"""Naming an epsilon the user added inside a ``log`` as the cause of a small, uniform miss.

A loss written ``np.log(p + 1e-8)`` (or ``np.log(1 - p + eps)``) has the
derivative ``1 / (p + 1e-8)``, not ``1 / p``: a backward written for the plain
``log`` (``p - y`` through a sigmoid or softmax) is off by about ``1e-8 / p``
relative on every entry. The check fails it, rightly; :func:`named` adds a note
saying so in the user's terms when the loss's source shows such an epsilon and
every failing entry misses by no more than that epsilon could explain.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import textwrap

import numpy as np

#: ``log(<anything without parentheses> + <number>)``, ``np.log``/``math.log``/``log1p`` alike.
_LOGEPS = re.compile(r"log\(\s*[^()]*?\+\s*(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*\)")
#: An epsilon is named only where it is small: a larger constant is a deliberate part of the loss.
LARGEST = 1e-3
#: ... and where every failing entry misses by at most the epsilon over this smallest probability:
#: a miss of ``eps / p`` relative needs ``p >= SMALLEST_P`` to stay under it. A larger miss (a sign,
#: a factor, a missing term) is a bug of another kind, and the note would mislead.
SMALLEST_P = 1e-3


def added_epsilons(loss) -> list[float]:
    """The small constants ``loss``'s source adds inside a ``log`` (``[]`` if its source is unavailable)."""
    try:
        source = textwrap.dedent(inspect.getsource(loss))
    except (OSError, TypeError):
        return []
    found = []
    for match in _LOGEPS.finditer(source):
        eps = float(match.group(1))
        if 0.0 < eps <= LARGEST and eps not in found:
            found.append(eps)
    return found


def note(eps: float, worst: float) -> str:
    """The note naming ``eps`` as the cause of relative misses up to ``worst``."""
    return (
        f"every failing entry misses by at most {worst:.1g} of itself, which the {eps:g} the loss adds inside "
        f"a log explains: the derivative of log(p + {eps:g}) is 1/(p + {eps:g}), and a backward written for "
        f"log(p) (1/p, or p - y through a sigmoid or softmax) is off by about {eps:g}/p relative. If that "
        "backward is the one meant, take the epsilon out of the loss (np.clip(p, eps, 1 - eps), or the loss "
        "from logits with np.logaddexp or np.log1p); otherwise differentiate the epsilon too"
    )


def named(report, loss):
    """``report`` with :func:`note` added where a failing check's misses are an added epsilon's size."""
    if report.status != "fail":
        return report
    misses = [e.rel_error for t in report.tensors for e in t.worst if e.status == "fail"]
    eps = added_epsilons(loss)
    if not misses or not eps:
        return report
    largest = max(eps)
    worst = max(misses)
    if not worst <= largest / SMALLEST_P:
        return report
    return dataclasses.replace(report, notes=(*report.notes, note(largest, worst)))


#: The functions people guard with an added epsilon (``log(p + eps)``, ``sqrt(s + eps)``).
GUARDED = (np.log, np.log2, np.log10, np.sqrt)


class _Guard(np.ndarray):
    """An intermediate of the loss that remembers an epsilon added to it (``p + 1e-8``).

    While :func:`_evaluate` runs the loss on parameters of this type, every ufunc
    returns it again; an ``add`` of a scalar in ``(0, LARGEST]`` keeps its other
    operand as ``raw``. A guarded function (:data:`GUARDED`) applied to such an array
    records the epsilon and, in the twin, is applied to ``raw``: the loss without it.
    """

    raw: np.ndarray | None = None
    eps: float | None = None
    session: dict | None = None

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        session = _Guard.session
        if method == "__call__" and ufunc in GUARDED and isinstance(inputs[0], _Guard) and inputs[0].eps is not None:
            session["found"].append(inputs[0].eps)
            if session["drop"]:
                inputs = (inputs[0].raw, *inputs[1:])
        plain = [x.view(np.ndarray) if isinstance(x, _Guard) else x for x in inputs]
        out = getattr(ufunc, method)(*plain, **kwargs)
        if not isinstance(out, np.ndarray) or out.dtype.kind not in "fc" or "out" in kwargs:
            return out
        out = out.view(_Guard)
        if method == "__call__" and ufunc is np.add and len(plain) == 2:
            for c, x in (plain, plain[::-1]):
                if _is_epsilon(c) and isinstance(x, np.ndarray):
                    out.raw, out.eps = x, float(np.real(c))
        return out


def _is_epsilon(c) -> bool:
    """A scalar small and positive enough to be a guard (not a deliberate part of the loss)."""
    if isinstance(c, np.ndarray) and c.ndim:
        return False
    try:
        value = complex(c)
    except TypeError:
        return False
    return value.imag == 0 and 0.0 < value.real <= LARGEST


def _evaluate(loss_of, params: dict, drop: bool) -> tuple[object, list[float]]:
    """``loss_of(params)`` on guard-tracing parameters: its value and the epsilons it guarded with."""
    _Guard.session = {"found": [], "drop": drop}
    try:
        value = loss_of({k: np.asarray(v).view(_Guard) for k, v in params.items()})
        found = _Guard.session["found"]
    finally:
        _Guard.session = None
    if isinstance(value, np.ndarray):
        value = value.view(np.ndarray)[()]
    return value, sorted(set(found))


def guards(loss_of, params: dict) -> list[float]:
    """The epsilons ``loss_of`` adds inside a log or square root at ``params`` (best effort: ``[]`` when
    the loss converts its parameters, so that nothing reaches the log traced, or raises when traced)."""
    try:
        return _evaluate(loss_of, params, drop=False)[1]
    except Exception:  # the user's code under a traced type: no guard seen is the honest answer
        return []


def twin(loss_of):
    """The loss without its guards: each ``log(x + eps)`` evaluated as ``log(x)``."""
    return lambda params: _evaluate(loss_of, params, drop=True)[0]


def _failing(report) -> tuple[int, int]:
    """(failing tensors, failing entries) of a report: fewer means its loss explains more of the gradient."""
    tensors = [t for t in report.tensors if t.status == "fail"]
    return len(tensors), sum(t.counts.get("fail", 0) for t in tensors)


def _finite(loss_of, params: dict) -> bool:
    with np.errstate(all="ignore"):
        try:
            return bool(np.isfinite(complex(loss_of(params))))
        except Exception:  # the loss without its guard fails where the guard was needed: no twin here
            return False


def verified_note(eps: list[float], worst: float) -> str:
    """The note of a gradient checked against the loss without its epsilon."""
    said = ", ".join(f"{e:g}" for e in eps)
    return (
        f"checked against the loss without the {said} it adds inside a log: the gradient is exactly that loss's "
        f"(every entry within rtol), and the epsilon alone moves the loss's derivative by up to {worst:.1g} of "
        f"an entry here, the difference between 1/(p + eps) and 1/p. The epsilon is a guard, not part of the "
        "model; to have none, compute the loss from logits (np.logaddexp, np.log1p) or clip p instead"
    )


def without_guards(report, loss_of, params: dict, recheck):
    """A failing or inconclusive ``report`` checked again against the loss without its guards (:func:`twin`).

    When the loss adds an epsilon inside a log at ``params``, the gradient is
    checked again, at the same rtol, against the loss without it
    (``recheck(twin_loss)``). A pass there is the verdict: the epsilon explains
    every miss, or what the first check left unsettled (:func:`verified_note`).
    A fail there is the verdict of a failing check when it has fewer failing
    entries: it names the bugs beyond the epsilon, free of the epsilon's small
    miss on every entry, which would otherwise read as a bug of its own.
    Otherwise (no epsilon, a guard the point needs, a second check that settles
    nothing or explains less) ``report`` stands.
    """
    if report.status not in ("fail", "inconclusive"):
        return report
    eps = guards(loss_of, params)
    if not eps or not _finite(twin(loss_of), params):  # log(0) where the guard held it: no loss without it here
        return report
    again = recheck(twin(loss_of))
    if not _settles(report, again):
        return report
    worst = max((e.rel_error for _, e in report.failures), default=0.0)
    notes = tuple(n for n in again.notes if "inside a log explains" not in n)
    said = ", ".join(f"{e:g}" for e in eps)
    beyond = (
        f"checked against the loss without the {said} it adds inside a log (a guard whose own effect on the "
        "derivative is no bug): the entries above miss that loss's derivative too"
    )
    return dataclasses.replace(
        again,
        notes=(*notes, verified_note(eps, worst) if again.status == "pass" else beyond),
        evaluations=report.evaluations + again.evaluations,
        elapsed=report.elapsed + again.elapsed,
    )


def _settles(report, again) -> bool:
    """Is the check against the loss without its guards the verdict? A pass always; a fail of a failing
    check only with fewer failing entries (where the point needs its guard, as at a saturated output whose
    gradient differentiates the guard too, the loss without it explains less, and the first check stands)."""
    if again.status == "pass":
        return True
    return again.status == report.status == "fail" and _failing(again) <= _failing(report)
