"""Is the student's gradient a gradient everywhere, computed by the student's backward? (grader side)

The worker's probes (:mod:`gradcheck.audit.probes`) asked again at the same weights and
at weights the grader chose. Here, in the grader, each answer is checked:

``nondeterministic_gradient``
    The same weights gave a different gradient on the second call.
``inconsistent_gradient``
    Right at the student's own starting weights, wrong at the grader's point (a
    hard-coded or cached gradient, one computed for other weights, another function's
    output), or the step there did not use the weights the grader set.
``numerical_gradient``
    The backward evaluated the network at weights moved by a small step in one entry at a
    time: a finite-difference gradient passed off as backpropagation.

Each turns the verdict into ``fail`` with the diagnosis first; a gradient that passes
everywhere and is computed analytically is untouched.

The answer comes from the submission's own process, which can rewrite the worker. So no
part of it that would make the grader check less is taken on its word: the second point's
weights are the ones the grader computes from its seed, its gradient and forward are
graded by the grader's own arithmetic, an answer without that point is an error (the
worker sets it for every shape it reads a gradient from), and a "script" answer is
believed only when the source is one (:func:`_script_source`). What the worker alone can
see (a second call at the same weights, the watch on the calls) can only add a failure.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcheck.audit.attempts import screened
from gradcheck.audit.extracted import as_array, believed_precision
from gradcheck.audit.grade import SubmissionResult, grade
from gradcheck.audit.probes import probe_delta
from gradcheck.audit.samplecheck import judge_samples
from gradcheck.audit.spec import AuditSpec
from gradcheck.result import Diagnosis

__all__ = [
    "AUDIT_CODES",
    "at_point",
    "earns_no_gradient_points",
    "failed_at_point",
    "judge_calls",
    "judge_probes",
    "REPEAT_RTOL",
    "POINT_RTOL",
    "MIN_PERTURBED",
]

#: The evidence key of a fail against a loss that runs another network than the forward.
OTHER_NETWORK = "moved"
AUDIT_CODES = ("nondeterministic_gradient", "inconsistent_gradient", "numerical_gradient")
#: Two calls at the same weights agree to this fraction of the gradient's scale (float64
#: backprop is deterministic; this leaves room for a summation order that varies).
REPEAT_RTOL = 1e-8
#: The weights of the grader's point agree with what it asked for to this fraction of max(1, |w|)
#: (room for float32 weights: their rounding is 6e-8).
POINT_RTOL = 1e-6
#: Evaluations at perturbed weights (at two places at least) that make a numerical gradient.
MIN_PERTURBED = 3
#: CPU time (ns) threads already running may spend while the backward is watched: 0.2 ms. A thread that
#: only waits (a progress bar's monitor waking every few seconds) spends tens of microseconds; central
#: differences of even a 2-4-1 network's 17 weights (34 forward passes of numpy calls) spend about 1 ms.
UNWATCHED_CPU_NS = 200_000
#: At the grader's point a gradient of other weights (cached, hard-coded) is off by about the
#: move itself, ``PROBE_SCALE`` of the weights' size: tens of percent. One off by less than
#: this (1e-6 is typical) is the student's own arithmetic there, 1 - tanh(z)**2 cancelling at a
#: saturated unit, which the grader cannot rerun wider: not an inconsistent gradient.
GROSS = 1e-2
#: The same bound for a network judged in float64 (GROSS stays for float32's): its rounding there is ~1e-6. With
#: 1e-2, a backward taking finite differences where it was not watched (at its own weights, sys.getprofile() None)
#: and its own slightly wrong backprop at the grader's point (0.9% off) passed with a full score.
GROSS_FLOAT64 = 1e-4
#: An answer without the grader's second point. The worker sets the point for every shape it reads a gradient
#: from, so no answer of its own lacks it: an answer saying it "cannot be set" (or that the weights set do not
#: reach the computation) is a claim that the grader check less, made inside the submission's process.
NO_SECOND_POINT = (
    "the worker's answer lacks the gradient at the second point the grader chose, which the worker computes for "
    "every submission it reads a gradient from: the answer was not the worker's own (the submission rewrote it), "
    "and a gradient never checked away from the submission's own weights is not graded"
)


def earns_no_gradient_points(r: SubmissionResult) -> bool:
    """A gradient that is not the student's backprop (numerical, changing from call to call), or one found
    inconsistent at the grader's point with no tensor judged there (an error at that point, weights not
    used): whatever its tensors showed at the student's own weights, it earns no gradient points."""
    if any(d.code in ("numerical_gradient", "nondeterministic_gradient") for d in r.diagnoses):
        return True
    first = r.diagnoses[0] if r.status == "fail" and r.diagnoses else None
    unjudged = all(t.status in ("pass", "kink") for t in r.tensors)  # every tensor shown is the first point's
    # a loss of another network than the forward (gradcheck.audit.throughoutput): its tensors passed against it
    other_network = bool(first and first.code == "forward_mismatch" and first.evidence.get(OTHER_NETWORK))
    return bool(first and (first.code == "inconsistent_gradient" or other_network) and unjudged)


