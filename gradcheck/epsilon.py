"""Guards in a loss (an epsilon inside a ``log``, a clip of ``p`` away from 0 and 1), and what they explain.

A loss written ``np.log(p + 1e-8)`` (or ``np.log(1 - p + eps)``) has the
derivative ``1 / (p + 1e-8)``, not ``1 / p``: a backward written for the plain
``log`` (``p - y`` through a sigmoid or softmax) misses it by about ``1e-8 / p``
relative on every entry, and where ``np.clip`` holds a saturated ``p``, by that
sample's whole share. :func:`without_guards` finds such guards as the loss runs
and checks the gradient again against the loss without them; :func:`named` is
the older note read off the loss's source, kept for losses the tracing cannot
see through (a loss that converts its parameters with ``np.asarray``).
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import textwrap

import numpy as np

from gradcheck.compare import WEAK
from gradcheck.reach import TOP

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
    returns it again. Two kinds of guard are seen: an ``add`` of a scalar in
    ``(0, LARGEST]`` keeps its other operand as ``raw``, and a guarded function
    (:data:`GUARDED`) applied to such an array records the epsilon and, in the
    twin, is applied to ``raw``; a clip of a probability away from 0 and 1
    (``np.clip(p, 1e-7, 1 - 1e-7)``, ``np.maximum(p, 1e-12)``) is recorded and, in
    the twin, not made. The twin is the loss without its guards.
    """

    raw: np.ndarray | None = None
    eps: float | None = None
    session: dict | None = None

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        session = _Guard.session
        plain = [x.view(np.ndarray) if isinstance(x, _Guard) else x for x in inputs]
        if method == "__call__" and "out" not in kwargs:
            clipped = _clip_guard(ufunc, plain)
            if clipped is not None:
                session["found"].append(clipped[1])
                if session["drop"]:
                    return np.asarray(clipped[0]).view(_Guard)
            first = inputs[0]
            if ufunc in GUARDED and isinstance(first, _Guard) and first.eps is not None:
                session["found"].append(f"the {first.eps:g} it adds inside a {ufunc.__name__}")
                if session["drop"]:
                    plain[0] = first.raw
        out = getattr(ufunc, method)(*plain, **kwargs)
        if not isinstance(out, np.ndarray) or out.dtype.kind not in "fc" or "out" in kwargs:
            return out
        out = out.view(_Guard)
        if method == "__call__" and ufunc is np.add and len(plain) == 2:
            for c, x in (plain, plain[::-1]):
                if _is_epsilon(c) and isinstance(x, np.ndarray):
                    out.raw, out.eps = x, float(np.real(c))
        return out

    def __array_function__(self, func, types, args, kwargs):
        # np.dot, np.where, np.concatenate...: run as numpy runs them (the ufuncs inside, np.clip's among them,
        # still traced), their float results traced on: these functions hand back plain arrays, and a guard
        # further on (log(p + 1e-8) after a np.where) went unseen
        out = super().__array_function__(func, types, args, kwargs)
        return out if "out" in kwargs else _traced_on(out)


def _traced_on(out):
    """A function's result with its float arrays (alone, or in a tuple or list) traced."""
    if isinstance(out, np.ndarray) and not isinstance(out, _Guard) and out.dtype.kind in "fc":
        return out.view(_Guard)
    if isinstance(out, (list, tuple)) and not hasattr(out, "_fields"):
        return type(out)(_traced_on(v) for v in out)
    return out


def _clip_guard(ufunc, plain: list) -> tuple[np.ndarray, str] | None:
    """``(x, description)`` when the call clips an array ``x`` away from 0 (and 1) by an epsilon."""
    name = ufunc.__name__
    if name == "clip" and len(plain) == 3 and isinstance(plain[0], np.ndarray):
        x, lo, hi = plain
        if _is_epsilon(lo) and _scalar(hi) is not None and 1 - LARGEST <= _scalar(hi) <= 1:
            return x, f"np.clip to [{_scalar(lo):g}, 1 - {1 - _scalar(hi):.2g}]"
    if name in ("maximum", "fmax", "minimum", "fmin") and len(plain) == 2:
        for c, x in (plain, plain[::-1]):
            if not isinstance(x, np.ndarray) or _scalar(c) is None:
                continue
            if name in ("maximum", "fmax") and _is_epsilon(c):
                return x, f"np.{name} with {_scalar(c):g}"
            if name in ("minimum", "fmin") and 1 - LARGEST <= _scalar(c) < 1:
                return x, f"np.{name} with 1 - {1 - _scalar(c):.2g}"
    return None


