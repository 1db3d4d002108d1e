"""Module functions working on module-level weight arrays (``W1 = np.random.randn(2, 4)`` at top level)."""

from __future__ import annotations

from gradcheck.audit.adapters.objects import is_float_array
from gradcheck.audit.adapters.shapes.functions import entry_functions
from gradcheck.audit.adapters.target import Context, Target


def find(ctx: Context, bname: str | None = None, funcs: dict | None = None) -> Target | None:
    """Backward-ish functions over module globals (reset before each run)."""
    funcs = ctx.funcs if funcs is None else funcs
    fname, bname = entry_functions(ctx, bname, funcs)
    if bname is None:
        return None
    ns = ctx.ns
    snapshot = {k: v.copy() for k, v in ns.items() if is_float_array(v)}

    def fresh():
        for k, v in snapshot.items():
            ns[k] = v.copy()
        return ns

    ctx.notes.append("parameters are module globals (reset before each run)")
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
    )
