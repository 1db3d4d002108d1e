"""Run the target's step(s) and read the gradient by the first rule that applies.

Readers, in order: ``[network] grads``, the backward's return value, gradients stored on
the object, the in-place update (``(before - after) / lr`` at a verified rate). Also
records the forward output, the student's loss values and the penalty probe.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradcheck.audit.adapters import (
    penaltyattrs,
    repeat,
    unreachable,
)
from gradcheck.audit.adapters.firststep import first_step
from gradcheck.audit.adapters.knobs import forward_takes_dropout
from gradcheck.audit.adapters.literaltwo import writes_two
from gradcheck.audit.adapters.names import canon, leaf
from gradcheck.audit.adapters.outputs import thresholded
from gradcheck.audit.adapters.params import params_out
from gradcheck.audit.adapters.penaltyprobe import penalty_probe
from gradcheck.audit.adapters.readers.echoed import NOTE as ECHOED_NOTE
from gradcheck.audit.adapters.readers.echoed import echoes_weights
from gradcheck.audit.adapters.readers.returned import grads_from_return, loss_value_info, unmatched
from gradcheck.audit.adapters.readers.spec_grads import grads_from_spec
from gradcheck.audit.adapters.readers.stored import grads_stored
from gradcheck.audit.adapters.readers.update import returned_params, update_grads
from gradcheck.audit.adapters.returns import returned_names
from gradcheck.audit.adapters.sampleforward import sample_forwards
from gradcheck.audit.adapters.step import Grad, Runner, Step1
from gradcheck.audit.adapters.studentloss import student_loss_grad, student_losses
from gradcheck.audit.adapters.target import Context, Target
from gradcheck.audit.adapters.updateform import update_form
from gradcheck.audit.loader import AuditError

#: A loss value this small at random weights is a softmax over a single class (see _check_degenerate):
#: log(1 + delta) for the delta students add inside the log, up to 1e-7 (``np.log(y + 1e-7)``).
DEGENERATE_LOSS = 1e-6


def _kinds(partial: dict, params: list) -> list[str] | None:
    """The dtypes the student's parameters were found in (kept when the values are read again)."""
    kinds = [e.get("dtype", "float64") for e in partial.get("params") or []]
    return kinds if len(kinds) == len(params) else None


def _check_invented(step: Step1, runner: Runner) -> None:
    """Invented sizes the network does not take: its output has another width, or is a constant softmax."""
    out = step.out
    if not isinstance(out, np.ndarray) or out.ndim != 2:
        return
    width = out.shape[0] if step.columns else out.shape[1]
    n_out = runner.Y.shape[1]
    if width != n_out or (n_out == 1 and out.size > 1 and bool(np.all(out == 1.0))):
        said = (
            f"the output has {width} column(s), not {n_out}"
            if width != n_out
            else "the output is 1 for every sample with one output column (a softmax over a single class): the "
            "network needs two or more outputs, which [data] n_out (or data in [data] file) gives"
        )
        exc = AuditError(said, where="making data", type_="NeedsSizes")
        exc.width = width if width != n_out else 3  # type: ignore[attr-defined]
        raise exc


def _check_degenerate(losses: list[dict], runner: Runner) -> None:
    """A loss of exactly zero on random weights with one invented output: a softmax over a single class."""
    # a real loss at random weights is of order 0.1 to 10; a softmax over one class is 0, or an
    # epsilon inside its log (log(1 + 1e-7)), far below this
    if runner.Y.shape[1] == 1 and any(abs(st["value"]) <= DEGENERATE_LOSS and not st.get("swapped") for st in losses):
        exc = AuditError(
            "the loss is 0 with one output (a softmax over one class)", where="making data", type_="NeedsSizes"
        )
        exc.width = 3  # type: ignore[attr-defined]
        raise exc


def _knob_in_forward(runner, s1) -> bool:
    """Does the forward take a dropout knob (the grader runs it with nothing dropped: ``ownloss._dropout_unseen``)?"""
    try:
        return forward_takes_dropout(runner.t.get_forward(s1.root))
    except Exception:  # noqa: BLE001 - a forward the target cannot give: none takes a knob
        return False