def _scalar(c) -> float | None:
    """A real scalar's value (a Python or numpy number, or a 0-d array), else None."""
    if isinstance(c, np.ndarray) and c.ndim:
        return None
    try:
        value = complex(c)
    except TypeError:
        return None
    return value.real if value.imag == 0 else None


def _is_epsilon(c) -> bool:
    """A scalar small and positive enough to be a guard (not a deliberate part of the loss)."""
    value = _scalar(c)
    return value is not None and 0.0 < value <= LARGEST


def traced(compute, drop: bool) -> tuple[object, list[str]]:
    """``compute()``, run on arrays made :func:`guarding`: its value and the guards it used, described.

    ``drop``: the value is the loss's without its guards (:func:`twin`).
    """
    before, _Guard.session = _Guard.session, {"found": [], "drop": drop}
    try:
        with np.errstate(all="ignore"):  # the grader's own evaluations: the user's warnings are the user's runs'
            value = compute()
        found = _Guard.session["found"]
    finally:
        _Guard.session = before
    if isinstance(value, np.ndarray):
        value = value.view(np.ndarray)[()]
    return value, list(dict.fromkeys(found))


def traced_type() -> type:
    """The type of the arrays :func:`traced` sees (code that copies an array keeps it so: ``subok=True``)."""
    return _Guard


def guarding(a) -> np.ndarray:
    """``a`` as an array whose operations :func:`traced` sees (a view: the same numbers)."""
    return np.asarray(a).view(_Guard)


def _evaluate(loss_of, params: dict, drop: bool) -> tuple[object, list[str]]:
    """``loss_of(params)`` on guard-tracing parameters: its value and the guards it used, described."""
    return traced(lambda: loss_of({k: guarding(v) for k, v in params.items()}), drop)


def twin(loss_of):
    """The loss without its guards: ``log(x + eps)`` evaluated as ``log(x)``, ``np.clip(p, eps, 1 - eps)`` as ``p``."""

    def without(params):
        return _evaluate(loss_of, params, drop=True)[0]

    without.guards_dropped = True  # (its own check has no guards to look for)
    return without


def is_twin(loss) -> bool:
    """Is ``loss`` a :func:`twin` (a loss whose guards are already dropped)?"""
    return getattr(loss, "guards_dropped", False)


def _failing(report) -> tuple[int, int]:
    """(failing tensors, failing entries) of a report: fewer means its loss explains more of the gradient."""
    tensors = [t for t in report.tensors if t.status == "fail"]
    return len(tensors), sum(t.counts.get("fail", 0) for t in tensors)


def _traced(loss_of, params: dict) -> tuple[list[str], complex, complex] | None:
    """The guards ``loss_of`` uses at ``params``, its value there, and its value without them; None when
    tracing fails (the user's code under a traced type: no guard seen is the honest answer)."""
    try:
        value, found = _evaluate(loss_of, params, drop=False)
        return found, complex(value), complex(_evaluate(loss_of, params, drop=True)[0])
    except Exception:  # noqa: BLE001
        return None


def _float64_keeps_finite(loss_of, params: dict) -> bool:
    """float32 ``params`` whose float64 copy keeps the loss without its guards finite (a probability
    float32 rounds to 1 is 1 - 1e-9 there)."""
    if not any(np.asarray(v).dtype == np.float32 for v in params.values()):
        return False
    wide = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    try:
        return bool(np.isfinite(complex(twin(loss_of)(wide))))
    except Exception:  # noqa: BLE001 - the loss without its guard fails where the guard was needed
        return False


def verified_note(guards: list[str], worst: float) -> str:
    """The note of a gradient checked against the loss without its guards."""
    return (
        f"checked against the loss without {_listed(guards)}: the gradient is exactly that loss's (every entry "
        f"within rtol); the guards alone move the loss's derivative by up to {worst:.2g} of an entry here "
        "(1/(p + eps) against 1/p, or 0 where a clip holds p). A guard keeps a log finite and is not part of the "
        "model; to have none, compute the loss from logits (np.logaddexp, np.log1p, log-sum-exp)"
    )


def _explained_note(guards: list[str], worst: float) -> str:
    """The note of failed entries that pass, one by one, against the loss without its guards, where that loss's
    check leaves other entries open."""
    return (
        f"the entries the loss as written fails (by up to {worst:.2g} of themselves) pass, checked one by one, "
        f"against the loss without {_listed(guards)}: the guards explain their miss (1/(p + eps) against 1/p). "
        "The entries that check leaves open are the verdict"
    )


