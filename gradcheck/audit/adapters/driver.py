"""The short driver: find the shape, the parameters and the batch, run a step, read the gradient.

Shapes are tried in the order of :data:`gradcheck.audit.adapters.shapes.SHAPES`;
gradients are read by the first reader that applies (``[network] grads``, the
backward's return value, gradients stored on the object, the in-place update).
When neither data nor weights give the sizes, small ones are invented and tried
in turn (see :mod:`gradcheck.audit.adapters.sizes`).
"""

from __future__ import annotations

import ast
import dataclasses
from typing import Any

import numpy as np

from gradcheck.audit import frameworks
from gradcheck.audit.adapters import (
    batchconst,
    labels,
    looptrained,
    nodegraph,
    repeat,
    scalarlists,
    uncreated,
    unreachable,
)
from gradcheck.audit.adapters.calling import accepts_role, signature
from gradcheck.audit.adapters.indexedarg import indexed_argument
from gradcheck.audit.adapters.layout import choose_layout, per_sample
from gradcheck.audit.adapters.names import canon, is_param_name, leaf
from gradcheck.audit.adapters.objects import student_classes, student_functions
from gradcheck.audit.adapters.outputs import thresholded
from gradcheck.audit.adapters.params import discover_params, dtypes, params_from_spec, params_out, snapshot
from gradcheck.audit.adapters.penaltyprobe import penalty_probe
from gradcheck.audit.adapters.readers.echoed import NOTE as ECHOED_NOTE
from gradcheck.audit.adapters.readers.echoed import echoes_weights
from gradcheck.audit.adapters.readers.returned import grads_from_return, loss_value_info
from gradcheck.audit.adapters.readers.spec_grads import grads_from_spec
from gradcheck.audit.adapters.readers.stored import grads_stored
from gradcheck.audit.adapters.readers.update import returned_params, update_grads
from gradcheck.audit.adapters.returns import returned_names
from gradcheck.audit.adapters.sampleforward import sample_forwards
from gradcheck.audit.adapters.shapes import SHAPES
from gradcheck.audit.adapters.shapes.fit import _check_sizes as check_sizes
from gradcheck.audit.adapters.sizes import (
    INVENTED_N,
    Sizes,
    invented_sizes,
    make_batch,
    output_size_hints,
    size_candidates,
)
from gradcheck.audit.adapters.sources import source_tree
from gradcheck.audit.adapters.step import Grad, Runner, Step1
from gradcheck.audit.adapters.studentloss import student_loss_grad, student_losses
from gradcheck.audit.adapters.target import Context, Target
from gradcheck.audit.adapters.unimported import numpy_unimported, unrepairable
from gradcheck.audit.adapters.updateform import update_form
from gradcheck.audit.adapters.vectorsample import NOTE as VECTOR_NOTE
from gradcheck.audit.adapters.vectorsample import vector_sample
from gradcheck.audit.loader import AuditError, LoadedSubmission, LoadFailure, StudentCodeError

#: A loss value this small at random weights is a softmax over a single class (see _check_degenerate):
#: log(1 + delta) for the delta students add inside the log, up to 1e-7 (``np.log(y + 1e-7)``).
DEGENERATE_LOSS = 1e-6
#: Errors after which invented sizes are tried (the code's own sizes did not do).
RETRY_WITH_SIZES = ("NeedsSizes", "ParamsNotFound", "DataSizes")


