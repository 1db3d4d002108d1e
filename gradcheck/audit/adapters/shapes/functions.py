"""Module functions taking a parameters dict: ``forward(X, params)``, ``backward(params, cache, X, Y)``.

The dict comes from the submission's initializer (``initialize_parameters(n_x,
n_h, n_y)``), from a module-level dict, or, when nothing creates it, is made by
the grader from the keys the functions read (``parameters["W1"]``).
"""

from __future__ import annotations

import ast
import copy
import types
from collections.abc import Callable

import numpy as np

from gradcheck.audit.adapters import archlist, owncall, scalarlists, synth
from gradcheck.audit.adapters.calling import accepts_role, call_student, plain_params, signature
from gradcheck.audit.adapters.feeds import feeding_forward, gradient_function, loss_grads_function, output_from_call
from gradcheck.audit.adapters.inventedargs import call_guessed
from gradcheck.audit.adapters.labels import as_columns
from gradcheck.audit.adapters.names import (
    BACKWARD_NAMES,
    FORWARD_NAMES,
    GRAD_METHODS,
    INIT_FUNC_NAMES,
    is_param_name,
    misspelt,
    role_of,
)
from gradcheck.audit.adapters.objects import is_float_array
from gradcheck.audit.adapters.params import with_keys_read
from gradcheck.audit.adapters.sizes import infer_call_sizes
from gradcheck.audit.adapters.sources import source_tree
from gradcheck.audit.adapters.target import Context, Target
from gradcheck.audit.adapters.unthreshold import unthresholded
from gradcheck.audit.loader import AuditError, StudentCodeError

GLOBAL_PARAMS = ("params", "parameters", "weights", "theta", "model")


#: Words that name a pass whatever the prefix or suffix (net_backward, mlp_forward, backprop_2layer), and an
#: initializer (init_deep, initialize_deep_net) where no usual initializer name is defined.
_PASS_WORDS = ("forward", "backward", "backprop", "back_prop", "backpropagation", "init", "initialize", "initialise")


def first_named(funcs: dict[str, Callable], names: list[str], wanted: str | None = None) -> str | None:
    """``wanted`` when defined, else the first of ``names`` defined (case-insensitively), else the one
    function whose ``_``-separated words include a pass word (``net_backward``), if just one does, else the one
    whose name misspells one of ``names`` (``forward_propagetaion``)."""
    if wanted in funcs:
        return wanted
    lower = {k.lower(): k for k in funcs}
    exact = next((lower[n] for n in names if n in lower), None)
    if exact is not None:
        return exact
    for word in (w for w in _PASS_WORDS if w in names):
        affixed = [
            k
            for low, k in lower.items()
            if low != word and not low.startswith("__") and f"_{word}_" in f"_{low.strip('_')}_"
        ]  # (never a dunder: a method __init__(self, sizes) written outside its class is no initializer)
        if len(affixed) == 1:
            return affixed[0]
    spelt = misspelt(funcs, names)  # forward_propagetaion: the pass it was meant to be
    return spelt[0] if spelt is not None else None


def init_function(funcs: dict[str, Callable]) -> str | None:
    """The initializer: named as one (``initialize_parameters``), else the one function that builds a dict of
    weights from nothing (``initialisation(n0, n1, n2, n3)`` returning ``{'w1': w1, 'b1': b1, ...}``)."""
    named = first_named(funcs, INIT_FUNC_NAMES)
    if named is not None:
        return named
    makers = [k for k, f in funcs.items() if callable(f) and _makes_weight_dict(f, set(funcs))]
    return makers[0] if len(makers) == 1 else None


def _makes_weight_dict(fn: Callable, own: set[str]) -> bool:
    """Does ``fn`` return a dict literal (or a name bound to one) keyed by weights and biases only (``w1``, ``b1``),
    from nothing: no data, parameters, rate or epochs among its arguments, no keys of an argument read (an update
    taking the dict in returns one too), and none of the module's own functions (``own``) called (a training
    function ``train(X, y)`` making its dict, then looping over the backward, returns one too)?"""
    tree = source_tree(fn)
    body = tree.body[0] if tree is not None and tree.body else None
    if not isinstance(body, ast.FunctionDef) or any(synth.keys_read(fn, a.arg) for a in body.args.args):
        return False
    if any(role_of(a.arg) is not None for a in body.args.args) or called_names(fn) & own:
        return False
    dicts = {
        t.id: n.value
        for n in ast.walk(body)
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Dict)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    for ret in (n.value for n in ast.walk(body) if isinstance(n, ast.Return)):
        made = dicts.get(ret.id) if isinstance(ret, ast.Name) else ret
        keys = [k.value if isinstance(k, ast.Constant) else None for k in getattr(made, "keys", None) or []]
        if len(keys) >= 2 and all(isinstance(k, str) and is_param_name(k) for k in keys):
            return True
    return False


