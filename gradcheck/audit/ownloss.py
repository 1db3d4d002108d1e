"""A backward checked against the student's own loss, when the reference networks model neither it nor the net.

A hinge, a focal loss, label smoothing, an L1 term, a "cost" with an unusual
normalisation: when the value the code's loss computes matches no convention of the
losses the reference networks model (:class:`~gradcheck.audit.lossfit.LossDisagrees`),
or the network is none they have (one layer of weights), the audit has no reference to
judge the gradient against. The backward can still be checked against the loss the
student wrote: its gradient must be the derivative of that function of the weights, the
student's forward followed by the student's loss (a loss function or method, or the
loss value a ``loss(X, y)`` or the forward returns).

The loss is never run here. :func:`gradcheck.check_gradients` runs in the grader on a
table of loss values (richardson differences, every entry of a small network, a
sample of each tensor of a large one); each point it asks for that the table lacks is
sent to the sandboxed worker (:mod:`gradcheck.audit.ownlosspoints`), which evaluates the
student's loss there, and the check is run again on the fuller table, until it asks
for nothing new. While a point is missing the check is given the value the student's
own gradient predicts, so no verdict is ever read off a guess: the last run saw only
values the loss itself gave.

The loss must earn this: evaluated twice at the student's weights it gives the same
value, the value the first run reported, finite; it moves when the weights do; the run
again starts from the same weights; and every gradient the code returns belongs to a
parameter found (a check of some of them is no verdict on the backward). Otherwise the
honest error stays, with the reason added. The verdict says that the loss checked
against is the student's own, not the assignment's: a wrong loss is not judged this
way, only whether the backward differentiates the loss the code computes.

A pass is asked again at the grader's second point (:func:`at_point`), against the same loss
there: a gradient right at the student's own weights only (cached, hard-coded) fails as it
does against a reference loss.

Its numbers are the sandbox's: where the reference path recomputes every value in the
grader, this one takes the loss values the worker reports, so a submission that forges
the worker's answer (its result channel is writable from inside) can forge them too.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcheck import epsilon
from gradcheck.audit import segments, symmetry, throughoutput, unitorder
from gradcheck.audit.broadcastgrads import broadcast_onto_params
from gradcheck.audit.extracted import Extracted, check_rtol, n_out
from gradcheck.audit.network import ForwardCheck
from gradcheck.audit.ownlosspoints import MAX_POINTS
from gradcheck.audit.ownlosstable import Move, Table, halvings, move_of, sent, wire
from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.check import check_gradients
from gradcheck.errormap import error_maps

__all__ = ["OWN_LOSS", "asker", "at_point", "judged", "sources"]

#: How a verdict's ``loss`` names the student's own loss function: ``own: the student's hinge_loss()``.
OWN_LOSS = "own: "

#: The forward of a network no reference net has: checked only through the loss it feeds.
NOT_COMPARED = "no reference network has this network: its forward is compared with none"
#: A float64 check against a reference loss that fails tensors by less than this (relative) checks them again
#: against the student's own loss: a guard the loss and its derivative both carry (``log(p + 1e-7)`` and
#: ``-y / (p + 1e-7)``) moves the gradient by about ``1e-7 / p``, 1e-5 at a probability of 0.01, which is no bug;
#: a wrong formula (a factor, a term, a transposition) misses by far more, and a planted 1e-3 too.
GUARD_SIZED = 1e-4
#: Rounds of worker runs at most: the first table, the refinements a tripped check asks for, and
#: the entries it then checks one by one (one to three on the example submissions).
MAX_ROUNDS = 6
#: Networks up to this many entries are checked entry by entry; larger ones on a sample per tensor.
FULL_ENTRIES = 2_000
#: Entries sampled per tensor of a larger network.
SAMPLES = 64
#: A refinement (kinks, a step too long) halves the step again and again, one level per round: when a round
#: asks for few points, each single-entry move is asked at this many halvings of it too, ahead of need.
HALVINGS = 16
#: Rounds asking for more points than this are the first table or a bisection, not a refinement.
FEW_POINTS = 64
#: Two evaluations of a deterministic loss at the same weights agree to this many ulps of the value
#: (the same operations on the same numbers: exactly, unless a reduction's order varies).
REPEAT_ULPS = 4.0


def asker(run_worker: Callable, path, spec, data, **kw) -> Callable[[dict], dict | None]:
    """``ask(own_loss)``: ``run_worker`` (``batch.run_worker``, given: the batch imports this module) run again on
    ``data`` with ``kw``, answering the student's own loss at the grader's points
    (:mod:`gradcheck.audit.ownlosspoints`); its answer or None."""

    def ask(own_loss: dict) -> dict | None:
        return run_worker(path, spec, data=data, **kw, extra={"own_loss": own_loss})[1]

    return ask


def sources(graded: SubmissionResult, result: dict[str, Any]) -> list[str]:
    """The student's loss functions to check against, most telling first; [] when this path does not apply."""
    if result.get("shape") == "script":
        return []  # a script runs once, to its capture point: its loss cannot be asked again at other weights
    guarded = guard_sized(graded) and result.get("precision", "float64") == "float64"  # (float32 rounds a guard away)
    if not (graded.status == "error" and graded.unmodelled) and not guarded:
        return []
    found = [
        st
        for st in result.get("student_losses") or []
        if isinstance(st, dict) and st.get("tier") in (0, 1, 2, 3) and not st.get("swapped") and st.get("source")
    ]
    found.sort(key=lambda st: st["tier"])
    return list(dict.fromkeys(str(st["source"]) for st in found))


