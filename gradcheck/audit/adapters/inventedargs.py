"""A constructor that fails on the arguments the audit inferred: the audit's guess, not the student's bug.

With no spec, a model class is made from inferred arguments (sizes invented, defaults
kept). Some constructors cannot be made that way: ``NN(datapath='cifar10.pkl')`` opens a
data file the submission does not include; ``SequentialModel(layers)`` reads
``layers[0].n_units`` of layer objects that only a notebook outside the submission builds.
When that call raises and no code of the submission makes the object itself, reporting
the exception as the student's (``AttributeError ... (line 53)``) blames correct code for
the audit's guess. It is reported instead as ``ConstructorArguments``: the call as made,
what it raised where, why the inferred arguments cannot do, and the spec keys that give
the assignment's own.
"""

from __future__ import annotations

import ast

import numpy as np

from gradcheck.audit.adapters.built import sources
from gradcheck.audit.adapters.calling import call_student
from gradcheck.audit.errordict import student_line
from gradcheck.audit.loader import AuditError, StudentCodeError


def _shown(value) -> str:
    """An inferred argument as the report shows it (arrays by their shape)."""
    if isinstance(value, np.ndarray):
        return f"<array {value.shape}>"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _numbers(values: list) -> bool:
    """Whether an inferred argument is a number or a list of numbers (a size, not an object)."""
    for v in values:
        items = v if isinstance(v, (list, tuple)) else [v]
        if items and all(isinstance(i, (int, float)) and not isinstance(i, bool) for i in items):
            return True
    return False


#: What sets the constructor's arguments in a spec.
SPEC_ARGS = "set [entry] init_args (and init_kwargs) to the assignment's constructor arguments"


def _unrun_binding(name: str, loaded) -> str | None:
    """Where the submission's top-level code binds ``name`` outside any definition (``with open(...) as f:
    SETTINGS = ...``), when loading left it unbound: that code is not run at load (None: nowhere)."""
    module = getattr(loaded, "module", None)
    if loaded is None or (module is not None and name in vars(module)):
        return None
    for filename, tree in sources(loaded):
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            stored = (n for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
            if any(n.id == name for n in stored):
                return loaded.where(filename, stmt.lineno)
    return None


def _why(orig: BaseException, values: list, loaded=None) -> tuple[str, str]:
    """Why the inferred arguments cannot do, and what the instructor can do about it."""
    unrun = _unrun_binding(orig.name, loaded) if isinstance(orig, NameError) and orig.name else None
    if unrun is not None:
        return (
            f"{orig.name!r} is set by top-level code ({unrun}) that loading a file does not run (only its "
            "definitions, constants and imports)",
            "set [entry] run_toplevel = true to run the file's top-level code, or have the student set it inside "
            "a function or as a constant",
        )
    if isinstance(orig, OSError) and getattr(orig, "filename", None):
        return (
            f"the constructor opens {orig.filename!r}, a file the submission does not include (data the class "
            "loads itself)",
            "the sandbox holds the submission's code, not its data files (only those beside a lone file that its "
            "code names): if the constructor has arguments that avoid reading one, set [entry] init_args (and "
            "init_kwargs) to them, or [entry] init_none to the parameters whose None does",
        )
    if isinstance(orig, (TypeError, ValueError, IndexError)) and any(isinstance(v, np.ndarray) for v in values):
        return (
            "the audit passed the data arrays to arguments named like data, which the code may use otherwise (as "
            "sizes: initialize_weights(input, hidden, output))",
            SPEC_ARGS,
        )
    if isinstance(orig, (AttributeError, TypeError, IndexError)) and _numbers(values):
        return (
            "the constructor uses an argument as an object (layers, data) where the audit could only infer a "
            "size: its arguments are built by code the submission does not include",
            "audit it with the file that builds them (a folder is audited as one project)",
        )
    return "the constructor needs arguments the audit cannot infer", SPEC_ARGS


def constructor_failure(
    cls_name: str, failed: BaseException, args: list, kwargs: dict, loaded, where: str | None = None
) -> AuditError | None:
    """The honest error for ``cls_name``'s constructor (or the initializer function ``where`` names) failing on
    inferred arguments (None: not that)."""
    where = where or f"{cls_name}.__init__"
    if not isinstance(failed, StudentCodeError) or failed.where != where:
        return None
    orig = failed.original
    if isinstance(orig, (SystemExit, MemoryError, RecursionError)):
        return None
    if isinstance(orig, AttributeError) and "NumPy 2.0" in str(orig):  # np.NaN, np.float: the code's, on any input
        return None
    if isinstance(orig, NameError) and getattr(orig, "name", None) and _unrun_binding(orig.name, loaded) is None:
        return None  # a name the code binds nowhere it runs (numpy never imported): its own defect on any arguments
    why, fix = _why(orig, [*args, *kwargs.values()], loaded)
    call = ", ".join([_shown(a) for a in args] + [f"{k}={_shown(v)}" for k, v in kwargs.items()])
    line = student_line(orig, loaded)
    at = f" at {line}" if line else ""
    error = AuditError(
        f"{cls_name}({call}) raised {type(orig).__name__}: {orig}{at}, called with the arguments the audit "
        f"inferred, and the submission's own code makes it in no way the audit could read: {why}. This is the audit's "
        f"guess failing, not a verdict on the code: {fix}",
        where=where,
        type_="ConstructorArguments",
    )
    error.traceback = failed.traceback
    return error


def call_guessed(name: str, fn, args: list, kwargs: dict, loaded):
    """``fn(*args, **kwargs)``, the student's initializer ``name`` called with arguments the audit inferred; its
    failure said to be the audit's guess failing (``ConstructorArguments``), not the student's bug."""
    try:
        return call_student(name, fn, *args, **kwargs)
    except StudentCodeError as failed:
        raise (constructor_failure(name, failed, args, kwargs, loaded, where=name) or failed) from None


__all__ = ["call_guessed", "constructor_failure"]