def entry_functions(ctx: Context, bname: str | None, funcs: dict) -> tuple[str | None, str | None]:
    """(forward name, backward name) among ``funcs``."""
    bname = (
        bname
        or first_named(funcs, GRAD_METHODS, ctx.spec.get("backward"))
        or loss_grads_function(funcs)  # before train(): compute_loss(params, X, y, reg) -> (loss, grads)
        or gradient_function(funcs)  # before train(): calc_loss_and_grad(x, y, w1, ...) -> (loss, db2, dw2, ...)
        or first_named(funcs, BACKWARD_NAMES)
    )
    if bname is not None and not ctx.spec.get("backward"):
        bname = wrapping(funcs, bname) or bname
    fname = first_named(funcs, FORWARD_NAMES, ctx.spec.get("forward"))
    if fname is None and bname is not None:  # net(X) -> (H, O) feeding grads(X, Y, H, O)
        fname = feeding_forward(funcs, bname)
    if fname is None and bname is not None:  # P = evaluate(X, W) then backward(X, Y, P, W): what the code passes
        home = getattr(funcs[bname], "__globals__", None)  # calls in the backward's own file: another file of a
        # project may call its own function of that name
        trees = [source_tree(fn) for fn in funcs.values() if getattr(fn, "__globals__", None) is home]
        trees += [ast.Module(body=list(ctx.loaded.stmts), type_ignores=[])] if ctx.loaded.folder is None else []
        fname = output_from_call(funcs, bname, trees)
    for name, names, key in ((fname, FORWARD_NAMES, "forward"), (bname, BACKWARD_NAMES, "backward")):
        spelt = misspelt([name], names) if name is not None and name != ctx.spec.get(key) else None
        note = spelt and f"{name} taken for {spelt[1]}, as its name is spelled close to it"
        if note and note not in ctx.notes:
            ctx.notes.append(note)
    return (fname if fname != bname else None), bname


def wrapping(funcs: dict[str, Callable], bname: str) -> str | None:
    """A gradient function taking only the data that calls ``bname`` (``gradients(X, Y)`` running forward, then
    ``backward(X, Y, cache)``, then adding the penalty): the whole gradient, where ``bname`` needs a cache."""
    if data_only(funcs[bname]):
        return None
    for name in GRAD_METHODS:
        fn = next((f for k, f in funcs.items() if k.lower() == name and k != bname), None)
        if fn is not None and data_only(fn) and bname in called_names(fn):
            return fn.__name__
    return None


def data_only(fn: Callable) -> bool:
    """Are all of ``fn``'s required arguments the batch (``X``, ``Y``)?"""
    try:
        required = [p.name for p in plain_params(fn) if p.default is p.empty]
    except (TypeError, ValueError):
        return False
    return bool(required) and all(role_of(n) in ("X", "Y") for n in required)


def called_names(fn: Callable) -> set[str]:
    """The plain names ``fn``'s body calls (``backward(...)``)."""
    tree = source_tree(fn)
    calls = (n for n in ast.walk(tree) if isinstance(n, ast.Call)) if tree is not None else ()
    return {c.func.id for c in calls if isinstance(c.func, ast.Name)}


def entry_and_init(ctx: Context, bname: str | None, funcs: dict) -> tuple[str | None, str, str] | None:
    """(forward, backward, initializer) names among ``funcs``; None without a backward or an initializer."""
    fname, bname = entry_functions(ctx, bname, funcs)
    init_name = init_function(funcs)
    return None if bname is None or init_name is None else (fname, bname, init_name)