def guard_sized(graded: SubmissionResult) -> list[str]:
    """The tensors a check against a reference loss fails by less than :data:`GUARD_SIZED` (relative) at most."""
    if graded.status != "fail" or graded.own_loss:
        return []
    return [t.name for t in graded.tensors if t.status == "fail" and 0.0 < t.max_rel_error < GUARD_SIZED]


def _guard(values: list[Any], first: float) -> str | None:
    """Why the student's loss cannot serve as the reference (``values``: twice at its weights, then moved)."""
    a, b = values[0], values[1]
    if not (_finite(a) and _finite(b)):
        return "it gives no finite value at the student's own weights when called again"
    if abs(a - b) > REPEAT_ULPS * np.finfo(float).eps * max(abs(a), abs(b)):
        return f"it is not deterministic (called twice at the same weights: {a!r}, then {b!r})"
    if abs(a - first) > REPEAT_ULPS * np.finfo(float).eps * max(abs(a), abs(first), np.finfo(float).tiny):
        return f"called again at the same weights it gives {a!r}, not the {first!r} it gave before"
    moved = [v for v in values[2:] if _finite(v)]
    if moved and all(v == a for v in moved):
        return "its value does not change when the weights do: it does not depend on the parameters"
    return None


def _same_weights(result: dict[str, Any], answer: dict[str, Any]) -> bool:
    """The run answering the points read the same weights as the first (the points are moves from those)."""
    before = [np.asarray(p.get("data"), float) for p in result.get("params") or []]
    now = [np.asarray(p.get("data"), float) for p in answer.get("params") or [] if isinstance(p, dict)]
    return len(before) == len(now) and all(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(before, now))


def _refused(graded: SubmissionResult, source: str, why: str) -> SubmissionResult:
    note = f"the backward was not checked against the student's own loss ({source}): {why}"
    return dataclasses.replace(graded, notes=(*graded.notes, note))


def judged(
    graded: SubmissionResult, result: dict[str, Any], seed: int, ask: Callable[[dict], dict | None]
) -> SubmissionResult:
    """``graded``, or, when its loss or network is none the reference models, the verdict against its own loss.

    ``ask(request)`` runs the worker again with ``{"own_loss": request}`` and returns its answer.
    """
    wanted = sources(graded, result)
    if not wanted:
        return graded
    extra = [str(p) for p in result.get("unmatched_grads") or []]
    if extra:  # a parameter the search missed (a bias kept as a plain 0): a check of the others is no verdict
        why = f"the code returns gradients no parameter was found for ({', '.join(extra[:4])})"
        return _refused(graded, wanted[0], why + ": list them all in [network] params")
    ex = _extracted(result)
    if ex is None:
        return graded
    first = _first_values(result)
    report, source, why, asked = _settled(
        ex, first.get(wanted[0], 0.0), ask, result, wanted, _flat(ex, ex.params), seed, first
    )
    if why:
        return _refused(graded, source, why)
    verdict = _verdict(graded, report, source, asked)
    if graded.status == "fail" or _dropout_unseen(result):  # (a guard's settling: its network is the forward's)
        return verdict
    return throughoutput.judged(verdict, ex, _flat(ex, ex.params), ask, source, seed)