def find_target(ctx: Context) -> Target:
    """The first shape that applies."""
    for shape in SHAPES:
        target = shape.find(ctx)
        if target is not None:
            return target
    broken = [f.what for f in _failures(ctx) if f.error in UNPARSED] + _undefined(ctx)
    for name, fn in sorted(ctx.funcs.items()):
        local = unreachable.local_weights(fn)
        if local:  # def main(): W1 = np.random.randn(...) ... W1 -= lr * dW1, all inside one function
            raise AuditError(
                f"{name}() makes its weights {', '.join(local)} as local variables and neither returns nor stores "
                "them, and no other function computes a gradient: nothing outside it can read or set them. No spec "
                "setting reaches a function's local variables: the code must return the weights, or keep them on "
                "an object or in module globals",
                where="finding the model",
                type_="EntryNotFound",
            )
    trained = looptrained.loop_trained(getattr(ctx.loaded, "stmts", None) or [])
    if trained is not None:
        locate = getattr(ctx.loaded, "locate", None) or (lambda n: f"line {n}")
        missing = [f.what for f in _failures(ctx) if f.error in looptrained.MISSING_DATA]
        raise AuditError(
            looptrained.message(trained, locate, broken + missing), where="finding the model", type_="EntryNotFound"
        )
    if (graph := nodegraph.node_graph(ctx.classes)) is not None:
        raise AuditError(nodegraph.message(*graph), where="finding the model", type_="EntryNotFound")
    if not ctx.classes and not ctx.funcs and (found := frameworks.frameworks_missing(ctx.loaded.notes)):
        raise AuditError(frameworks.framework_message(found), where="finding the model", type_="EntryNotFound")
    names = frameworks.modules_missing(ctx.loaded.notes) if not (ctx.classes or ctx.funcs) else []
    if names or (names := frameworks.own_modules_missing(ctx.loaded.notes)):  # helpers beside a missing model
        raise AuditError(frameworks.missing_modules_message(names), where="finding the model", type_="EntryNotFound")
    raise AuditError(
        "no class with forward/backward methods and no backward function was found "
        f"(classes: {sorted(c.__name__ for c in ctx.classes)}, functions: {sorted(ctx.funcs)})"
        + (f"; code that could not be loaded: {'; '.join(broken[:2])}" if broken else "")
        + (
            ". That is a defect of the submission, which no spec setting repairs"
            if unrepairable(broken, bool(ctx.classes or ctx.funcs))
            else ": set [entry] class or [entry] function"
        ),
        where="finding the model",
        type_="EntryNotFound",
    )


def _undefined(ctx: Context) -> list[str]:
    """Classes and functions whose own definition raised while loading (``dtype=np.float32`` with no numpy import)."""
    stmts = getattr(ctx.loaded, "stmts", None) or []
    locate = getattr(ctx.loaded, "locate", None) or (lambda n: f"line {n}")
    raised = {f.where: f"{f.error}: {f.message}" for f in reversed(_failures(ctx)) if f.statement}
    out = []
    for stmt in stmts:
        if isinstance(stmt, (ast.ClassDef, ast.FunctionDef)) and stmt.name not in ctx.ns:
            why = raised.get(locate(stmt.lineno))
            if why is not None:
                out.append(
                    f"{'class' if isinstance(stmt, ast.ClassDef) else 'function'} {stmt.name} ({locate(stmt.lineno)}) "
                    f"was never defined: its definition raised {why}"
                )
    return numpy_unimported(stmts) + out


#: Errors of a file or statement that could not even be parsed (its classes do not exist).
UNPARSED = frozenset({"SyntaxError", "IndentationError"})


def _failures(ctx: Context) -> list[LoadFailure]:
    """What raised while loading, as the loader recorded it (its notes that are failures)."""
    return [n for n in ctx.loaded.notes if isinstance(n, LoadFailure)]


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
    if X is None:
        funcs = list(student_functions(loaded.module.__dict__, loaded).values())
        funcs += [m for c in student_classes(loaded.module.__dict__, loaded) for m in vars(c).values() if callable(m)]
        schedule: list[Sizes | None] = [None, *invented_sizes(output_size_hints(funcs))]
    else:
        schedule = [Sizes(X.shape[1], Y.shape[1])]
    first: BaseException | None = None
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
            first = first or exc
            width = getattr(exc, "width", None)
            if width is not None and sizes is not None and all(s is None or s.n_out != width for s in schedule):
                schedule.insert(0, Sizes(sizes.n_in, width, invented=True))
            asked = getattr(exc, "sizes", None)  # weights the code sizes itself (init() writes 9 x 9)
            if asked is not None and asked not in tried:
                schedule.insert(0, asked)
                own[asked] = getattr(exc, "by", "the code")
            continue
        used = partial.get("X")
        if sizes in own:
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
    raise first