def _arrays(items: list | None) -> list[np.ndarray | None]:
    return [None if v is None else as_array(v) for v in (items or [])]


def _fail(r: SubmissionResult, diag: Diagnosis, **changes) -> SubmissionResult:
    return dataclasses.replace(r, status="fail", diagnoses=(diag, *r.diagnoses), **changes)


def _repeat(r: SubmissionResult, result: dict, probes: dict) -> SubmissionResult:
    """The first gradient against the one from a fresh object, then from that object's second call."""
    first = [_array_of(g) for g in result.get("grads", [])]
    names = [g["param"] for g in result.get("grads", [])]
    repeat = probes.get("repeat", {})
    r = _same(r, names, first, _arrays(repeat.get("grads")), "Two calls of the backward at the same weights")
    if "same_object" not in repeat or any(d.code == "nondeterministic_gradient" for d in r.diagnoses):
        return r
    again = _arrays(repeat.get("same_object"))
    return _same(r, names, first, again, "A second call of the backward on the same network at the same weights")


def _same(r: SubmissionResult, names: list, first: list, again: list, calls: str) -> SubmissionResult:
    for name, a, b in zip(names, first, again):
        if b is None or a.shape != b.shape:
            diff = np.inf
        else:
            diff = float(np.max(np.abs(a - b))) if a.size else 0.0
        scale = float(np.max(np.abs(a))) if a.size else 0.0
        if not diff <= REPEAT_RTOL * scale + 1e-300:
            return _fail(
                r,
                Diagnosis(
                    "nondeterministic_gradient",
                    name,
                    f"{calls} gave a different gradient for {name} "
                    f"(by up to {diff:.3g}). A gradient is a function of the weights and the batch: look for "
                    "randomness, counters or state kept between calls (a gradient accumulated with += and "
                    "never reset).",
                    0.95,
                    {"max_abs_difference": diff},
                ),
            )
    return r


def _array_of(g: dict) -> np.ndarray:
    return as_array(g["data"])