def _extracted(result: dict[str, Any]) -> Extracted | None:
    """The weights and gradient mended as grade() mends them (said there); None unless each weight has its gradient."""
    ex, _ = broadcast_onto_params(Extracted.from_result(result))
    names = list(ex.params)
    if not names or any(n not in ex.grads or ex.grads[n].shape != ex.params[n].shape for n in names):
        return None
    return ex


def _flat(ex: Extracted, part: dict[str, np.ndarray]) -> np.ndarray:
    """``part`` (the weights or the gradient) as one float64 vector, in the order of the weights."""
    return np.concatenate([part[n].astype(np.float64).ravel() for n in ex.params])


def _checked(ex: Extracted, value: float, ask, result, wanted, base1, seed, first) -> tuple:
    """``(report, source, why, evaluations)``: ``ex``'s gradient checked on the student's loss asked of the worker,
    from the table of :func:`_rounds` (``value``: the loss at ``ex``'s weights where known, else a placeholder)."""
    table = Table(list(ex.params), _flat(ex, ex.params), _flat(ex, ex.grads), value)
    params = {n: ex.params[n].astype(ex.precision) for n in ex.params}
    grads = {n: ex.grads[n].astype(ex.precision) for n in ex.params}
    mode = "full" if table.base.size <= FULL_ENTRIES else "sampled"
    rtol = check_rtol(ex)[0]  # (a gradient kept in float32 beside float64 weights: that storage's rounding)
    report, source, why = _rounds(table, params, grads, ask, result, wanted, base1, mode, seed, first, rtol)
    return report, source, why, len(table.known)


def _rounds(table, params, grads, ask, result, wanted, base1, mode, seed, first, rtol=None) -> tuple:
    """``(report, source, None)``: the check on ``table``, run again as the worker fills the points it asks for;
    ``(None, source, why)`` where the student's loss cannot serve (``base1``: the first run's weights, which the
    worker's points are moves from; ``first``: the values the first run gave, by source, for the guard, or None at
    a point of the grader's, where the loss's first value there is the only one)."""
    source, checked = wanted[0], False
    # at the grader's point the moves are sent from it, once per request
    start = {} if np.array_equal(table.base, base1) else {"start": sent(table.base, base1)}
    for _ in range(MAX_ROUNDS):
        table.start_round()
        report = check_gradients(
            table.loss, grads, params, method="richardson", mode=mode, seed=seed, samples=SAMPLES, rtol=rtol
        )
        if checked and not table.lacking:
            return report, source, None
        points = _to_ask(table, checked)
        got = _answer(ask, result, wanted, [wire(m) for m in points], start)
        if isinstance(got, str):
            return None, source, got
        source, values = got
        if not checked:
            why = _guard(values, values[0] if first is None else first.get(source, table.value))
            if why and len(wanted) > 1:  # (``get_loss()`` reading a cache no forward fills: the next one may serve)
                wanted = [w for w in wanted if w != source]
                continue
            if why:
                return None, source, why
            table.value, checked = float(values[0]), True
        table.fill(points, values)
    return None, source, f"the check still asked for new points after {MAX_ROUNDS} rounds"


