"""A submission checked again with the dropout and penalties the first check turned off (grader side).

The main check turns dropout off and penalties to 0 where the code's own defaults set them
(``keep_prob=0.8``, ``lam=0.5``; :mod:`gradcheck.audit.adapters.knobs`): the reference
networks have neither, and the data loss's gradient is what they judge. A backward that
forgets the dropout mask, or leaves the penalty's term out of one tensor, is right with them
off. So the grader runs the submission a second time with every such knob as the code sets
it (``[entry] keep_defaults``), where the backward is judged against the student's own loss
(or a reference with the penalty) like any other:

* a failure there is the verdict: the tensors it fails join the first check's;
* a pass there is said in a note;
* where no verdict comes of it (a mask drawn anew on every call is random; an error), the
  first verdict stands, and the note says what was not checked; but a penalty attribute
  (``self.reg``), set to 0 on the grader's own reading of the code, leaves a pass inconclusive:
  a term that vanishes at 0 is judged nowhere else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from gradcheck.audit.adapters.names import PENALTY_NAME
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.result import Diagnosis

__all__ = ["judged", "kept", "turned_off"]

#: Verdicts that judged a gradient: an error or a timeout judged none, and a second run adds nothing to it.
JUDGED = ("pass", "kink", "fail", "inconclusive")


def turned_off(out: SubmissionResult, result: Mapping | None) -> dict[str, float | None]:
    """``{knob: value as written}`` the worker turned off for ``out`` (empty: nothing to check again)."""
    off = (result or {}).get("neutral_defaults")
    if out.status not in JUDGED or not isinstance(off, dict) or result.get("shape") == "script":
        return {}
    return {str(k): _number(v) for k, v in off.items()}


def _number(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def kept(spec: AuditSpec) -> AuditSpec:
    """``spec`` with ``[entry] keep_defaults = true``: the second run's."""
    sections = {**spec.sections, "entry": {**spec.sections.get("entry", {}), "keep_defaults": True}}
    return dataclasses.replace(spec, sections=sections)


def judged(out: SubmissionResult, off: Mapping[str, float | None], again: Callable[[], SubmissionResult]):
    """``out`` after the second run ``again()`` with the knobs ``off`` as the code sets them."""
    second = again()
    if second.status == "fail":
        return _failed(out, second, off)
    if second.status in ("pass", "kink"):
        note = f"checked again with {_as_set(off)}, against {_loss(second)}: {second.status}"
        return dataclasses.replace(out, notes=(*out.notes, note))
    why = second.error or f"the check was {second.status}"
    note = f"not checked again with {_as_set(off)}: {why}. The backward of the dropout mask or penalty is not checked"
    if out.status in ("pass", "kink") and any(k.startswith("self.") for k in off):
        # an attribute the grader set to 0 on its own reading (penaltyattrs): a pass stands only once checked with it
        undecided = tuple(dataclasses.replace(t, status="inconclusive") for t in out.tensors)
        return dataclasses.replace(out, status="inconclusive", tensors=undecided, notes=(*out.notes, note))
    return dataclasses.replace(out, notes=(*out.notes, note))


def _failed(out: SubmissionResult, second: SubmissionResult, off: Mapping[str, float | None]) -> SubmissionResult:
    """The first verdict with the tensors the second run failed, named for the knob that shows them."""
    failing = {t.name: t for t in second.tensors if t.status == "fail"}
    new = [n for n, t in failing.items() if (mine := _tensor(out, n)) is None or mine.status != "fail"]
    tensors = tuple(failing[t.name] if t.name in new else t for t in out.tensors)
    note = (
        f"checked again with {_as_set(off)}, against {_loss(second)}: {', '.join(new) or 'the same tensors'} fail there"
    )
    diagnoses = out.diagnoses + ((_diagnosis(new, off),) if new else ())
    if out.status != "fail":
        diagnoses = diagnoses[::-1]  # the second run's finding is the verdict's first
    maps = {**out.error_maps, **{k: v for k, v in second.error_maps.items() if k in new}}
    return dataclasses.replace(
        out,
        status="fail",
        tensors=tensors,
        diagnoses=diagnoses,
        notes=(note, *out.notes, *(n for n in second.notes if n not in out.notes)),
        error_maps=maps,
    )


def _diagnosis(new: list[str], off: Mapping[str, float | None]) -> Diagnosis:
    """What a tensor right with the knobs off and wrong with them on says: the penalty's term, or the mask's."""
    names = ", ".join(new)
    said = _knobs(off)
    if all(_penalty(k) for k in off):
        return Diagnosis(
            code="regularization_mismatch",
            tensor=names,
            message=(
                f"{names} {_be(new)} right without the penalty and wrong with it ({said}): the penalty's gradient is "
                "missing or wrong there. Add the derivative of the penalty term the loss adds (for "
                "lam / (2m) * sum(W**2), that is lam / m * W) to each weight's gradient, once"
            ),
            confidence=0.9,
            evidence={"knobs": dict(off)},
        )
    return Diagnosis(
        code="localized",
        tensor=names,
        message=(
            f"{names} {_be(new)} right without dropout and wrong with it ({said}): the backward does not follow the "
            "dropout the forward applies. Multiply the hidden layer's gradient by the same mask (and the same "
            "1 / keep_prob) the forward multiplied its activation by, before it reaches the layer below"
        ),
        confidence=0.8,
        evidence={"knobs": dict(off)},
    )


def _penalty(knob: str) -> bool:
    """``lam``, ``self.reg``: a penalty's strength (else a dropout rate)."""
    return bool(PENALTY_NAME.match(knob.removeprefix("self.")))


def _tensor(out: SubmissionResult, name: str):
    return next((t for t in out.tensors if t.name == name), None)


def _be(names: list[str]) -> str:
    return "is" if len(names) == 1 else "are"


def _as_set(off: Mapping[str, float | None]) -> str:
    """``keep_prob = 0.8 as the code sets it (the check above had it off)``."""
    it = "it" if len(off) == 1 else "them"
    return f"{_knobs(off)} as the code sets {it} (the check above had {it} off)"


def _loss(second: SubmissionResult) -> str:
    loss = second.loss or "the same loss"
    return loss[len("own: ") :] if loss.startswith("own: ") else loss


def _knobs(off: Mapping[str, float | None]) -> str:
    return ", ".join(f"{k} = {v:g}" if v is not None else f"{k} at its default" for k, v in off.items())