def extract_step(target: Target, params, ctx: Context, lrs, partial: dict, n: int, seed: int) -> dict:
    """Run the target's step(s) on the batch and read the gradient by the first rule that applies."""
    runner, s1 = first_step(target, params, ctx, lrs, n, seed)
    if ctx.sizes is not None and ctx.sizes.invented:
        _check_invented(s1, runner)
    partial["X"], partial["Y"] = runner.X, runner.Y_used
    if runner.form == "int" and np.ndim(runner.Y) == 2:  # one-hot rows say how many classes; the labels do not
        partial["Y"] = runner.Y
    for p, value in zip(params, s1.before):  # the layout tried last decides the shapes
        p.shape = tuple(value.shape)
    partial["samples_as_columns"] = s1.columns
    partial["params"] = params_out(params, s1.before, target.root_name, _kinds(partial, params))
    partial["forward"] = _forward_out(s1, target, ctx.notes)
    partial["forward_knob"] = _knob_in_forward(runner, s1)
    if partial["forward"] is not None:  # a forward that differs on every call: no loss change traces to a weight
        partial["forward_random"] = repeat.forward_difference(runner, s1, params)
    if runner.loss_name:
        ctx.notes.append(f"backward was given dL/d(output) from the student's {runner.loss_name}")
    result: dict[str, Any] = {"update": None, "target_shape": target.shape}
    result["update_form"] = update_form(ctx.loaded.stmts, [p.name for p in params])
    result["writes_two"] = writes_two(ctx.loaded.stmts)
    result["data_replaced"] = runner.form != "given" or runner.X is not ctx.X
    # per-sample code given the batch's first sample only (its targets as given)
    result["first_sample"] = runner.form == "given" and ctx.X is not None and len(runner.X) == 1 < len(ctx.X)
    grads, shape, s_used = _read(runner, s1, params, ctx, lrs, result)
    partial["probe_context"] = {"runner": runner, "s1": s_used, "params": params}  # gradcheck.audit.probes
    if shape in ("loss-and-grads", "grads-dict", "grads-tuple"):
        result["unmatched_grads"] = unmatched(s_used.ret, grads)  # what a check of the found ones would leave out
        partial["probe_context"]["ret_names"] = _returned_names(runner, s_used)  # the repeats read by the same names
    if s_used is not s1:
        partial["params"] = params_out(params, s_used.before, target.root_name, _kinds(partial, params))
        partial["forward"] = _forward_out(s_used, target, [])
    if partial["forward"] is not None and runner.X.shape[0] == 1:  # one sample checked: identified on several
        result["forward_samples"] = sample_forwards(runner, s_used, getattr(runner, "whole", None))
    missing = [params[i].name for i in range(len(params)) if i not in {g.param for g in grads}]
    if missing:
        ctx.notes.append(f"no gradient found for {', '.join(missing)}")
    grads = sorted(grads, key=lambda g: g.param)
    result.update(shape=shape, grads=[_grad_out(g, params) for g in grads])
    if shape == "loss-and-grads" and s_used is s1:  # reg=0.0 kept: its penalty measured apart (penaltyprobe)
        result["penalty_probe"] = penalty_probe(runner, s1, params, lrs[0])
    probed = (result.get("penalty_probe") or {}).get("knob", "")  # the one knob measured apart, if any
    unmeasured = {k: v for k, v in runner.penalty_attrs.items() if probed != f"attribute self.{k}"}
    if unmeasured:  # every other attribute set to 0 is checked again as the code sets it
        penaltyattrs.check_again(unmeasured)
    Xc, Yc = runner.batch(s1.columns)
    own: dict = {}  # the student's loss functions, evaluated again at other weights (gradcheck.audit.ownlosspoints)
    result["student_losses"] = student_losses(runner, s1, ctx.funcs, own)
    partial["probe_context"]["own_losses"] = own
    if ctx.sizes is not None and ctx.sizes.invented:
        _check_degenerate(result["student_losses"], runner)
    result["student_loss"] = result["student_losses"][0] if result["student_losses"] else None
    result["student_loss_grad"] = student_loss_grad(target, s1, ctx.funcs, Yc)
    return result


