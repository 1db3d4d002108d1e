"""The spec names the entry point: ``[entry] class = "Net"`` or ``[entry] function = "backward"``."""

from __future__ import annotations

from gradcheck.audit.adapters.names import is_param_name
from gradcheck.audit.adapters.objects import is_float_array, is_user_object
from gradcheck.audit.adapters.shapes import (
    classes,
    flatunpack,
    functions,
    globals_fn,
    laterupdate,
    lists,
    named_dict,
    pairs,
    positional,
    unrolled,
)
from gradcheck.audit.adapters.target import Context, Target
from gradcheck.audit.adapters.usage import used_as_params
from gradcheck.audit.loader import AuditError


def _not_found(entry: str, ctx: Context) -> AuditError:
    hint = (
        " (an object made by top-level code does not exist unless [entry] run_toplevel = true; "
        "or name its class in [entry] class)"
    )
    return AuditError(
        f"the entry {entry!r}: {entry.partition('.')[0]!r} is not defined by the submission{hint}; "
        f"classes: {sorted(c.__name__ for c in ctx.classes)}, functions: {sorted(ctx.funcs)}",
        where="finding the model",
        type_="EntryNotFound",
    )


def _class_entry(obj, meth: str, ctx: Context, entry: str) -> Target:
    cls = obj if isinstance(obj, type) else type(obj)
    picked = classes.method_names(cls, {**ctx.spec, "backward": meth or ctx.spec.get("backward")})
    if picked is None and not meth:
        raise AuditError(
            f"the entry {entry!r} has no backward-ish method: set [entry] backward",
            where="finding the model",
            type_="EntryNotFound",
        )
    if picked is None:
        picked = classes.Picked(cls, ctx.spec.get("forward"), meth)
    elif meth:
        picked.backward = meth
    if isinstance(obj, type):
        target = classes.made_or_built(picked, ctx, alternatives=False)
    else:
        target = classes.class_target(picked, ctx, instance=obj, alternatives=False)
    return target if ctx.spec.get("backward") else laterupdate.with_later_update(target, cls, ctx)


def _array_list(value) -> bool:
    """``weights = [np.random.randn(a, b) ...]``: a module-level list of float arrays."""
    return isinstance(value, (list, tuple)) and bool(value) and all(is_float_array(v) for v in value)


def _module_weights(ctx: Context, fn) -> bool:
    """Whether ``fn`` works on module-level arrays or lists of them (by their names, or by its matrix products)."""
    arrays = [k for k, v in ctx.ns.items() if is_float_array(v) or _array_list(v)]
    return any(is_param_name(k) for k in arrays) or bool(used_as_params([fn], arrays))


def find(ctx: Context) -> Target | None:
    """The class, instance or function ``[entry]`` names; None when the spec names none."""
    entry = ctx.spec.get("entry")
    if not entry:
        return None
    head, _, meth = entry.partition(".")
    obj = ctx.ns.get(head)
    if obj is None:
        raise _not_found(entry, ctx)
    if isinstance(obj, type) or is_user_object(obj):
        return _class_entry(obj, meth, ctx, entry)
    if callable(obj):
        funcs = {**ctx.funcs, head: obj}
        t = (
            flatunpack.find(ctx, only=head)
            or unrolled.find(ctx, only=head)
            or pairs.find(ctx, bname=head, funcs=funcs)
            or named_dict.find(ctx, bname=head, funcs=funcs)
            or lists.find(ctx, bname=head, funcs=funcs)
            or positional.find(ctx, bname=head, funcs=funcs)
            or functions.find(ctx, bname=head, funcs=funcs)
            or (globals_fn.find(ctx, bname=head, funcs=funcs) if _module_weights(ctx, obj) else None)
        )
        if t is not None:
            return t
        raise AuditError(
            f"the entry {entry!r} is a function that takes no parameters the audit can make (a parameters "
            "dict, lists, W1, b1 one by one, an unrolled vector) and no backward-ish function works on "
            "module-level weights",
            where="finding the model",
            type_="EntryNotFound",
        )
    raise AuditError(
        f"the entry {entry!r} is neither a class nor a function", where="finding the model", type_="EntryNotFound"
    )