def _kinds(partial: dict, params: list) -> list[str] | None:
    """The dtypes the student's parameters were found in (kept when the values are read again)."""
    kinds = [e.get("dtype", "float64") for e in partial.get("params") or []]
    return kinds if len(kinds) == len(params) else None


def _invented_note(sizes: Sizes, n: int, seed: int) -> str:
    return (
        f"no data and no sizes given: {sizes.n_in} inputs and {sizes.n_out} output(s) invented, {n} samples "
        f"made with seed {seed} (the gradient check does not depend on sizes)"
    )


def _audit_with(ctx: Context, lrs: list[float], partial: dict, n: int, seed: int) -> dict:
    target = find_target(ctx)
    if target.own_sizes and ctx.sizes is not None and ctx.sizes.invented:
        ctx = dataclasses.replace(ctx, X=None, Y=None)  # its sizes are its own: the batch is made from its weights
    partial["entry"], partial["forward_path"] = target.entry(), target.forward_path()
    if target.orient is not None:
        target.orient(False)
    probe = target.fresh()
    known = {t.name: t for t in target.params_of(probe)} if target.params_of is not None else {}
    if ctx.spec.get("params") and not set(ctx.spec["params"]) <= set(known):
        if ctx.sizes is None and not discover_params(probe, target.root_is_namespace):
            raise _no_params(target, probe, ctx.loaded.stmts)  # weights a method makes at sizes still to be invented
        params = params_from_spec(list(ctx.spec["params"]), probe, target.root_name)
    elif known:  # the shape's own names (``layers[0].W``), also as [network] params gives them
        params = [known[n] for n in ctx.spec.get("params") or known]
    else:
        params = discover_params(probe, target.root_is_namespace)
    if not params:
        raise _no_params(target, probe, ctx.loaded.stmts)
    if not target.own_sizes:  # weights of sizes its code fixes (2 x 2), made from a batch of invented ones
        check_sizes(params, ctx, f"{target.label}()")
    if (floats := scalarlists.number_biases(probe, params)) is not None:  # self.bias2 = 1.0 beside arrays
        ctx.notes.append(floats)
    partial["params"] = params_out(params, snapshot(probe, params), target.root_name, dtypes(probe, params))
    first: BaseException | None = None
    while True:
        try:
            return _extract(target, params, ctx, lrs, partial, n, seed)
        except (AuditError, StudentCodeError) as exc:
            if not target.alternatives or not _try_next(exc):
                if first is not None and isinstance(exc, AuditError) and exc.type == "GradsNotFound":
                    raise first from None  # the natural backward's failure says more than "no gradients"
                if isinstance(first, AuditError) and first.type == "BindingError" and "backward_args" in str(first):
                    raise first from None  # an argument it could not place, named, says more than what followed
                raise
            if not (isinstance(exc, AuditError) and exc.type == "GradsNotFound"):
                first = first or exc
            nxt = target.alternatives.pop(0)
            why = "gave no gradients" if first is None else f"failed ({str(exc)[:120]})"
            ctx.notes.append(f"{target.entry()} {why}; trying {target.label}.{nxt}")
            target = _retarget(target, nxt)
            partial["entry"], partial["forward_path"] = target.entry(), target.forward_path()


#: Errors of a backward after which the model's other backward-ish methods are tried (train_step...).
RETRY_NEXT = ("GradsNotFound", "LossNotFound", "AmbiguousLoss", "BindingError")


def _try_next(exc: BaseException) -> bool:
    """A failure of the backward itself (not of the forward or the parameters): another entry may do."""
    if isinstance(exc, AuditError):
        return exc.type in RETRY_NEXT
    return isinstance(exc, StudentCodeError) and exc.where in ("backward", "loss gradient")


