"""Per-sample code judged on each of the other samples the worker stepped (grader side).

The worker steps code written for one sample at a time on a few more samples of the
batch, alone and at the same weights (:mod:`gradcheck.audit.adapters.othersamples`).
Each is graded here as a check of its own, under the loss the first sample was judged
under. A verdict that passed on the first sample and fails on another becomes that
sample's failure; a failure on the first that others do not share is said to depend on
the sample (a branch on the label, say), its verdict unchanged.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from gradcheck.audit.extracted import as_array
from gradcheck.audit.grade import SubmissionResult, grade
from gradcheck.audit.signwording import on_some_samples
from gradcheck.audit.spec import AuditSpec

__all__ = ["judge_samples"]


def _at_sample(result: dict, sample: dict, spec: AuditSpec, r: SubmissionResult, seed: int) -> SubmissionResult:
    """The verdict on one other sample: the same grading, its own gradients and forward."""
    grads = [
        {"param": g["param"], "rule": g.get("rule", "?"), "data": v}
        for g, v in zip(result["grads"], sample.get("grads") or [])
        if v is not None
    ]
    again = {**result, "grads": grads, "forward": sample.get("forward"), "probes": None, "penalty_probe": None}
    X, Y = as_array(sample["X"]), as_array(sample["Y"])
    return grade(again, X, Y, spec, path=r.path, seed=seed, loss=r.loss_choice)


def _shown(indices: list[int]) -> str:
    return ", ".join(str(i) for i in indices)


def judge_samples(r: SubmissionResult, result: dict[str, Any], probes: dict, spec: AuditSpec, seed: int):
    """``r`` (the verdict on the first sample) after the other samples' verdicts; ``r`` when there are none."""
    samples = [s for s in probes.get("samples") or [] if isinstance(s, dict) and isinstance(s.get("index"), int)]
    if not samples or r.status not in ("pass", "kink", "fail"):
        return r
    if r.status == "fail":  # said only, never decided here: one other sample (a new target), one more check
        samples = samples[:1]
    wrong, right, unsure = [], [], []
    notes = [f"not checked on sample {s['index']}: {s['error']}" for s in samples if s.get("error")]
    for s in (s for s in samples if not s.get("error")):
        try:
            g = _at_sample(result, s, spec, r, seed)
        except (TypeError, ValueError, KeyError, IndexError):  # the worker's answer is untrusted: malformed
            notes.append(f"not checked on sample {s['index']}: the worker's answer for it is malformed")
            continue
        (right if g.passed else wrong if g.status == "fail" else unsure).append((s["index"], g))
        if wrong and r.passed:  # the verdict is decided: the other samples add only cost
            break
    checked = sorted([0] + [i for i, _ in right + wrong + unsure])
    notes.insert(0, f"the per-sample code was stepped on {len(checked)} samples one at a time (rows {_shown(checked)})")
    notes += [f"inconclusive on sample {i}" for i, _ in unsure]
    targets = {s["index"]: _target(s.get("Y")) for s in samples}
    targets[0] = _target((result.get("Y") if isinstance(result.get("Y"), list) else [None])[:1])
    if r.passed and wrong:
        i, g = wrong[0]
        notes.append(
            f"right on sample 0 but wrong on sample(s) {_shown([j for j, _ in wrong])} (right on "
            f"{_shown([0] + [j for j, _ in right])}): the bug shows only on some samples (a branch on the "
            f"label or the target's value?); the verdict shown is sample {i}'s"
        )
        said = on_some_samples(
            g.diagnoses, [(j, targets[j]) for j, _ in wrong], [(j, targets[j]) for j in [0] + [j for j, _ in right]]
        )
        return dataclasses.replace(r, status="fail", tensors=g.tensors, diagnoses=said, notes=(*r.notes, *notes))
    if r.status == "fail" and right:
        notes.append(
            f"wrong on sample 0 but right on sample(s) {_shown([j for j, _ in right])}: the bug shows only on "
            "some samples (a branch on the label or the target's value?), so what the diagnosis says of every "
            "gradient holds for the samples it shows on"
        )
        said = on_some_samples(r.diagnoses, [(0, targets[0])], [(j, targets[j]) for j, _ in right])
        return dataclasses.replace(r, diagnoses=said, notes=(*r.notes, *notes))
    return dataclasses.replace(r, notes=(*r.notes, *notes))


def _target(y: Any) -> str:
    """A sample's target as the message shows it: ``1``, ``0.5`` or ``[0, 1, 0]`` ("?" when unreadable)."""
    try:
        flat = [float(v) for v in as_array(y).ravel()]
    except (TypeError, ValueError, KeyError, IndexError):
        return "?"
    shown = [f"{v:g}" for v in flat]
    return shown[0] if len(shown) == 1 else ("?" if not shown else f"[{', '.join(shown)}]")
