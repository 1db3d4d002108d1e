"""The short driver: find the shape, the parameters and the batch, run a step, read the gradient.

Shapes are tried in the order of :data:`gradcheck.audit.adapters.shapes.SHAPES`;
gradients are read by the first reader that applies (``[network] grads``, the
backward's return value, gradients stored on the object, the in-place update).
When neither data nor weights give the sizes, small ones are invented and tried
in turn (see :mod:`gradcheck.audit.adapters.sizes`).

The pieces it drives: :mod:`.modelfind` (which shape), :mod:`.noparams` (why no
parameters were found), :mod:`.firststep` (the first step, per sample or on the
batch) and :mod:`.extract` (the step's gradient, forward and loss values).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from gradcheck.audit.adapters import (
    batchconst,
    labels,
    owncall,
    scalarlists,
    stepmethod,
    unreachable,
)
from gradcheck.audit.adapters.datacount import bind_shape_counts
from gradcheck.audit.adapters.extract import extract_step
from gradcheck.audit.adapters.forwardreads import read_by_forward
from gradcheck.audit.adapters.loopwidth import bind_loop_widths
from gradcheck.audit.adapters.modelfind import find_target, functions_instead
from gradcheck.audit.adapters.noparams import no_params
from gradcheck.audit.adapters.objects import student_classes, student_functions
from gradcheck.audit.adapters.params import discover_params, dtypes, params_from_spec, params_out, snapshot
from gradcheck.audit.adapters.shapes.fit import _check_sizes as check_sizes
from gradcheck.audit.adapters.sizes import (
    INVENTED_N,
    Sizes,
    invented_sizes,
    make_batch,
    output_size_hints,
)
from gradcheck.audit.adapters.target import Context, Target
from gradcheck.audit.auditerrors import clipped
from gradcheck.audit.loader import AuditError, LoadedSubmission, StudentCodeError

#: Errors after which invented sizes are tried (the code's own sizes did not do).
RETRY_WITH_SIZES = ("NeedsSizes", "ParamsNotFound", "DataSizes")
#: Errors about how the code trains, true at any sizes: said over an earlier attempt's error (which a size the
#: code does not take, one output for a softmax, may have caused).
SAID_AT_ANY_SIZE = ("ManySteps",)


def audit(
    loaded: LoadedSubmission,
    X: np.ndarray | None,
    Y: np.ndarray | None,
    lrs: list[float],
    spec: dict,
    partial: dict,
    data: dict | None = None,
) -> dict:
    """Run the submission's forward/backward on (X, Y) and extract the claimed gradient.

    Parameters
    ----------
    loaded
        The loaded submission.
    X, Y
        Samples as rows: (N, n_in) and (N, n_out). None: sizes are read off the
        student's weights, or invented, and a seeded batch is made; the batch used
        is put in ``partial["X"]``/``partial["Y"]``.
    lrs
        Two small learning rates, used when the backward updates weights in place.
    spec
        Optional keys: entry, init_args, init_kwargs, forward, backward, params, grads,
        samples_as_columns, lr_arg, loss.
    partial
        Filled in as the audit proceeds (entry, params, forward, ...) so a caller can
        still report what was found when a later stage raises.
    data
        ``n`` and ``seed`` of the batch made when X is None (default 16, 0).

    Returns
    -------
    dict
        The result fields: shape, entry, notes, params, grads, forward, forward_path,
        samples_as_columns, update, data_replaced.
    """
    notes: list[str] = partial.setdefault("notes", [])
    n, seed = int((data or {}).get("n", INVENTED_N)), int((data or {}).get("seed", 0))
    n = batchconst.invented_n(loaded, data, n, notes) if X is None else n
    bind_loop_widths(loaded, n if X is None else len(X), notes)
    bind_shape_counts(loaded, n if X is None else len(X), notes)
    if X is None:
        funcs = list(student_functions(loaded.module.__dict__, loaded).values())
        funcs += [m for c in student_classes(loaded.module.__dict__, loaded) for m in vars(c).values() if callable(m)]
        schedule: list[Sizes | None] = [None, *invented_sizes(output_size_hints(funcs)), *_constructed(loaded)]
    else:
        schedule = [Sizes(X.shape[1], Y.shape[1])]
    first: BaseException | None = None
    first_notes: list[str] = []
    tried: set[Sizes] = set()
    own: dict[Sizes, str] = {}  # sizes the code's own weights have, and what made them
    while schedule:
        sizes = schedule.pop(0)
        if sizes is not None and sizes in tried:
            continue  # a width the output asked for that was tried already
        tried.add(sizes)
        attempt: list[str] = []
        if sizes is not None and sizes.invented:
            X, Y = make_batch(sizes.n_in, sizes.n_out, n, seed)
        ctx = Context(loaded, spec, X, Y, lrs[0], attempt, sizes)
        try:
            found = _audit_with(ctx, lrs, partial, n, seed)
        except (AuditError, StudentCodeError) as exc:
            if sizes is None and not (isinstance(exc, AuditError) and exc.type in RETRY_WITH_SIZES):
                notes.extend(attempt)
                raise
            if sizes is not None and isinstance(first, AuditError) and first.type in RETRY_WITH_SIZES:
                first = exc  # what went wrong with sizes says more than "sizes needed"
            elif isinstance(exc, AuditError) and exc.type in SAID_AT_ANY_SIZE:
                first = exc  # (its notes are taken with it just below)
            if first is None or first is exc:
                first, first_notes = exc, attempt  # (what was made for it: the error is read beside them)
            width = getattr(exc, "width", None)
            if width is not None and sizes is not None and all(s is None or s.n_out != width for s in schedule):
                schedule.insert(0, Sizes(sizes.n_in, width, invented=True))
            asked = getattr(exc, "sizes", None)  # weights the code sizes itself (init() writes 9 x 9)
            # (asked again after an attempt at sizes it asked for: its weights follow the sizes given, one more
            # input each time, (n + 1, h + 1): chasing them would never end)
            if asked is not None and asked not in tried and sizes not in own:
                schedule.insert(0, asked)
                own[asked] = getattr(exc, "by", "the code")
            continue
        used = partial.get("X")
        if sizes is not None and getattr(sizes, "call", None):
            attempt.insert(
                0,
                f"no data given, and the invented sizes did not run: {n} samples made with seed {seed} for the "
                f"{sizes.n_in} inputs and {sizes.n_out} outputs of the code's own {sizes.call}",
            )
        elif sizes in own:
            attempt.insert(
                0,
                f"no data given: {n} samples made with seed {seed} for the {sizes.n_in} inputs and "
                f"{sizes.n_out} outputs of the weights {own[sizes]} makes",
            )
        elif sizes is not None and sizes.invented and (used is None or used.shape[1] == sizes.n_in):
            attempt.insert(0, _invented_note(sizes, n, seed))
        notes.extend(attempt)
        return found
    assert first is not None
    notes.extend(n for n in first_notes if n not in notes)
    raise first


@dataclasses.dataclass(frozen=True)
class _CalledSizes(Sizes):
    """The sizes of the code's own construction of its model (``Network([784, 30, 10])``), the last tried."""

    call: str = ""