#: Constructor arguments that take the network's layer objects from the caller (``Network(layers)``).
LAYER_ARGS = ("layers", "layer_list", "modules")


def _no_params(target: Target, probe: Any, stmts=()) -> AuditError:
    if (graph := nodegraph.op_graph(probe)) is not None:  # Linear(X, W, b) nodes: MiniFlow-style graphs
        return AuditError(nodegraph.op_graph_message(*graph), where="finding the parameters", type_="ParamsNotFound")
    if (units := nodegraph.graph_around(probe)) is not None:  # Network.backPropagate over Neuron objects
        return AuditError(nodegraph.message(*units), where="finding the parameters", type_="ParamsNotFound")
    unreached = _unreached(target, probe, stmts)
    if unreached is not None:
        return AuditError(unreached, where="finding the parameters", type_="ParamsNotFound")
    scalars = (
        [k for k, v in vars(probe).items() if is_param_name(k) and isinstance(v, float)]
        if hasattr(probe, "__dict__")
        else []
    )
    if scalars:
        shown = ", ".join(f"self.{k}" for k in scalars[:6]) + (", ..." if len(scalars) > 6 else "")
        return AuditError(
            f"the weights of {target.label} are Python numbers ({shown}), one per connection: only numpy "
            "arrays are supported as parameters (not a spec setting: the network needs weight matrices)",
            where="finding the parameters",
            type_="ParamsNotFound",
        )
    misnamed = _misnamed_init(probe)
    if misnamed is not None:
        return AuditError(misnamed, where="finding the parameters", type_="ParamsNotFound")
    sig = signature(type(probe)) if hasattr(probe, "__dict__") else None
    if sig is not None and any(p.kind == p.VAR_POSITIONAL or p.name in LAYER_ARGS for p in sig.parameters.values()):
        return AuditError(
            f"{target.label}{sig} is given its layers by code outside the class, and the submission builds "
            "none the audit can evaluate: the network is assembled by a script or notebook; audit that file "
            "(with [entry] run_toplevel = true), or set [network] params",
            where="finding the parameters",
            type_="ParamsNotFound",
        )
    held = indexed_argument(target, probe) if target.root_name != "self" else None
    if held:
        arg, uses = held
        return AuditError(
            f"{target.entry()} reads its weights from its argument {arg!r} ({', '.join(uses)}), a container no "
            "module-level value or recognised initializer makes: the submission builds it only at run time. "
            "Parameters handed in by the caller of a function are not supported, and no spec setting reaches them",
            where="finding the parameters",
            type_="ParamsNotFound",
        )
    given = accepts_role(target.get_backward(probe), "params") if target.root_name == "self" else None
    if given:
        return AuditError(
            f"{target.entry()} is given the parameters as its argument {given!r} and {target.label} keeps none: "
            "parameters passed in by the caller of a method are not supported, and no spec setting reaches them "
            "(the audit finds weights on the model object, in module globals, or made by an initializer function)",
            where="finding the parameters",
            type_="ParamsNotFound",
        )
    return AuditError(
        f"no weight/bias arrays were found on {target.label} (looked for W1/b1, "
        "weights[i], params['W1'], layer .weight/.data): set [network] params",
        where="finding the parameters",
        type_="ParamsNotFound",
    )


#: Spellings of ``__init__`` that Python never calls (``_init_``, ``__init``, ``init``, ``__int__``).
_INIT_TYPOS = ("_init_", "__init", "_init__", "__init_", "init", "__int__", "__inti__")


def _misnamed_init(probe: Any) -> str | None:
    """The student's defect when the class's constructor is misspelled, so no instance gets weights."""
    cls = type(probe)
    if not hasattr(probe, "__dict__") or "__init__" in vars(cls):
        return None
    typo = next((n for n in _INIT_TYPOS if callable(vars(cls).get(n))), None)
    if typo is None:
        return None
    return (
        f"{cls.__name__} defines {typo}() but no __init__(): Python calls only __init__ when "
        f"{cls.__name__}(...) is made, so {typo}() never runs and no instance has weights "
        f"({cls.__name__}(...) with arguments raises TypeError). This is a defect of the submission, not a "
        "spec setting: the constructor must be named __init__"
    )


