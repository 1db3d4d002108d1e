"""``diagnose``: the evidence of every kind, ranked, one diagnosis per bug.

Where the network behind the loss is known, the combination search
(:mod:`gradcheck.diagnose.search`) explains every entry with the fewest bugs and
each bug becomes one diagnosis, naming the tensors it explains. Where nothing
explains every entry, a catalogued bug that reproduces part of the wrong tensors
exactly is named as such, then the number-only signatures
(:mod:`gradcheck.diagnose.signatures`). A passing report is never diagnosed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from gradcheck.diagnose import coincide, messages, search
from gradcheck.diagnose.calibration import confidence
from gradcheck.diagnose.context import Context
from gradcheck.diagnose.posts import Bug
from gradcheck.diagnose.shapes import shape_diagnosis
from gradcheck.diagnose.signatures import signatures
from gradcheck.problem import misshaped
from gradcheck.result import Diagnosis, GradientReport

#: Up to this many parameters the mutants are compared even when only a few entries
#: fail: in a small net a catalogued bug may be confined or faint (bias-first-sample
#: where a unit is live in one sample only; dW from Z on units where Z is nearly
#: tanh(Z)) and fail just the one or two entries the numeric side resolves. Above
#: it, a few wrong entries among right ones are taken for an isolated slip and the
#: comparison is skipped (the size up to which ``auto`` checks entry by entry).
FINGERPRINT_ALWAYS_LIMIT = 20_000
#: Above this many parameters only single bugs are searched: pairs cost one pass
#: per screened pair, more than the failing check itself on a large net.
COMBINATION_LIMIT = 20_000


def _reference_form(claimed, params, context: Context):
    try:
        p = context.to_reference(params)
        a = {k: v / context.scale for k, v in context.to_reference(claimed).items()}
    except (KeyError, ValueError, IndexError):  # names or shapes the layout cannot map
        return None
    return (a, p) if set(a) == set(p) == set(context.network.config.param_names) else None


def explanations(claimed: Mapping[str, Any], params: Mapping[str, np.ndarray], context: Context) -> list:
    """The best complete explanations of ``claimed`` (user names), or ``[]``."""
    mapped = _reference_form(claimed, params, context)
    if mapped is None:
        return []
    size = sum(int(np.size(v)) for v in mapped[1].values())
    limit = search.MAX_BUGS if size <= COMBINATION_LIMIT else 1
    return search.search(*mapped, context, max_bugs=limit)


def _merge_helpers(bugs: tuple[Bug, ...]) -> list[Bug]:
    """Bugs of one wrong-derivative code in several parts of the net: one shared-helper bug."""
    out: list[Bug] = []
    for bug in bugs:
        mate = next((i for i, o in enumerate(out) if o.code == bug.code and o.code in search.FAMILY_CODES), None)
        alone = any(
            name in search.NOT_A_HELPER for name, _ in bug.parts + (out[mate].parts if mate is not None else ())
        )
        if mate is None or alone or bug.fitted or out[mate].fitted:
            out.append(bug)
            continue
        o = out[mate]
        tensors = tuple(dict.fromkeys(o.tensors + bug.tensors))
        out[mate] = Bug(o.code, "helper", o.layer, tensors, {}, False, o.parts + bug.parts)
    return out


def _tensor_field(bug: Bug, context: Context) -> str | None:
    everything = set(bug.tensors) == set(context.network.config.param_names)
    if everything and bug.kind not in ("scale", "transposed"):
        return None
    return ", ".join(context.user_name(t) for t in bug.tensors) or None


def _bug_diagnosis(bug: Bug, context: Context, index: int, total: int, basis: str, tied: int, rank: int):
    text = messages.fitted_message(bug, context) if bug.fitted else messages.catalogue_message(bug, context)
    layers = [layer for _, layer in bug.parts] or [bug.layer]
    layer = layers[0] if len(layers) == 1 else [x for x in layers if x is not None]
    evidence = {
        "mutant": bug.parts[0][0] if bug.parts and bug.kind != "helper" else bug.kind,
        "layer": list(layer) if isinstance(layer, tuple) else layer,
        "matched": "fitted" if bug.fitted else ("fingerprint" if total == 1 else "combination"),
        "explanation": rank,
        "bugs": total,
        "basis": basis,
        "tied": tied,
        **{k: v for k, v in bug.values.items() if v},
    }
    if bug.kind == "helper":
        evidence["parts"] = [[name, list(lay) if isinstance(lay, tuple) else lay] for name, lay in bug.parts]
    message = messages.together(index, total, text)
    return Diagnosis(bug.code, _tensor_field(bug, context), message, confidence(basis, tied), evidence)


def explained(found: list, context: Context) -> list[Diagnosis]:
    """One diagnosis per bug of each explanation (several explanations: tied alternatives)."""
    out = []
    for rank, e in enumerate(found, 1):
        bugs = _merge_helpers(e.bugs)
        kind = "fitted" if any(b.fitted for b in bugs) else "catalogue"
        basis = f"{kind}:{min(len(bugs), search.MAX_BUGS)}"
        for i, bug in enumerate(bugs, 1):
            out.append(_bug_diagnosis(bug, context, i, len(bugs), basis, len(found), rank))
    return out


def _partial(claimed, params, context: Context) -> list[Diagnosis]:
    mapped = _reference_form(claimed, params, context)
    if mapped is None:
        return []
    out = []
    for e in search.partial(*mapped, context):
        bug = e.bugs[0]
        text = messages.catalogue_message(bug, context)
        names = lambda ts: ", ".join(context.user_name(t) for t in ts)  # noqa: E731
        shown = lambda ts: ", ".join(context.shown_name(t) for t in ts)  # noqa: E731
        message = messages.partly(shown(bug.tensors), shown(e.unexplained), text)
        evidence = {"mutant": bug.parts[0][0], "layer": bug.layer, "matched": "partial", "basis": "partial"}
        evidence["unexplained"] = [context.user_name(t) for t in e.unexplained]
        out.append(Diagnosis(bug.code, names(bug.tensors), message, confidence("partial"), evidence))
    return out


def fingerprints(claimed: Mapping[str, Any], params: Mapping[str, np.ndarray], context: Context) -> list[Diagnosis]:
    """Bugs of the known architecture whose combined gradient equals ``claimed``.

    Parameters
    ----------
    claimed : mapping of str to array
        The gradient under suspicion, in the user's names (shapes may be wrong).
    params : mapping of str to ndarray
        Parameters it was computed at.
    context : Context
        The reference network and batch.

    Returns
    -------
    list of Diagnosis
        One per bug of the most parsimonious explanation (and of explanations
        tied with it); empty when no combination reproduces every entry.
    """
    return explained(explanations(claimed, params, context), context)


def _isolated_entries(report: GradientReport) -> bool:
    """A few wrong entries among right ones in every failing tensor of a large net.

    Comparing with the mutants is then skipped: no catalogued bug is likely
    to show in one or two entries of a net that large, and the comparison
    would cost more than the check (see :data:`FINGERPRINT_ALWAYS_LIMIT`).
    """
    if sum(t.size for t in report.tensors) <= FINGERPRINT_ALWAYS_LIMIT:
        return False
    failing = [t for t in report.tensors if t.status == "fail"]
    return bool(failing) and all(
        t.counts.get("fail", 0) <= 2 and t.counts.get("pass", 0) + t.counts.get("kink", 0) > 0 for t in failing
    )


def diagnose(
    report: GradientReport,
    *,
    params: Mapping[str, np.ndarray] | None = None,
    context: Context | None = None,
    batch_size: int | None = None,
    loss: str | None = None,
) -> GradientReport:
    """Return ``report`` with its ``diagnoses`` filled in, best first.

    Parameters
    ----------
    report : GradientReport
        The check's report; a passing one is returned unchanged.
    params : mapping, optional
        The parameters checked (needed for fingerprints and weight decay).
    context : Context, optional
        The reference network and batch behind the loss (fingerprints).
    batch_size : int, optional
        Number of samples (defaults to the context's).
    loss : {'mse', 'bce'}, optional
        The loss (defaults to the context's).

    Returns
    -------
    GradientReport
        A copy with ``diagnoses`` set: one per bug of the best explanation
        (``evidence['explanation']`` numbers tied alternatives), or what the
        numbers alone show; then where the wrong tensors sit (``localized``).
    """
    if report.passed:
        return dataclasses.replace(report, diagnoses=())
    outputs = None
    if context is not None:
        batch_size = batch_size or context.batch_size
        loss = loss or context.network.config.loss
        outputs = context.network.config.sizes[-1]
    found: list[Diagnosis] = []
    usable = context is not None and params is not None and not _isolated_entries(report)
    if usable:
        found = fingerprints(report.analytic, params, context)
    shapes = [shape_diagnosis(k, want, got, batch_size) for k, (want, got) in _shapes(report, params).items()]
    if found:
        named = {t.strip() for d in found for t in (d.tensor or "").split(",")}
        shapes = [d for d in shapes if d.tensor not in named]  # a shape the explanation already names
        # every entry explained: where the wrong tensors sit adds nothing (and a clip or a factor sits nowhere)
        found = coincide.half_sum_reading(found, batch_size) if not shapes else found
        return dataclasses.replace(report, diagnoses=tuple(rank_diagnoses(_naming_failed(found, report) + shapes)))
    if usable:
        found = _partial(report.analytic, params, context)
    found += shapes + signatures(report, batch_size=batch_size, loss=loss, outputs=outputs, params=params)
    return dataclasses.replace(report, diagnoses=tuple(rank_diagnoses(found)))


def _naming_failed(found: list[Diagnosis], report: GradientReport) -> list[Diagnosis]:
    """The one bug that reproduces every entry of every tensor names every tensor the check failed: its effect on a
    bias (tanh'(tanh(Z)) at small weights) can sit below the search's tolerance and above the check's."""
    alone = [d for d in found if (d.evidence or {}).get("explanation") == 1]
    if len(alone) != 1 or (alone[0].evidence or {}).get("bugs") != 1 or not alone[0].tensor:
        return found
    named = [t.strip() for t in alone[0].tensor.split(",")]
    failed = [t.name for t in report.tensors if t.status == "fail" and t.name not in named]
    if not failed:
        return found
    wider = dataclasses.replace(alone[0], tensor=", ".join(named + failed))
    return [wider if d is alone[0] else d for d in found]


def _shapes(report: GradientReport, params) -> dict[str, tuple]:
    if params is None:
        return {}
    return misshaped(report.analytic, params)


def rank_diagnoses(found: list[Diagnosis]) -> list[Diagnosis]:
    """Best first (stable among equals), one per ``(code, tensor)``.

    The bugs of the best combination are all kept, even two of one code in one
    tensor (the output's derivative skipped on the way back, and the hidden one).
    """
    seen, out = set(), []
    for d in sorted(found, key=lambda d: -d.confidence):
        ev = d.evidence or {}
        part = (
            (ev.get("mutant"), str(ev.get("layer")))
            if ev.get("matched") == "combination" and ev.get("explanation") == 1
            else None
        )
        key = (d.code, d.tensor, part)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def diagnose_shape_error(
    exc, claimed: Mapping[str, Any], params: Mapping[str, np.ndarray], context: Context | None = None
) -> list[Diagnosis]:
    """Diagnoses for a gradient refused because of its shape (never empty).

    Parameters
    ----------
    exc : gradcheck.problem.GradientShapeError
        The refusal (tensor name, expected and actual shape).
    claimed, params : mapping
        The raw claimed gradient and the parameters (may be empty).
    context : Context, optional
        For fingerprints and the batch size.
    """
    found = fingerprints(claimed, params, context) if context is not None and claimed and params else []
    batch = context.batch_size if context is not None else None
    found.append(shape_diagnosis(exc.name, tuple(exc.expected), tuple(exc.got), batch))
    return rank_diagnoses(found)