def at_point(r, result, point, X, Y, spec, seed, own_at=None) -> SubmissionResult:
    """``r`` after the answer at the grader's second point ``point`` (its ``params``, ``grads``, ``forward``):
    the weights there must be those the grader asked for, and the gradient right there."""
    if not r.passed:  # already wrong at the student's own weights: a second point adds nothing
        return r
    if not isinstance(point, dict) or "params" not in point:  # the worker sets the point for every shape it reads
        return dataclasses.replace(r, status="error", error=NO_SECOND_POINT)
    names = [p["name"] for p in result.get("params", [])]
    p1 = [_array_of(p) for p in result.get("params", [])]
    asked = [a + d for a, d in zip(p1, probe_delta([a.shape for a in p1], p1, seed))]
    got = _arrays(point.get("params"))
    off = [
        n
        for n, a, b in zip(names, asked, got)
        if b is None or a.shape != b.shape or not np.all(np.abs(a - b) <= POINT_RTOL * np.maximum(1.0, np.abs(a)))
    ]
    if off or len(got) != len(asked):
        return _fail(
            r,
            Diagnosis(
                "inconsistent_gradient",
                ", ".join(off) or None,
                "The backward did not compute its gradient at the weights the grader set "
                f"({', '.join(off) or 'weights missing'} differed): the weights must be read from the "
                "model each time, not re-initialised or cached.",
                0.9,
                {"weights_not_used": off},
            ),
        )
    again = result_at(result, point)
    if r.own_loss:  # graded against the student's own loss there, asked of the worker again
        at_p2 = own_at(again) if own_at is not None else None
        if at_p2 is None:
            note = "not checked at a second point: the student's own loss could not be asked there"
            return dataclasses.replace(r, notes=(*r.notes, note))
    else:
        at_p2 = _grade_at(again, X, Y, spec, r.path, seed, r.loss_choice)
    if _told_there(r, at_p2):
        if _reproduced_by(at_p2.forward.network, result, X, Y, spec, r):
            return _judged_there(r, at_p2)
        return _fail(r, _another_network(r.forward.network, at_p2.forward.network))
    if r.status == "kink" and at_p2.status == "pass":
        return _clear_of_kinks(r, at_p2)
    if r.passed and not at_p2.passed:
        bad = [t.name for t in at_p2.tensors if t.status not in ("pass", "kink")]
        if not bad and at_p2.status == "fail" and at_p2.diagnoses:  # a check of its own failed there (symmetry)
            return _fail(r, at_p2.diagnoses[0])
        if not bad and at_p2.status == "inconclusive" and r.own_loss:  # a check of its own gave no pass (segments)
            undecided = tuple(dataclasses.replace(t, status="inconclusive") for t in r.tensors)
            return dataclasses.replace(r, status="inconclusive", tensors=undecided, notes=(*r.notes, at_p2.notes[-1]))
        worst = _worst(at_p2)
        in_float32 = believed_precision(result)[0] != "float64" or "float32" in (r.precision, at_p2.precision)
        if at_p2.status == "inconclusive" or (
            at_p2.status == "fail" and worst < (GROSS if in_float32 else GROSS_FLOAT64)
        ):
            # not a gradient of other weights: the student's own arithmetic there, or undecided
            how = f"off by up to {worst:.2g} relative in {', '.join(bad)}" if np.isfinite(worst) else at_p2.status
            note = (
                f"at a second point the grader chose, the gradient is {how}: far less than a gradient "
                "of other weights would be (the move is a third of the weights' size); read as the "
                "rounding of the submission's own arithmetic there (a saturated unit's 1 - tanh(z)**2), "
                "not as an inconsistent gradient"
            )
            return dataclasses.replace(r, notes=(*r.notes, note))
        return _fail(
            r,
            Diagnosis(
                "inconsistent_gradient",
                ", ".join(bad) or None,
                "The gradient is right at the submission's own starting weights but wrong at weights the "
                f"grader chose ({', '.join(bad) or at_p2.error or 'no gradient'}): it is not computed from "
                "the weights (hard-coded, cached from another call, or another function's output).",
                0.95,
                {"failing_at_grader_point": bad, "status_at_grader_point": at_p2.status},
            ),
            tensors=at_p2.tensors or r.tensors,
        )
    return r


def _told_there(r: SubmissionResult, at_p2: SubmissionResult) -> bool:
    """Whether the forward at the grader's point identified another network than the one at the student's own
    weights, both reproduced exactly: the first could not tell them apart (weights at zero, where ``tanh`` and the
    identity agree), and the second point decides."""
    a, b = r.forward, at_p2.forward
    told = a is not None and b is not None and a.status == b.status == "match" and a.network != b.network
    return told and at_p2.status in ("pass", "kink", "fail", "inconclusive")