def _constructed(loaded: LoadedSubmission) -> list[Sizes]:
    """The sizes of the code's own call of a model class, tried after the invented ones (a forward that hard-codes
    ``reshape(-1, 784)`` runs at no other); [] when the code makes none with plain sizes."""
    names = [c.__name__ for c in student_classes(loaded.module.__dict__, loaded)]
    found = owncall.constructed_sizes(loaded.stmts, names, loaded.module.__dict__)
    return [] if found is None else [_CalledSizes(found[0], found[1], True, found[2])]


def _forward_of(target: Target, root):
    """The target's forward on ``root``, or None when it has none or cannot be had."""
    try:
        return target.get_forward(root)
    except Exception:  # noqa: BLE001 - the student's lookup failed: its own error shows where it is called
        return None


def _invented_note(sizes: Sizes, n: int, seed: int) -> str:
    return (
        f"no data and no sizes given: {sizes.n_in} inputs and {sizes.n_out} output(s) invented, {n} samples "
        f"made with seed {seed} (the gradient check does not depend on sizes)"
    )


def _audit_with(ctx: Context, lrs: list[float], partial: dict, n: int, seed: int) -> dict:
    try:
        target = find_target(ctx)
    except AuditError:  # nothing to check where the backward is only ``pass``: said before what else was missing
        if (stub := unreachable.only_stubs(ctx.loaded)) is None:
            raise
        raise AuditError(unreachable.unwritten_text(stub), where="finding the backward", type_="NotWritten") from None
    partial["entry"] = target.entry()
    target = _written(target, ctx)
    if target.own_sizes and ctx.sizes is not None and ctx.sizes.invented:
        ctx = dataclasses.replace(ctx, X=None, Y=None)  # its sizes are its own: the batch is made from its weights
    partial["entry"], partial["forward_path"] = target.entry(), target.forward_path()
    if target.orient is not None:
        target.orient(False)
    try:
        probe = target.fresh()
    except AuditError as exc:  # a model class the audit cannot make: the module's functions, when they hold one
        if target.root_name != "self" or (instead := functions_instead(exc, ctx)) is None:
            raise
        target = instead
        partial["entry"], partial["forward_path"] = target.entry(), target.forward_path()
        if target.orient is not None:
            target.orient(False)
        probe = target.fresh()
    if target.root_name == "self" and not ctx.spec.get("backward"):
        partial["step_method"] = stepmethod.step_method(type(probe), target.backward_name)
    known = {t.name: t for t in target.params_of(probe)} if target.params_of is not None else {}
    if ctx.spec.get("params") and not set(ctx.spec["params"]) <= set(known):
        if ctx.sizes is None and not discover_params(probe, target.root_is_namespace):
            raise no_params(target, probe, ctx.loaded.stmts)  # weights a method makes at sizes still to be invented
        params = params_from_spec(list(ctx.spec["params"]), probe, target.root_name)
    elif known:  # the shape's own names (``layers[0].W``), also as [network] params gives them
        params = [known[n] for n in ctx.spec.get("params") or known]
    else:  # what the forward reads: a helper object's arrays are no parameters
        params = read_by_forward(discover_params(probe, target.root_is_namespace), probe, _forward_of(target, probe))
    if not params:
        raise no_params(target, probe, ctx.loaded.stmts)
    if not target.own_sizes:  # weights of sizes its code fixes (2 x 2), made from a batch of invented ones
        check_sizes(params, ctx, f"{target.label}()")
    if (floats := scalarlists.number_biases(probe, params)) is not None:  # self.bias2 = 1.0 beside arrays
        ctx.notes.append(floats)
    partial["params"] = params_out(params, snapshot(probe, params), target.root_name, dtypes(probe, params))
    first: BaseException | None = None
    while True:
        try:
            return extract_step(target, params, ctx, lrs, partial, n, seed)
        except (AuditError, StudentCodeError) as exc:
            if not target.alternatives or not _try_next(exc):
                if first is not None and isinstance(exc, AuditError) and exc.type == "GradsNotFound":
                    raise first from None  # the natural backward's failure says more than "no gradients"
                if isinstance(first, AuditError) and first.type == "BindingError" and "backward_args" in str(first):
                    raise first from None  # an argument it could not place, named, says more than what followed
                if isinstance(first, StudentCodeError) and isinstance(exc, StudentCodeError):
                    raise first from None  # the natural backward's own error, not the one of a method tried after it
                raise
            if not (isinstance(exc, AuditError) and exc.type == "GradsNotFound"):
                first = first or exc
            nxt = target.alternatives.pop(0)
            why = "gave no gradients" if first is None else f"failed ({clipped(str(exc), 240)})"
            ctx.notes.append(f"{target.entry()} {why}; trying {target.label}.{nxt}")
            target = _retarget(target, nxt)
            partial["entry"], partial["forward_path"] = target.entry(), target.forward_path()


