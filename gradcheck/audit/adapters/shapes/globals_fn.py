"""Module functions working on module-level weight arrays (``W1 = np.random.randn(2, 4)`` at top level)."""

from __future__ import annotations

from gradcheck.audit.adapters.names import is_param_name, role_of
from gradcheck.audit.adapters.objects import is_float_array
from gradcheck.audit.adapters.params import Tensor
from gradcheck.audit.adapters.shapes.functions import entry_functions
from gradcheck.audit.adapters.target import Context, Target
from gradcheck.audit.adapters.usage import uses


def find(ctx: Context, bname: str | None = None, funcs: dict | None = None) -> Target | None:
    """Backward-ish functions over module globals (reset before each run)."""
    funcs = ctx.funcs if funcs is None else funcs
    fname, bname = entry_functions(ctx, bname, funcs)
    if bname is None:
        return None
    ns = _home(ctx, funcs[bname])
    snapshot = {k: v.copy() for k, v in ns.items() if is_float_array(v)}
    held = _held(ns)

    def fresh():
        for k, v in snapshot.items():
            ns[k] = v.copy()
        for k, slots in held.items():  # param = [V, W, bv, bw]: the list holds the fresh arrays, as it held them
            for slot, name in slots:
                ns[k][slot] = ns[name]
        return ns

    ctx.notes.append("parameters are module globals (reset before each run)")
    by_use = _by_use(ctx, [funcs[n] for n in (fname, bname) if n], snapshot)
    # predict(X, w, b) over the globals w and b: each weight handed over by its name (only names of weights, never
    # one that names a role: module-level data, X or I, stays the grader's batch)
    offered = [k for k in snapshot if role_of(k) is None and is_param_name(k)]
    return Target(
        label="module",
        root_name="",
        fresh=fresh,
        forward_name=fname,
        backward_name=bname,
        namespace=ns,
        root_is_namespace=True,
        get_forward=(lambda r: funcs[fname]) if fname else (lambda r: None),
        get_backward=lambda r: funcs[bname],
        shape="globals",
        params_of=by_use,
        extra_args=lambda root: {k: root[k] for k in offered if k in root},
        offers_root=True,  # (the arguments are read off the namespace the grader sets: its own loss can be asked)
    )


def _held(ns: dict) -> dict[str, list[tuple]]:
    """Module-level lists and dicts holding the weight globals themselves (``param = [V, W, bv, bw]``,
    ``weights = {"V": V}``): {its name: [(slot, the global it holds)]}. A run's fresh weights go into them too,
    so that they stay the globals' aliases and are no second copy of the parameters."""
    named = {id(v): k for k, v in ns.items() if is_float_array(v)}
    held: dict[str, list[tuple]] = {}
    for k, v in ns.items():
        items = list(v.items()) if isinstance(v, dict) else list(enumerate(v)) if isinstance(v, list) else []
        slots = [(slot, named[id(x)]) for slot, x in items if id(x) in named]
        if slots and not k.startswith("__"):
            held[k] = slots
    return held


def _home(ctx: Context, fn) -> dict:
    """The namespace whose globals the backward reads: in a project folder its own module's (``model.py``'s
    ``W1``), which the merged namespace only copies; else the submission's."""
    home = getattr(fn, "__globals__", None)
    if ctx.loaded.kind != "folder" or not isinstance(home, dict) or home is ctx.ns:
        return ctx.ns
    return home if any(is_float_array(v) for v in home.values()) else ctx.ns


def _by_use(ctx: Context, fns: list, arrays: dict):
    """The parameters in the order the forward uses them, when their names alone miss some (``c``, ``d``)."""
    kinds = uses(fns, arrays)
    used = list(kinds)
    if len(used) < 2 or all(is_param_name(k) for k in used):
        return None  # the name rules find them all (and the layer order of their names holds)
    missed = [k for k in used if not is_param_name(k)]
    ctx.notes.append(
        f"{', '.join(missed)} taken for parameters by use (an operand of a matrix product, or added to one): "
        f"parameters {', '.join(used)}"
    )
    return lambda root: [Tensor(k, (("item", k),), tuple(root[k].shape), None, i, kinds[k]) for i, k in enumerate(used)]