def _unreached(target: Target, probe: Any, stmts) -> str | None:
    """Weights that exist but cannot be reached, said for what they are (see :mod:`.unreachable`)."""
    lists = ", ".join(unreachable.number_lists(probe, stmts)) or scalarlists.scalar_weights(list(stmts))
    if lists:
        return scalarlists.error_text(lists)
    missing = uncreated.missing_globals(list(stmts), probe) if target.root_name != "self" else []
    if missing:
        return uncreated.error_text(missing)
    try:
        local = unreachable.local_weights(target.get_backward(probe))
    except Exception:  # noqa: BLE001 - a lookup on student objects
        local = []
    if local:
        return unreachable.local_text(target.entry(), local)
    return unreachable.written_apart(stmts, on_module=target.root_name != "self")


def _retarget(target: Target, name: str) -> Target:
    lookup = target.lookup or getattr
    t = dataclasses.replace(target, backward_name=name, get_backward=lambda r: lookup(r, name))
    if name == "loss" and target.forward_name is None:
        t = dataclasses.replace(t, forward_name="loss", forward_drops_y=True, get_forward=lambda r: lookup(r, "loss"))
    return t


def _one_sample(target: Target, ctx: Context) -> bool:
    trees = [t for t in (source_tree(c) for c in ctx.classes) if t is not None]
    trees += [t for t in (source_tree(f) for f in ctx.funcs.values()) if t is not None]
    trees.append(ast.Module(body=list(ctx.loaded.stmts), type_ignores=[]))
    return (
        target.per_sample or per_sample(trees, target.backward_name.rsplit(".", 1)[-1]) or per_sample(trees, "predict")
    )


def _first_step(target: Target, params, ctx: Context, lrs, n: int, seed: int) -> tuple[Runner, Step1]:
    """A runner and its first step: on the batch, else (per-sample code) on one sample."""
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
    try:
        return runner, choose_layout(runner, lrs[0], params, ctx.notes)
    except StudentCodeError as exc:
        if not isinstance(exc.original, (ValueError, IndexError)):
            raise  # only shape errors suggest one-sample code (never a resource limit)
        failed = exc
    one = Runner(target, params, ctx.loaded, ctx.spec, X[:1], Y[:1], [])
    one.whole = whole
    if X.shape[0] == 1:  # one row already (per-sample code, or a batch of one): the sample as 1-D vectors
        one, step = vector_sample(one, lrs[0], params, failed)
    else:
        try:
            step = choose_layout(one, lrs[0], params, one.notes)
        except (StudentCodeError, AuditError):
            one, step = vector_sample(one, lrs[0], params, failed)
        one.notes.append("the code fails on a batch but runs on one sample: checked on one sample")
    ctx.notes.extend(one.notes)
    one.notes = ctx.notes
    return one, step


def _uses_outer(target: Target, ctx: Context) -> bool:
    """The backward calls ``np.outer``: written for one sample as 1-D vectors (a batch or a row would broadcast)."""
    tree = source_tree(target.get_backward(target.fresh())) if target.root_name == "self" else None
    trees = [tree] if tree is not None else [t for t in (source_tree(f) for f in ctx.funcs.values()) if t is not None]
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "outer"
        for t in trees
        for n in ast.walk(t)
    )


def _as_vectors(target: Target, params, ctx: Context, lrs, whole) -> tuple[Runner, Step1] | None:
    """The first sample as 1-D vectors, tried first for code built on ``np.outer`` (None: it does not run so)."""
    one = Runner(target, params, ctx.loaded, ctx.spec, whole[0][:1], whole[1][:1], [])
    one.whole, one.vector = whole, True
    try:
        step = choose_layout(one, lrs[0], params, one.notes)
    except (StudentCodeError, AuditError, IndexError, ValueError):
        return None
    ctx.notes.extend([*one.notes, VECTOR_NOTE])
    one.notes = ctx.notes
    return one, step