def _listed(guards: list[str]) -> str:
    return guards[0] if len(guards) == 1 else ", ".join(guards[:-1]) + " and " + guards[-1]


def without_guards(report, loss_of, params: dict, recheck):
    """A report not passed checked again against the loss without its guards (:func:`twin`).

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
    if report.status not in ("fail", "inconclusive", "kink"):  # (a guard's miss can look like a kink's)
        return report
    traced = _traced(loss_of, params)
    if traced is None or not traced[0] or traced[1] == traced[2]:  # no guard, or none acts here
        return report
    found, _, bare = traced
    dtype = None if np.isfinite(bare) else np.float64
    if dtype is not None and not _float64_keeps_finite(loss_of, params):  # log(0) where the guard held it
        return _said(report, _unsettled_note(found, "is not finite here (a probability rounds to 0 or 1)"))
    bare = twin(loss_of)
    by_entry = getattr(recheck, "entries", None)
    return settled(report, found, recheck(bare, dtype), by_entry and (lambda wanted: by_entry(bare, dtype, wanted)))


def settled(report, found: list[str], again, entries=None):
    """The verdict of ``report`` (a check against the loss with the guards ``found``) once ``again``, the check
    of the same gradient against the loss without them, is in (:func:`without_guards`).

    ``entries(wanted)``: entries (flat indices per tensor) checked one by one against the loss without the
    guards. Given it, a pass of ``again`` settles the entries the first check failed only where each of
    them, checked so, passes at least as finely as the first check resolved it (:func:`_entry_verdict`):
    a pass of a screen says nothing finer than the screen's reach at that entry, which can be coarser than
    the error the first check saw there.
    """
    if again.status == "pass" and entries is not None and report.failures:
        status, note, spent = _entry_verdict(report, entries)
        again = dataclasses.replace(again, evaluations=again.evaluations + spent)
        if status != "pass":
            return dataclasses.replace(
                report if status == "fail" else _inconclusive(report),
                notes=(*report.notes, note),
                evaluations=report.evaluations + again.evaluations,
                elapsed=report.elapsed + again.elapsed,
            )
    if again.status in ("inconclusive", "kink") and entries is not None and report.status == "fail":
        # the loss without the guards leaves other entries open (kinks): the failed ones, checked one by one
        # against it, decide whether the guards explain the fail
        status, _, spent = _entry_verdict(report, entries)
        if status == "pass":
            worst = max((e.rel_error for _, e in report.failures), default=0.0)
            return dataclasses.replace(
                again,
                notes=(*again.notes, _explained_note(found, worst)),
                evaluations=report.evaluations + again.evaluations + spent,
                elapsed=report.elapsed + again.elapsed,
            )
    if not _settles(report, again):
        if again.status == "inconclusive":  # said, the verdict kept: a bug may be there
            return _said(report, _unsettled_note(found, "loses too many digits here to pass the gradient"))
        return report
    worst = max((e.rel_error for _, e in report.failures), default=0.0)
    beyond = (
        f"checked against the loss without {_listed(found)} (guards whose own effect on the derivative is no "
        "bug): the entries above miss that loss's derivative too"
    )
    return dataclasses.replace(
        again,
        notes=(*again.notes, verified_note(found, worst) if again.status == "pass" else beyond),
        evaluations=report.evaluations + again.evaluations,
        elapsed=report.elapsed + again.elapsed,
    )


#: Failing entries per tensor checked one by one against the loss without its guards: all of them up to
#: :data:`ALL_BELOW`, else the recorded ones and the :data:`LIMIT` that miss the most (as :mod:`gradcheck.reach`
#: takes the entries a screen leaves unresolved). A clip holding a saturated sample fails many entries by its
#: share; a planted entry among them misses by less than the worst of them.
LIMIT = 16
ALL_BELOW = 2 * LIMIT


def _entry_verdict(report, entries) -> tuple[str, str, int]:
    """``(status, note, evaluations)`` of the entries ``report`` failed, checked one by one against the loss
    without its guards.

    ``pass``: every one passes there at a tolerance no wider than the first check's, or than
    :data:`gradcheck.compare.WEAK` of the entry (an entry off by 1% would show); ``fail``: one fails there
    too; ``inconclusive``: one is not resolved that finely.
    """
    failed = {(name, _flat(report, name, e.index)): e.tolerance for name, e in report.failures}
    for t in report.tensors:
        if t.status == "fail":
            failed.update({(t.name, j): 0.0 for j in _missing(report, t.name) if (t.name, j) not in failed})
    wanted: dict[str, list[int]] = {}
    for name, j in failed:
        wanted.setdefault(name, []).append(j)
    checked, spent = entries(wanted)
    found = [(name, e, failed[name, _flat(report, name, e.index)]) for name, ev in checked.items() for e in ev]
    wrong = [(name, e) for name, e, _ in found if e.status == "fail"]
    coarse = [(n, e) for n, e, first in found if e.status != "fail" and not _as_fine(e, first, _top(report, n))]
    if wrong:
        return "fail", _beyond_note(", ".join(_at(name, e) for name, e in wrong[:4])), spent
    if coarse:
        name, e = coarse[0]
        return "inconclusive", _coarse_note(_at(name, e), e), spent
    return "pass", "", spent


def _missing(report, name: str) -> list[int]:
    """Flat indices of the entries of ``name`` the first check estimated off by more than ``rtol`` of them:
    all when no more than :data:`ALL_BELOW`, else the :data:`LIMIT` that miss the most."""
    g = np.asarray(report.analytic.get(name, []), dtype=np.float64).reshape(-1)
    n = np.asarray(report.numeric.get(name, []), dtype=np.float64).reshape(-1)
    if g.size == 0 or g.size != n.size:
        return []
    with np.errstate(invalid="ignore", divide="ignore"):
        miss = np.abs(g - n) / np.maximum(np.abs(g), np.abs(n))
    off = np.flatnonzero(np.isfinite(miss) & (miss > report.rtol))
    off = off[np.argsort(-miss[off], kind="stable")]
    return off[: LIMIT if off.size > ALL_BELOW else off.size].tolist()


def _flat(report, name: str, index: tuple[int, ...]) -> int:
    shape = report.tensor(name).shape
    return int(np.ravel_multi_index(index, shape)) if shape else 0


def _as_fine(e, first: float, top: float) -> bool:
    """Does ``e`` (an entry checked against the loss without its guards) pass as finely as the first check's
    tolerance ``first`` there (0 where that entry's evidence was not kept), or to :data:`gradcheck.compare.WEAK`
    of the entry, or of :data:`gradcheck.reach.TOP` of its tensor's largest ``top`` (a near-zero entry is past
    what any check of it resolves relative to itself, and a bug there moves the loss by less than its noise)?"""
    scale = max(abs(e.analytic), abs(e.numeric), TOP * top)
    return e.status == "pass" and e.tolerance <= max(first, WEAK * scale)


def _top(report, name: str) -> float:
    """The largest entry of tensor ``name``'s gradient (0 when the report does not hold it)."""
    g = np.abs(np.asarray(report.analytic.get(name, []), dtype=np.float64))
    return float(np.max(g[np.isfinite(g)], initial=0.0))