def from_initializer(init: Callable, ctx: Context, arch: dict):
    """What ``init`` returns, called as the code calls it, with the architecture list, or with invented sizes."""
    own = owncall.initializer_call(ctx, init.__name__, arch)
    if "init_args" in ctx.spec or "init_kwargs" in ctx.spec:
        args, kwargs = list(ctx.spec.get("init_args") or []), dict(ctx.spec.get("init_kwargs") or {})
    elif own is not None:
        args, kwargs = own
    elif arch and archlist.takes_only(init, arch):
        args, kwargs = [], {p: arch[p] for p in arch if p in archlist.arg_names(init)}
        ctx.notes.append(f"{init.__name__} called with the architecture list")
    else:
        args, kwargs, extra = infer_call_sizes(init, init.__name__, ctx.sizes, ctx.X, ctx.Y, ctx.lr)
        ctx.notes.extend(extra)
        np.random.seed(0)
        return call_guessed(init.__name__, init, args, kwargs, ctx.loaded)  # its failure: the audit's guess
    np.random.seed(0)
    return call_student(init.__name__, init, *args, **kwargs)


def tried_initializer(init: Callable, ctx: Context, fits: Callable[[object], bool], arch: dict | None = None):
    """What ``init`` returns when ``fits`` it, else None (it cannot be called, or made something else;
    its notes are then taken back). ``arch``: the architecture list by argument name, as :func:`from_initializer`."""
    said = len(ctx.notes)
    try:
        made = from_initializer(init, ctx, arch or {})
    except (AuditError, StudentCodeError):
        made = None
    if made is None or not fits(made):
        del ctx.notes[said:]
        return None
    return made


def _holder(made: object) -> bool:
    """An instance of the submission's own class (or a ``SimpleNamespace``) whose attributes hold float arrays."""
    attrs = getattr(made, "__dict__", None)
    plain = type(made).__module__ not in ("builtins", "types") and not isinstance(made, type | Callable)
    own = plain or type(made) is types.SimpleNamespace
    return own and isinstance(attrs, dict) and any(is_float_array(v) for v in attrs.values())


def _never_created(fns: list[Callable], arg: str, ctx: Context):
    """A maker of the dict the functions read but nothing builds, or None."""
    keys = []
    for fn in fns:
        keys += synth.keys_read(fn, arg)
    names = synth.layered_names(list(dict.fromkeys(keys)))
    if names is None:
        return None
    if ctx.sizes is None:
        raise AuditError(
            f"{arg} is read but never created: sizes needed", where="finding the parameters", type_="NeedsSizes"
        )
    layout = {"columns": False}
    ctx.notes.append(
        f"{arg}[...] is read but never created: the grader made {', '.join(names)} "
        f"for {ctx.sizes.n_in} inputs and {ctx.sizes.n_out} outputs"
    )
    return lambda: synth.make(names, ctx.sizes, layout["columns"]), layout


def _sized_by_layout(init: Callable, ctx: Context, arch: dict, rows: object):
    """(fresh maker, orient hook) for an initializer that sizes the weights from the data it is given
    (``init(x_train, y_train)``: ``np.random.randn(3, x_train.shape[0])``), or None for one that takes no data.

    The batch is handed to it as the layout tried is (samples as columns: ``X.T``), so that the weights fit
    the forward that layout feeds; made with rows, a network of samples as columns reads the batch's samples
    as its features, and its forward then matches no reference network (or fails to multiply, under
    ``samples_as_columns = true``).
    """
    sig = signature(init)
    takes = sig is not None and any(role_of(p.name) in ("X", "Y") for p in sig.parameters.values())
    if not takes or ctx.X is None or "init_args" in ctx.spec or "init_kwargs" in ctx.spec:
        return None  # (no batch yet: the code's own call makes the weights, and the batch is made to fit them)
    turned = Context(ctx.loaded, ctx.spec, ctx.X.T.copy(), None if ctx.Y is None else as_columns(ctx.Y), ctx.lr, [])
    turned.sizes = ctx.sizes
    made = {}

    def fresh():
        if layout["columns"] and "columns" not in made:
            try:
                made["columns"] = copy.deepcopy(from_initializer(init, turned, arch))
            except (AuditError, StudentCodeError):
                made["columns"] = None  # (it takes only rows: the rows' weights, which then fail as before)
        chosen = made.get("columns") if layout["columns"] else None
        return copy.deepcopy(chosen if chosen is not None else rows)

    layout = {"columns": False}
    return fresh, (lambda columns: layout.update(columns=columns))


