"""The first forward + backward step on the batch, or on one sample for code written per sample.

Code written for one sample at a time is given its first sample (as a row, or as 1-D
vectors for code built on ``np.outer``); with no data, sizes are read off the weights
and a batch is made for them.
"""

from __future__ import annotations

import ast
import dataclasses

from gradcheck.audit.adapters import batchshaped, foldedbias, nodegraph
from gradcheck.audit.adapters.layout import choose_layout, furthest, per_sample
from gradcheck.audit.adapters.sizes import (
    make_batch,
    size_candidates,
)
from gradcheck.audit.adapters.sources import source_tree
from gradcheck.audit.adapters.step import Runner, Step1
from gradcheck.audit.adapters.target import Context, Target
from gradcheck.audit.adapters.vectorsample import NOTE as VECTOR_NOTE
from gradcheck.audit.adapters.vectorsample import fitting_vectors, vector_sample
from gradcheck.audit.loader import AuditError, StudentCodeError


def _one_sample(target: Target, ctx: Context) -> bool:
    trees = [t for t in (source_tree(c) for c in ctx.classes) if t is not None]
    trees += [t for t in (source_tree(f) for f in ctx.funcs.values()) if t is not None]
    trees.append(ast.Module(body=list(ctx.loaded.stmts), type_ignores=[]))
    return (
        target.per_sample or per_sample(trees, target.backward_name.rsplit(".", 1)[-1]) or per_sample(trees, "predict")
    )


def first_step(
    target: Target, params, ctx: Context, lrs, n: int, seed: int, one_sample: bool = True
) -> tuple[Runner, Step1]:
    """A runner and its first step: on the batch, else (per-sample code) on one sample.

    ``one_sample=False``: a batch the code fails on is not retried on one sample (sizes read off
    the weights are tried on a batch first: the wrong ones may still run on one sample).
    """
    X, Y = ctx.X, ctx.Y
    if X is None:
        return _invent_data(target, params, ctx, lrs, n, seed)
    whole = (X, Y)
    if _one_sample(target, ctx) and X.shape[0] > 1:
        ctx.notes.append("the student's own code calls it one sample at a time: checked on one sample")
        X, Y = X[:1], Y[:1]
    if _uses_outer(target, ctx) and (first := _as_vectors(target, params, ctx, lrs, whole)) is not None:
        return first
    runner = Runner(target, params, ctx.loaded, ctx.spec, X, Y, ctx.notes)
    runner.whole = whole  # the batch, for the forward of several samples (sampleforward)
    mark = len(ctx.notes)
    try:
        step = choose_layout(runner, lrs[0], params, ctx.notes)
        if X.shape[0] == 1:  # one sample already: a target of the wrong layout for it shows in the shapes
            step = fitting_vectors(runner, step, lrs[0], params, mark)
    except StudentCodeError as exc:
        if (carried := foldedbias.with_ones(runner, exc, lrs[0], params)) is not None:
            return carried
        if not isinstance(exc.original, (ValueError, IndexError, SystemExit)) or not one_sample:
            raise  # only shape errors suggest one-sample code (never a resource limit); a guard's exit(1) on a
            # batch (``if len(sample) != n_in: exit(1)``) is one
        failed = exc
    else:
        return _batch_carried(target, params, ctx, lrs, whole, step) or (runner, step)
    one = _first_sample(target, params, ctx, whole)
    if X.shape[0] == 1:  # one row already (per-sample code, or a batch of one): the sample as 1-D vectors
        one, step = vector_sample(one, lrs[0], params, failed)
    else:
        try:
            step = choose_layout(one, lrs[0], params, one.notes)
        except (StudentCodeError, AuditError):
            one, step = vector_sample(one, lrs[0], params, failed)
        else:
            step = fitting_vectors(one, step, lrs[0], params, 0)
        one.notes.append("the code fails on a batch but runs on one sample: checked on one sample")
    return _adopted(one, ctx), step


def _first_sample(target: Target, params, ctx: Context, whole) -> Runner:
    """A runner on the batch's first sample, with notes of its own until it is chosen (:func:`_adopted`)."""
    one = Runner(target, params, ctx.loaded, ctx.spec, whole[0][:1], whole[1][:1], [])
    one.whole = whole  # the batch, for the forward of several samples (sampleforward)
    return one