def _reproduced_by(network: str, result: dict, X, Y, spec: AuditSpec, r: SubmissionResult) -> bool:
    """Whether ``network`` (a label, ``2-4-1 tanh|sigmoid``) reproduces the forward at the submission's own weights
    too: the premise of judging at the grader's point. A forward that computes a sigmoid network at its own weights
    and a tanh one where the grader looks (told by the watch being on) is another function there, not a tie."""
    hidden, _, output = (network.split(" ") + [""])[1].partition("|")
    declared = {**spec.sections.get("network", {}), "hidden": [h for h in hidden.split(",") if h], "output": output}
    try:
        with screened():
            again = grade(result, X, Y, AuditSpec({**spec.sections, "network": declared}, spec.path), path=r.path)
    except Exception:  # noqa: BLE001 - a network the grader cannot declare is none that reproduces it
        return False
    return again.forward is not None and again.forward.status == "match"


def _another_network(first: str, there: str) -> Diagnosis:
    return Diagnosis(
        "inconsistent_gradient",
        None,
        f"The forward computes another network at weights the grader chose ({there}) than at the submission's own "
        f"weights ({first}), and {there} does not reproduce the output there: the code does not compute one function "
        "(it may tell when it is being checked), so its gradient is not judged at either point.",
        0.9,
        {"networks": [first, there]},
    )


def _judged_there(r: SubmissionResult, at_p2: SubmissionResult) -> SubmissionResult:
    """``r`` with the network the grader's point identified: its verdict there stands, its bug named as found there
    (a tanh unit's backward without ``1 - y**2`` is right at zero weights, where the derivative is 1)."""
    note = (
        f"at the submission's own weights the forward output did not tell the network apart ({r.forward.network} "
        f"reproduces it: weights at zero, or where activations agree); at the grader's point it is "
        f"{at_p2.forward.network}, and the gradient is judged there"
    )
    if at_p2.passed:
        return dataclasses.replace(r, forward=at_p2.forward, notes=(*r.notes, note))
    return dataclasses.replace(
        r,
        status=at_p2.status,
        tensors=at_p2.tensors,
        diagnoses=at_p2.diagnoses,
        error_maps=at_p2.error_maps,
        forward=at_p2.forward,
        notes=(*r.notes, note),
    )


def _clear_of_kinks(r: SubmissionResult, at_p2: SubmissionResult) -> SubmissionResult:
    """A kink at the submission's own weights, every entry right at the grader's point: pass.

    A ReLU unit sitting exactly at 0 at the starting weights (zero biases and a unit dead
    for a sample give ``z == 0``) makes the check there one-sided; the second point, away
    from every kink, decides.
    """
    kinked = [t.name for t in r.tensors if t.status == "kink"]
    note = (
        f"at the submission's own starting weights {', '.join(kinked) or 'some entries'} sit on a kink "
        "(a unit exactly at 0); at a second point the grader chose, every entry passes"
    )
    diagnoses = tuple(d for d in r.diagnoses if d.code != "kink")
    return dataclasses.replace(r, status="pass", tensors=at_p2.tensors, diagnoses=diagnoses, notes=(*r.notes, note))


def _worst(r: SubmissionResult) -> float:
    """The largest relative error of ``r``'s failing tensors (inf when none says)."""
    errors = [t.max_rel_error for t in r.tensors if t.status == "fail" and np.isfinite(t.max_rel_error)]
    return max(errors) if errors else float("inf")


def result_at(result: dict, point: dict) -> dict:
    """The worker's result as read at the grader's point: the weights and gradient there, none of the first point's
    own evidence (its forward, its probes, its penalty probe)."""
    params = [{**p, "data": v} for p, v in zip(result["params"], point["params"])]
    grads = [
        {"param": g["param"], "rule": g.get("rule", "?"), "data": v}
        for g, v in zip(result["grads"], point.get("grads") or [])
        if v is not None
    ]
    again = {**result, "params": params, "grads": grads, "forward": point.get("forward"), "probes": None}
    again.update(forward_samples=point.get("forward_samples"), penalty_probe=None)  # the first point's: not here
    return again


