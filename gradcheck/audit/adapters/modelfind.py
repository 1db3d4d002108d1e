"""Which of the submission's code is the model: the first API shape that applies, else why none does.

Shapes are tried in the order of :data:`gradcheck.audit.adapters.shapes.SHAPES`. When none
applies, the error says what the code holds instead (weights local to a function, a
training loop with no functions, a node graph, a framework that is not installed, code
that could not be loaded) and whether a spec setting can help.
"""

from __future__ import annotations

import ast

from gradcheck.audit import frameworks
from gradcheck.audit.adapters import (
    looptrained,
    nodegraph,
    unreachable,
)
from gradcheck.audit.adapters.shapes import SHAPES, classes, laterupdate, method_params
from gradcheck.audit.adapters.target import Context, Target
from gradcheck.audit.adapters.unimported import numpy_unimported, unrepairable
from gradcheck.audit.auditerrors import clipped
from gradcheck.audit.loader import AuditError, LoadFailure


def find_target(ctx: Context) -> Target:
    """The first shape that applies."""
    for shape in SHAPES:
        try:
            target = shape.find(ctx)
        except AuditError as exc:  # a model class it cannot make: the module's function network, if it has one
            if shape not in _CLASS_SHAPES or (instead := functions_instead(exc, ctx)) is None:
                raise
            return instead
        if target is not None:
            return target
    unparsed = [f.what for f in _failures(ctx) if f.error in UNPARSED]
    broken = unparsed + _undefined(ctx)
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
    if unparsed:  # the network is in the file Python cannot read: that, not a spec key, is what to fix
        raise AuditError(
            f"code that could not be parsed: {'; '.join(unparsed[:2])}; no class with forward/backward methods and "
            f"no backward function was found in the rest (classes: {sorted(c.__name__ for c in ctx.classes)}, "
            f"functions: {sorted(ctx.funcs)}). That is a defect of the submission, which no spec setting repairs",
            where="finding the model",
            type_="SyntaxError",
        )
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


#: Shapes whose model is a class the audit makes (the module's function network may stand in for one it cannot).
_CLASS_SHAPES = (method_params, laterupdate, classes)


def functions_instead(exc: AuditError, ctx: Context) -> Target | None:
    """A network of the module's functions, when the model class found first cannot be made (a constructor taking
    sizes of names the audit cannot read, ``mlp(x_train, y_train, hidding_layer_size, ...)``) and the same notebook
    also holds the network as functions (``init_params()``, ``forward_prop(W1, b1, ..., X)``): that one is
    audited, said in a note, instead of an error about the class. None when the spec names the entry or no function
    shape applies."""
    if exc.type != "ConstructorArguments" or ctx.spec.get("entry") or ctx.spec.get("backward"):
        return None
    said = len(ctx.notes)
    for shape in SHAPES[SHAPES.index(classes) + 1 :]:
        try:
            target = shape.find(ctx)
        except AuditError:
            target = None
        if target is not None and target.root_name != "self":
            ctx.notes.append(
                f"{clipped(str(exc), 160)}: the module's own functions, which hold a network too, are audited instead"
            )
            return target
        del ctx.notes[said:]
    return None


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