def _params_source(fns: list[Callable], ctx: Context, funcs: dict, bname: str, arch: dict):
    """(fresh maker, orient hook or None, note) for the parameters dict."""
    init_name = init_function(funcs)
    if init_name is not None:
        base = from_initializer(funcs[init_name], ctx, arch)
        if isinstance(base, (dict, list)):
            frozen = copy.deepcopy(base)
            both = _sized_by_layout(funcs[init_name], ctx, arch, frozen)
            if both is not None:
                return (*both, f"parameters from {init_name}()")
            return (lambda: copy.deepcopy(frozen)), None, f"parameters from {init_name}()"
        if _holder(base):  # model = Model(); model.W1 = ...; return model: the functions read model.W1
            frozen = copy.deepcopy(base)
            return (
                (lambda: copy.deepcopy(frozen)),
                None,
                f"parameters from {init_name}(): the {type(base).__name__} object it returns holds them",
            )
        if isinstance(base, tuple) and base and isinstance(base[0], dict):  # (parameters, m, v): an optimizer's state
            frozen = copy.deepcopy(base[0])  # beside the weights, which come first
            return (
                (lambda: copy.deepcopy(frozen)),
                None,
                f"parameters from {init_name}()[0] (it returns {len(base)} values)",
            )
    gname = next((n for n in GLOBAL_PARAMS if isinstance(ctx.ns.get(n), (dict, list))), None)
    if gname is not None:
        frozen = copy.deepcopy(ctx.ns[gname])
        return (lambda: copy.deepcopy(frozen)), None, f"parameters from the global {gname!r}"
    arg = next((a for a in (accepts_role(f, "params") for f in fns) if a), None)
    made = _never_created(fns, arg, ctx) if arg else None
    listed = scalarlists.scalar_weights(list(ctx.loaded.stmts)) if made is None else None
    if listed:
        raise AuditError(scalarlists.error_text(listed), where="finding the parameters", type_="ParamsNotFound")
    if made is None:
        raise AuditError(
            f"{bname} takes parameters but no initializer function, global params dict or "
            "parameter keys read by the code were found: set [network] params, or [entry] init_args",
            where="finding the parameters",
            type_="ParamsNotFound",
        )
    fresh, layout = made
    return fresh, (lambda columns: layout.update(columns=columns)), None


def find(ctx: Context, bname: str | None = None, funcs: dict | None = None) -> Target | None:
    """Functions that take a parameters dict (None when they take none)."""
    funcs = ctx.funcs if funcs is None else funcs
    fname, bname = entry_functions(ctx, bname, funcs)
    if bname is None:
        return None
    fns = [funcs[bname]] + ([funcs[fname]] if fname else [])
    if not any(accepts_role(f, "params") for f in fns):
        return None
    init_name = init_function(funcs)
    arch = archlist.offered(ctx.ns, fns + ([funcs[init_name]] if init_name else []), ctx.notes)
    fresh, orient, note = _params_source(fns, ctx, funcs, bname, arch)
    if note:
        ctx.notes.append(note)
    target = params_target(ctx, fresh, fname, bname, funcs[bname], funcs.get(fname), "functions", orient)
    keys = [k for f in fns if (arg := accepts_role(f, "params")) for k in synth.keys_read(f, arg)]
    target.params_of = lambda root: with_keys_read(root, keys)
    if arch:
        target.extra_args = lambda root: dict(arch)
    return target


def params_target(
    ctx: Context, fresh, fname, bname, backward, forward, shape: str, orient=None, by_name=False
) -> Target:
    """A target over module functions whose root is a dict of the parameters.

    ``by_name``: the parameters are also offered to the functions as arguments by
    their names (``forward_prop(W1, b1, W2, b2, X)``).
    """
    raw = unthresholded(forward) if fname == "predict" else None
    if raw is not None:  # predict() returns decisions: its value before the threshold is the network's output
        forward = raw
        ctx.notes.append("predict thresholds: its value before the threshold is the network's output")
    return Target(
        label="module",
        root_name="params",
        fresh=fresh,
        forward_name=fname,
        backward_name=bname,
        namespace=ctx.ns,
        get_forward=lambda r: forward,
        get_backward=lambda r: backward,
        shape=shape,
        orient=orient,
        extra_args=(lambda root: dict(root)) if by_name else None,
    )