def _written(target: Target, ctx: Context) -> Target:
    """``target``, or the first of its alternatives whose backward is more than ``pass`` (said in a note); an
    error saying the backward is not written when none is, before weights, losses or data are looked for."""
    while unreachable.backward_unwritten(target, ctx.loaded) and not ctx.spec.get("backward"):
        if not target.alternatives:
            raise AuditError(
                unreachable.unwritten_text(target.entry()), where="finding the backward", type_="NotWritten"
            )
        nxt = target.alternatives.pop(0)
        ctx.notes.append(f"{target.entry()} is not written (pass only); trying {target.label}.{nxt}")
        target = _retarget(target, nxt)
    return target


#: Errors of a backward after which the model's other backward-ish methods are tried (train_step...).
RETRY_NEXT = ("GradsNotFound", "LossNotFound", "AmbiguousLoss", "BindingError")


def _try_next(exc: BaseException) -> bool:
    """A failure of the backward itself (not of the forward or the parameters): another entry may do. So may
    ``[network] grads`` not found after it ran (``layers[0].weights_grad``, set by ``train_step`` alone)."""
    if isinstance(exc, AuditError):
        return exc.type in RETRY_NEXT or (exc.type == "SpecError" and exc.where == "reading gradients")
    return isinstance(exc, StudentCodeError) and exc.where in ("backward", "loss gradient")


def _retarget(target: Target, name: str) -> Target:
    lookup = target.lookup or getattr
    t = dataclasses.replace(target, backward_name=name, get_backward=lambda r: lookup(r, name))
    if name == "loss" and target.forward_name is None:
        t = dataclasses.replace(t, forward_name="loss", forward_drops_y=True, get_forward=lambda r: lookup(r, "loss"))
    return t


__all__ = ["audit", "find_target", "labels"]