def _beyond_note(where: str) -> str:
    return (
        f"checked one by one against the loss without its guards (whose own effect on the derivative is no bug): "
        f"{where} miss that loss's derivative too"
    )


def _coarse_note(where: str, e) -> str:
    return (
        f"the check against the loss without its guards passes, but {where}, which the loss as written fails, is "
        f"resolved there one by one only to {e.tolerance:.2g} ({e.status}; the entry is {abs(e.analytic):.2g}): "
        "the guards may explain its miss, or a bug of that size may be there"
    )


def _at(name: str, e) -> str:
    return f"{name}[{', '.join(str(i) for i in e.index)}]" if e.index else name


def _inconclusive(report):
    """``report`` whose failing tensors are left ``inconclusive`` (their misses may be the guards')."""
    tensors = tuple(dataclasses.replace(t, status="inconclusive") if t.status == "fail" else t for t in report.tensors)
    return dataclasses.replace(report, status="inconclusive", tensors=tensors)


def _unsettled_note(found: list[str], why: str) -> str:
    return (
        f"the loss has {_listed(found)}, and the loss without them {why} (an output saturates). If this "
        "backward is written for the loss without them (p - y through a sigmoid or softmax), it may be right: "
        "compute the loss from logits (np.logaddexp, log-sum-exp) to check it; the verdict above is against "
        "the loss as written"
    )


def _said(report, note: str):
    """A failing report with ``note``; any other as it is (nothing to excuse)."""
    return dataclasses.replace(report, notes=(*report.notes, note)) if report.status == "fail" else report


def _settles(report, again) -> bool:
    """Is the check against the loss without its guards the verdict? A pass always; a fail of a failing
    check only with fewer failing entries (where the point needs its guard, as at a saturated output whose
    gradient differentiates the guard too, the loss without it explains less, and the first check stands)."""
    if again.status == "pass":
        return True
    return again.status == report.status == "fail" and _failing(again) <= _failing(report)