def at_point(
    graded: SubmissionResult, result: dict[str, Any], again: dict[str, Any], seed: int, ask: Callable, data=None
) -> SubmissionResult | None:
    """The verdict at the grader's second point against the same loss of the student's, or None where none is made.

    ``again``: the worker's result read at that point (:func:`gradcheck.audit.consistency.result_at`: the weights
    the worker set as the grader asked, and the gradient the backward gave there). A gradient right at the
    student's own weights only (hard-coded, cached) passes the check against its own loss there as readily as
    against a reference loss: so it is asked again at weights the grader chose, entry by entry as at its own.
    ``data``: the batch ``(X, Y)`` (samples as rows), whose sizes tell the layers whose units are reordered
    (:mod:`gradcheck.audit.unitorder`; not checked without it).
    """
    first, ex = _extracted(result), _extracted(again)
    if first is None or ex is None or list(ex.params) != list(first.params):
        return None
    report, source, why, asked = _settled(
        ex, 0.0, ask, result, [graded.own_loss], _flat(first, first.params), seed, None
    )
    if why:
        return None
    at = [ex.params[n].astype(np.float64) for n in ex.params]  # the grader's point: its directions drawn from it
    drawn = int.from_bytes(hashlib.blake2b(_flat(ex, ex.params).tobytes(), digest_size=8).digest(), "big") >> 1
    checked = symmetry.judged(_verdict(graded, report, source, asked), at, drawn, ask, source)
    checked = segments.judged(checked, at, drawn, ask, source)
    if data is None or np.ndim(data[0]) != 2 or _dropout_unseen(result):
        return checked
    sizes = (np.shape(data[0])[1], n_out(first, np.asarray(data[1]), np.shape(data[0])[1]))
    named = {n: ex.params[n].astype(np.float64) for n in ex.params}
    return unitorder.judged(checked, named, sizes, drawn, ask, source, ex.precision)


def _dropout_unseen(result: dict[str, Any]) -> bool:
    """Does the student's loss perhaps drop units the forward the grader runs does not (a forward taking a dropout
    knob, run with nothing dropped; or the second run, with the code's own dropout kept, whose mask the forward
    may not apply)? Its loss is then no function of that forward's output, nor unchanged by reordered units."""
    return bool(result.get("forward_knob") or result.get("defaults_kept"))


def _settled(ex: Extracted, value: float, ask, result, wanted, base1, seed, first) -> tuple:
    """:func:`_checked`, and a check not passed settled against the student's loss without its guards
    (:func:`_unguarded`): ``(report, source, why, evaluations)``."""
    report, source, why, asked = _checked(ex, value, ask, result, wanted, base1, seed, first)
    if why:
        return report, source, why, asked
    report, more = _unguarded(report, ex, ask, result, source, base1, seed)
    return report, source, None, asked + more


def _unguarded(report, ex: Extracted, ask, result, source: str, base1: np.ndarray, seed: int) -> tuple:
    """``(report, evaluations)``: a check not passed, settled against the student's loss without its guards.

    ``np.log(p + 1e-8)`` has the derivative ``1 / (p + 1e-8)``: a right backward written for the plain log
    misses the loss as written by about 1e-8 / p on every entry. As on the reference path
    (:func:`gradcheck.epsilon.without_guards`), the worker evaluates the same loss with its guards dropped and
    the gradient is checked again against that; a pass there is the verdict, with the guards named.
    """
    if report.status not in ("fail", "inconclusive", "kink"):
        return report, 0
    seen: list[str] = []

    def twin(request: dict) -> dict | None:
        answer = ask({**request, "twin": True})
        own = answer.get("own_loss") if isinstance(answer, dict) else None
        if isinstance(own, dict):
            seen.extend(g for g in map(str, own.get("guards") or []) if g not in seen)
        return answer

    got = _answer(twin, result, [source], [sent(_flat(ex, ex.params), base1)])
    if isinstance(got, str) or not seen or not _finite(got[1][0]):
        return report, 0  # no guard acts here (or the loss without it is not finite): the verdict stands
    again, _, why, asked = _checked(ex, float(got[1][0]), twin, result, [source], base1, seed, None)
    return (report, 0) if why else (epsilon.settled(report, seen, again), asked + 1)


def _finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and bool(np.isfinite(v))


def _first_values(result: dict[str, Any]) -> dict[str, float]:
    """The value each loss function of the student's gave in the first run, called as its names say."""
    first: dict[str, float] = {}
    for st in result.get("student_losses") or []:
        if isinstance(st, dict) and st.get("value") is not None and not st.get("swapped"):
            first.setdefault(str(st["source"]), float(st["value"]))
    return first


def _to_ask(table: Table, checked: bool) -> list[Move]:
    """The points of this round: the student's own twice (first round), what the check lacked, halvings ahead."""
    own = move_of(table.base, table.base)
    points = ([] if checked else [own, own]) + list(table.missing.values())
    if checked and len(points) <= FEW_POINTS:
        points += [m for m in halvings(points, table.base, HALVINGS) if m.key() not in table.known]
    return points[:MAX_POINTS]


