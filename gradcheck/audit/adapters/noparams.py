"""Why no parameters were found on a model, said for what the code does instead.

Weights kept as Python numbers or lists of numbers, created by code the audit does not
run, local to a function, handed in by the caller, or an ``__init__`` misspelled so
it never runs: each is named with what to change (the code or the spec).
"""

from __future__ import annotations

from typing import Any

from gradcheck.audit.adapters import (
    addedlayers,
    nodegraph,
    scalarlists,
    uncreated,
    unreachable,
)
from gradcheck.audit.adapters.calling import accepts_role, signature
from gradcheck.audit.adapters.indexedarg import indexed_argument
from gradcheck.audit.adapters.names import is_param_name
from gradcheck.audit.adapters.target import Target
from gradcheck.audit.loader import AuditError

#: Constructor arguments that take the network's layer objects from the caller (``Network(layers)``).
LAYER_ARGS = ("layers", "layer_list", "modules")


def no_params(target: Target, probe: Any, stmts=()) -> AuditError:
    """The ParamsNotFound error for ``target``: what the code holds instead of weight arrays, and what to do."""
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
    misnamed = misnamed_init(probe)
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
    stack = addedlayers.empty_stack(probe)
    if stack is not None:
        calls = addedlayers.calls_of(stmts, stack[0])
        message = addedlayers.message(target.label, *stack, calls, addedlayers.enclosing(stmts, stack[0]))
        return AuditError(message, where="finding the parameters", type_="ParamsNotFound")
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


def misnamed_init(probe: Any) -> str | None:
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