def _adopted(one: Runner, ctx: Context, *said: str) -> Runner:
    """``one`` chosen: its notes (and ``said``) join the audit's, which it writes to from now on."""
    ctx.notes.extend([*one.notes, *said])
    one.notes = ctx.notes
    return one


def _backward_trees(target: Target, ctx: Context) -> list[ast.AST]:
    """The backward method's source, else every module-level function's."""
    tree = source_tree(target.get_backward(target.fresh())) if target.root_name == "self" else None
    return [tree] if tree is not None else [t for t in (source_tree(f) for f in ctx.funcs.values()) if t is not None]


def _uses_outer(target: Target, ctx: Context) -> bool:
    """The backward calls ``np.outer``: written for one sample as 1-D vectors (a batch or a row would broadcast)."""
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "outer"
        for t in _backward_trees(target, ctx)
        for n in ast.walk(t)
    )


def _batch_carried(target: Target, params, ctx: Context, lrs, whole, step: Step1) -> tuple[Runner, Step1] | None:
    """The first sample's step, for per-sample code that ran on the batch but returned gradients keeping its axis
    (:mod:`~gradcheck.audit.adapters.batchshaped`); None when the batch's step stands.

    Batch code whose bias gradient is not summed over the batch looks the same on a batch (and is right on one
    sample): it is told apart by its backward reading the batch's size (``X.shape[1]``) or summing along an
    axis, which per-sample code never needs. Such code keeps the batch's step, and its bug.
    """
    n = len(whole[0])
    if not batchshaped.carries_batch(step.ret, params, n) or batchshaped.reads_batch(_backward_trees(target, ctx)):
        return None
    one = _first_sample(target, params, ctx, whole)
    try:
        first = choose_layout(one, lrs[0], params, one.notes)
    except (StudentCodeError, AuditError):
        return None
    if not batchshaped.fits(first.ret, params):
        return None
    return _adopted(one, ctx, batchshaped.NOTE), first


def _as_vectors(target: Target, params, ctx: Context, lrs, whole) -> tuple[Runner, Step1] | None:
    """The first sample as 1-D vectors, tried first for code built on ``np.outer`` (None: it does not run so)."""
    one = _first_sample(target, params, ctx, whole)
    one.vector = True
    try:
        step = choose_layout(one, lrs[0], params, one.notes)
    except (StudentCodeError, AuditError, IndexError, ValueError):
        return None
    return _adopted(one, ctx, VECTOR_NOTE), step


def _invent_data(target: Target, params, ctx: Context, lrs, n: int, seed: int) -> tuple[Runner, Step1]:
    cands = size_candidates(params)
    unit = nodegraph.wired_unit(target.fresh()) if not cands else None
    if unit is not None:  # one unit of a graph the code wires statement by statement, its weights a few numbers
        raise AuditError(
            nodegraph.message([unit], ["the code's own statements"]), where="finding the model", type_="EntryNotFound"
        )
    if not cands:
        raise AuditError(
            "no data was given and the input/output sizes cannot be read off the weights: "
            "set [data] n_in and [data] n_out",
            where="making data",
            type_="DataSizes",
        )
    failed: list[BaseException] = []
    # every reading of the weights on a batch first, then on one sample: W1 (84, 1), W2 (1, 84) read as
    # 84 inputs runs on one sample, as 1 input it runs on the batch
    for (n_in, n_out), one_sample in [(c, False) for c in cands] + [(c, True) for c in cands]:
        X, Y = make_batch(n_in, n_out, n, seed)
        sub = dataclasses.replace(ctx, X=X, Y=Y)
        try:
            runner, step = first_step(target, params, sub, lrs, n, seed, one_sample)
        except (StudentCodeError, AuditError) as exc:
            failed.append(exc)
            continue
        ctx.notes.append(
            f"no data given: n_in = {n_in}, n_out = {n_out} read off the weights; {n} samples made with seed {seed}"
        )
        return runner, step
    assert failed
    raise furthest(failed) or failed[0]  # sizes the weights do not have fail in the forward: never the code's error