def _invent_data(target: Target, params, ctx: Context, lrs, n: int, seed: int) -> tuple[Runner, Step1]:
    cands = size_candidates(params)
    if not cands:
        raise AuditError(
            "no data was given and the input/output sizes cannot be read off the weights: "
            "set [data] n_in and [data] n_out",
            where="making data",
            type_="DataSizes",
        )
    first: BaseException | None = None
    for n_in, n_out in cands:
        X, Y = make_batch(n_in, n_out, n, seed)
        sub = dataclasses.replace(ctx, X=X, Y=Y)
        try:
            runner, step = _first_step(target, params, sub, lrs, n, seed)
        except (StudentCodeError, AuditError) as exc:
            first = first or exc
            continue
        ctx.notes.append(
            f"no data given: n_in = {n_in}, n_out = {n_out} read off the weights; {n} samples made with seed {seed}"
        )
        return runner, step
    assert first is not None
    raise first


def _check_invented(step: Step1, runner: Runner) -> None:
    """Invented sizes the network does not take: its output has another width, or is a constant softmax."""
    out = step.out
    if not isinstance(out, np.ndarray) or out.ndim != 2:
        return
    width = out.shape[0] if step.columns else out.shape[1]
    n_out = runner.Y.shape[1]
    if width != n_out or (n_out == 1 and out.size > 1 and bool(np.all(out == 1.0))):
        exc = AuditError(f"the output has {width} column(s), not {n_out}", where="making data", type_="NeedsSizes")
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


def _extract(target: Target, params, ctx: Context, lrs, partial: dict, n: int, seed: int) -> dict:
    """Run the target's step(s) on the batch and read the gradient by the first rule that applies."""
    runner, s1 = _first_step(target, params, ctx, lrs, n, seed)
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
    if partial["forward"] is not None:  # a forward that differs on every call: no loss change traces to a weight
        partial["forward_random"] = repeat.forward_difference(runner, s1, params)
    if runner.loss_name:
        ctx.notes.append(f"backward was given dL/d(output) from the student's {runner.loss_name}")
    result: dict[str, Any] = {"update": None, "target_shape": target.shape}
    result["update_form"] = update_form(ctx.loaded.stmts, [p.name for p in params])
    result["data_replaced"] = runner.form != "given" or runner.X is not ctx.X
    grads, shape, s_used = _read(runner, s1, params, ctx, lrs, result)
    partial["probe_context"] = {"runner": runner, "s1": s_used, "params": params}  # gradcheck.audit.probes
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
    Xc, Yc = runner.batch(s1.columns)
    result["student_losses"] = student_losses(runner, s1, ctx.funcs)
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
    grads, shape, rnotes = grads_from_return(s1.ret, params, returned_names(runner.t.get_backward(s1.root)))
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
    if changed and skipped and len(stored) == len(params):  # an update that leaves some weights alone
        notes.append(
            f"{runner.t.entry()} updated the weights but left {', '.join(skipped)} unchanged: "
            "the gradients it stored are used (the update itself never trains them)"
        )
        return stored, kind, s1
    if changed:
        grads, shape, result["update"], step = update_grads(runner, s1, params, lrs, notes)
        return grads, shape, step
    if stored:
        return stored, kind, s1
    raise AuditError(
        unreachable.no_gradients_text(runner.t, runner.loaded),
        where="reading gradients",
        type_="GradsNotFound",
    )


def _keyed_like_params(grads: list[Grad], params) -> bool:
    return all(g.rule == "name" and canon(leaf(g.path)) == canon(leaf(params[g.param].name)) for g in grads)


def _grad_out(g: Grad, params) -> dict:
    return {"param": params[g.param].name, "path": g.path, "rule": g.rule, "shape": list(g.data.shape), "data": g.data}


__all__ = ["audit", "find_target", "labels"]