def _grade_at(again: dict, X, Y, spec: AuditSpec, path: str, seed: int, loss=None) -> SubmissionResult:
    """The verdict at the grader's point (``again``: :func:`result_at`), under the loss of the student's own point."""
    with screened():  # whether it is computed from the weights: screens say, entry by entry where they trip
        return grade(again, X, Y, spec, path=path, seed=seed, loss=loss)


def judge_calls(r: SubmissionResult, calls: dict) -> SubmissionResult:
    """``r`` after what the watch on the calls at the grader's point saw (``CallWatch.summary`` of
    :mod:`gradcheck.audit.probes`)."""
    if calls.get("watch_removed"):  # its calls went unseen: no verdict on how its gradient was computed
        return dataclasses.replace(
            r,
            status="error",
            error="the submission switched off the grader's watch on its backward's calls (the interpreter's "
            "profile hook) at the grader's second point: how its gradient is computed cannot be checked",
        )
    busy = int(calls.get("thread_cpu_ns") or 0)
    if busy > UNWATCHED_CPU_NS:  # work done where the watch cannot see: a gradient found right is not judged
        unseen = (
            f"a thread the submission started before its backward ran computed for {busy / 1e6:.1f} ms of CPU while "
            "the backward was watched at the grader's second point: the grader's watch on the backward's calls sees "
            "only the thread that calls it and threads started meanwhile"
        )
        if r.status not in ("fail", "error", "timeout"):  # wrong whatever the thread did: a fail stays a fail
            how = (
                ", so how its gradient is computed cannot be checked; compute the gradient in the backward's own thread"
            )
            return dataclasses.replace(r, status="error", error=unseen + how)
        r = dataclasses.replace(r, notes=(*r.notes, unseen))
    if calls.get("hook_changes"):
        note = f"the backward tried {calls['hook_changes']} time(s) to change the profile hook that watched it; refused"
        r = dataclasses.replace(r, notes=(*r.notes, note))
    n, places = int(calls.get("perturbed_evaluations", 0)), int(calls.get("perturbed_places", 0))
    if n < MIN_PERTURBED or places < 2:
        return r
    where = ", ".join(sorted(calls.get("perturbed_functions", {}))) or "the submission's functions"
    return _fail(
        r,
        Diagnosis(
            "numerical_gradient",
            None,
            f"The backward evaluated {where} {n} times at {_perturbed_how(calls, places)}: that is a "
            "finite-difference (numerical) gradient, not backpropagation.",
            0.9,
            {"perturbed_evaluations": n, "perturbed_places": places, "calls": calls.get("calls", {})},
        ),
    )


def failed_at_point(r: SubmissionResult, err: dict) -> SubmissionResult:
    """The student's code raised at the grader's point (``err``: the worker's error)."""
    return _fail(
        r,
        Diagnosis(
            "inconsistent_gradient",
            None,
            f"The backward failed at weights the grader chose ({err.get('type')}: {err.get('message')}).",
            0.8,
            {"error": err},
        ),
    )


def _perturbed_how(calls: dict, places: int) -> str:
    """Where the watched evaluations were made, in words: moved entries or complex steps."""
    steps, lines = int(calls.get("complex_places", 0)), int(calls.get("line_places", 0))
    around, rays = int(calls.get("around_places", 0)), int(calls.get("ray_places", 0))
    moved = places - steps - lines - around - rays
    parts = [f"weights moved by a tiny step in one entry at a time ({moved} different entries)"] if moved else []
    if around:
        parts.append(
            f"copies of the weights moved by a tiny step in many entries at once, along {around} unrelated directions "
            "from the same point (differences along random directions)"
        )
    if rays:
        parts.append(
            f"copies of the weights at several steps along each of {rays} unrelated lines through them (derivatives "
            "along directions, from the loss at points on each line)"
        )
    if steps:
        parts.append(f"weights given a tiny imaginary step (a complex-step derivative) along {steps} directions")
    if lines:
        parts.append(
            f"inputs moved back and forth by tiny steps along {lines} lines (a finite-difference stencil on its "
            "functions' inputs, intermediate values such as pre-activations included: two calls of one function "
            "moving an argument by under 1e-3 relative along the same line)"
        )
    return " and at ".join(parts)