def _forward_out(step: Step1, target: Target, notes: list[str]) -> np.ndarray | None:
    """The forward output to compare with the reference, never class decisions (a thresholded predict)."""
    if not isinstance(step.out, np.ndarray):
        return None
    if thresholded(step.out):
        notes.append(
            f"{target.forward_path()} returns class decisions, not the network's output: the forward is not checked"
        )
        return None
    return step.out


def _read(runner: Runner, s1: Step1, params, ctx: Context, lrs, result: dict) -> tuple[list[Grad], str, Step1]:
    """(grads, shape name, the step they belong to) by the first reader that applies."""
    notes, root_name = ctx.notes, runner.t.root_name
    changed = any(not np.array_equal(b, a, equal_nan=True) for b, a in zip(s1.before, s1.after))
    if ctx.spec.get("grads"):
        if changed:
            notes.append("backward also changed the weights; gradients read from [network] grads")
        return grads_from_spec(list(ctx.spec["grads"]), s1, params, root_name), "spec", s1
    grads, shape, rnotes = grads_from_return(s1.ret, params, _returned_names(runner, s1))
    notes.extend(rnotes)
    if shape == "loss-and-grads":  # the grader judges the returned loss too (a scalar?)
        result["loss_value"] = loss_value_info(s1.ret)
    if grads and shape == "grads-dict" and s1.arg_lr and _keyed_like_params(grads, params):
        grads, shape, result["update"] = returned_params(runner, s1, grads, params, lrs, notes)
        return grads, shape, s1
    if grads and changed and echoes_weights(grads, s1):
        notes.append(ECHOED_NOTE)
        grads, shape, result["update"], step = update_grads(runner, s1, params, lrs, notes)
        return grads, shape, step
    if grads:
        if changed:
            notes.append("backward also changed the weights; the returned gradients are used")
        return grads, shape, s1
    stored, kind = grads_stored(s1.root, params, root_name)
    if stored and not changed:
        return stored, kind, s1
    skipped = [p.name for p, b, a in zip(params, s1.before, s1.after) if np.array_equal(b, a, equal_nan=True)]
    if _cleared(stored) and changed:  # update() zeroes self.grad_W after applying it: read from the update
        stored = []
    if changed and skipped and len(stored) == len(params):  # an update that leaves some weights alone
        notes.append(
            f"{runner.t.entry()} updated the weights but left {', '.join(skipped)} unchanged: "
            "the gradients it stored are used (the update itself never trains them)"
        )
        return stored, kind, s1
    if changed:
        grads, shape, result["update"], step = update_grads(runner, s1, params, lrs, notes)
        if len(stored) == len(params) and (result["update"] or {}).get("linear") is False:
            paths = ", ".join(g.path for g in stored)  # layers[0].weights_grad beside an Adam or AdaGrad step
            notes.append(
                f"{runner.t.entry()} updates the weights with more than the gradient "
                f"({result['update'].get('note')}): the gradients it stored are used ({paths})"
            )
            result["update"] = None
            return stored, kind, s1
        return grads, shape, step
    if stored:
        return stored, kind, s1
    raise AuditError(
        unreachable.no_gradients_text(runner.t, runner.loaded),
        where="reading gradients",
        type_="GradsNotFound",
    )


def _cleared(stored: list[Grad]) -> bool:
    """Stored gradients that are all exactly zero: cleared after the update used them, never the gradient."""
    return bool(stored) and all(not np.any(g.data) for g in stored)


def _returned_names(runner: Runner, step: Step1) -> list[str | None]:
    """The names in the backward's ``return gV, gc, gU, gd``."""
    return returned_names(runner.t.get_backward(step.root))


def _keyed_like_params(grads: list[Grad], params) -> bool:
    return all(g.rule == "name" and canon(leaf(g.path)) == canon(leaf(params[g.param].name)) for g in grads)


def _grad_out(g: Grad, params) -> dict:
    return {"param": params[g.param].name, "path": g.path, "rule": g.rule, "shape": list(g.data.shape), "data": g.data}