def _answer(ask, result: dict[str, Any], wanted: list[str], points: list[Any], start: dict | None = None):
    """``(source, values)``: the student's loss at ``points`` as the worker run again gave it; or why there are none."""
    answer = ask({"sources": wanted, "points": points, **(start or {})})
    own = answer.get("own_loss") if isinstance(answer, dict) else None
    if not isinstance(own, dict):
        return "the worker gave no values of it"
    if own.get("error"):
        return str(own["error"])
    if not _same_weights(result, answer):
        return "run again, the code did not start from the same weights"
    values, source = own.get("values"), str(own.get("source"))
    if not isinstance(values, list) or len(values) != len(points) or source not in wanted:
        return "the worker's answer does not match the points asked"
    return source, values


def _verdict(graded: SubmissionResult, report, source: str, evaluations: int) -> SubmissionResult:
    if graded.status == "fail":  # guard-sized misses of a reference loss: the student's own loss may explain them
        return _against_own(graded, report, source, evaluations)
    note = (
        f"{graded.unmodelled}, so the backward was checked against "
        f"the student's own loss, {source}, evaluated in the sandbox after the student's forward at each set of "
        f"weights the check asked for ({evaluations} evaluations): this is the student's loss, not the "
        "assignment's, so a wrong loss is not judged here, only whether the backward differentiates it"
    )
    said = [n for n in report.notes if "complex" not in n]  # the table takes real weights only, by design
    return dataclasses.replace(
        graded,
        status=report.status,
        error=None,
        tensors=report.tensors,
        diagnoses=tuple(report.diagnoses),
        error_maps=error_maps(report),
        forward=graded.forward or ForwardCheck("unavailable", None, None, NOT_COMPARED),
        loss=f"{OWN_LOSS}{source}",
        notes=(*graded.notes, note, *said),
        unmodelled="",
        own_loss=source,
    )


def _against_own(graded: SubmissionResult, report, source: str, evaluations: int) -> SubmissionResult:
    """Tensors a reference check failed by guard-sized misses: those that pass against the student's own loss pass."""
    small = guard_sized(graded)
    own = {t.name: t for t in report.tensors}
    cleared = [n for n in small if n in own and own[n].status in ("pass", "kink")]
    worst = max(t.max_rel_error for t in graded.tensors if t.name in small)
    if not cleared:
        note = (
            f"{', '.join(small)} missed the reference loss by less than {GUARD_SIZED:g} relative (at most "
            f"{worst:.2g}); checked against the student's own loss, {source}, too ({evaluations} evaluations): "
            "they fail there as well"
        )
        return dataclasses.replace(graded, notes=(*graded.notes, note))
    tensors = tuple(own[t.name] if t.name in cleared else t for t in graded.tensors)
    note = (
        f"against {graded.loss or 'the reference loss'}, {', '.join(cleared)} missed by at most {worst:.2g} "
        "relative, the size of a guard such as log(p + 1e-8) that the student's loss and its derivative both carry; "
        f"checked against the student's own loss, {source}, evaluated in the sandbox ({evaluations} evaluations), "
        "they are its exact derivative: a guard's own effect on the derivative is no bug"
    )
    if any(t.status == "fail" for t in tensors):  # a real bug beside them: its verdict and diagnoses stand
        return dataclasses.replace(
            graded,
            tensors=tensors,
            diagnoses=tuple(d for d in graded.diagnoses if not _only_about(d, cleared)),
            error_maps={k: v for k, v in graded.error_maps.items() if k not in cleared},
            notes=(*graded.notes, note),
        )
    return dataclasses.replace(
        graded,
        status="pass",
        tensors=tensors,
        diagnoses=(),
        error_maps={},
        loss=f"{OWN_LOSS}{source}",
        notes=(*graded.notes, note),
        own_loss=source,
    )


def _only_about(d, names: list[str]) -> bool:
    """Does diagnosis ``d`` name only tensors among ``names`` (one naming none names all: kept)?"""
    named = {n.strip() for n in d.tensor.split(",")} if d.tensor else set()
    return bool(named) and named <= set(names)