def _script_source(path: str, spec: AuditSpec) -> bool:
    """Is the submission at ``path`` a script by its source (read, never run)? True when it cannot be told."""
    from pathlib import Path

    from gradcheck.audit.scriptplan import is_script

    worker_spec = {k: v for k, v in spec.worker_spec().items() if v is not None}
    try:
        return is_script(Path(path), worker_spec)
    except Exception:  # noqa: BLE001 - a source the worker could not read either: its own error says why
        return True


def judge_probes(
    r: SubmissionResult,
    result: dict[str, Any],
    X,
    Y,
    spec: AuditSpec,
    *,
    seed: int,
    probe_seed: int | None,
    own_at: Callable[[dict], SubmissionResult | None] | None = None,
    script_again: Callable[[SubmissionResult], SubmissionResult] | None = None,
) -> SubmissionResult:
    """``r`` (the verdict at the student's own weights) after the probes' evidence.

    The worker's answer is not trusted to say that probes do not apply: only a script is
    checked at one point; a missing or foreign probe is an error, a probe that the
    student's code made fail is a failure.

    Parameters
    ----------
    r : SubmissionResult
        The verdict from :func:`gradcheck.audit.grade.grade`.
    result : dict
        The worker's result, with its ``probes``.
    X, Y : ndarray
        The batch.
    spec : AuditSpec
        The assignment's spec.
    seed : int
        Seed of the checks.
    probe_seed : int or None
        The seed the grader sent for the second point (None: no probes were asked for).
    own_at : callable, optional
        For a verdict against the student's own loss: the verdict on the result read at the second point
        (:func:`result_at`), against the same loss (:func:`gradcheck.audit.ownloss.at_point`), or None where
        none can be made.
    script_again : callable, optional
        For a script: ``r`` after the script's second run at the grader's weights
        (:func:`gradcheck.audit.scriptagain.judged`); None: a script is checked at its own weights only.
    """
    if probe_seed is None or r.status in ("error", "timeout") or not r.tensors:
        return r
    if r.failed_on_shapes:  # its gradients are not comparable entry by entry
        return r
    if result.get("shape") == "script":  # no function to call again: the script is run again
        if not _script_source(r.path, spec):
            return dataclasses.replace(
                r,
                status="error",
                error="the worker's answer says the submission is a script (run again as a whole, its backward never "
                "probed in the run that answered), which "
                "its source is not: the answer was not the worker's own (the submission rewrote it)",
            )
        if script_again is not None:
            return script_again(r)
        return dataclasses.replace(r, notes=(*r.notes, "a script is checked at its own weights only"))
    probes = result.get("probes")
    if not isinstance(probes, dict) or probes.get("seed") != probe_seed:
        return dataclasses.replace(r, status="error", error="the worker's answer lacks this run's second-point check")
    if probes.get("error"):
        return failed_at_point(r, probes["error"])
    r = _repeat(r, result, probes)
    if not any(d.code == "nondeterministic_gradient" for d in r.diagnoses):
        r = at_point(r, result, probes.get("point"), X, Y, spec, probe_seed, own_at)
        if r.status == "error":  # an answer that is not the worker's own: nothing else in it is evidence
            return r
    r = judge_calls(r, probes.get("calls") or {})
    r = judge_samples(r, result, probes, spec, probe_seed)  # per-sample code: each other sample a check
    return dataclasses.replace(r, notes=(*r.notes, "checked again at the same weights and at weights the grader chose"))
