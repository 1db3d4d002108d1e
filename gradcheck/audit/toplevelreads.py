"""The top-level assignments a module's functions and classes read as globals, to run at load.

Only definitions run when a submission is loaded (:mod:`gradcheck.audit.statements`). A flag or
a setting computed at top level and read later inside a method is then missing when the
method runs::

    CONFIG = load_config()
    DEBUG = os.environ.get("NET_DEBUG") == "1"
    ...
    def forward(self, X):
        if DEBUG: ...                          # NameError: name 'DEBUG' is not defined

This picks, among the top-level statements left unrun, the simple assignments (one or more
plain names bound) whose names a function or method reads as a global, with the unrun
assignments their values read in turn. Never training: an assignment whose value calls anything
named like training (``fit``, ``train``), constructs one of the module's classes, or calls one of
its functions that trains (:func:`training`: a loop updating attributes, items or globals, a call
of a training name or of a model class) stays unrun; a settings function that merely loops
(``for key in (...): level += 1``) runs. The network's own weights and parameter containers stay
unrun too: the adapters find and make them themselves; except weights a module function makes from constants
alone (``W1, b1, W2, b2 = init_weights()``), which no adapter calls for the globals they become.
"""

from __future__ import annotations

import ast
import re

from gradcheck.audit.astnames import called_name, read_names
from gradcheck.audit.dataslice import writes

#: Called names that train or evaluate a model: a value calling one is never run at load.
_TRAINING = re.compile(r"train|fit|learn|descent|optimi[sz]e|sgd|epoch|backward|backprop|update|step", re.I)

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _own_names(fn: ast.AST) -> set[str]:
    """The names a function binds itself (its arguments and what it assigns), unless declared ``global``."""
    signatures = [n for n in ast.walk(fn) if isinstance(n, ast.arguments)]
    own = {a.arg for n in signatures for a in (*n.posonlyargs, *n.args, *n.kwonlyargs, n.vararg, n.kwarg) if a}
    own |= {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    declared = {name for n in ast.walk(fn) if isinstance(n, ast.Global) for name in n.names}
    return own - declared


def globals_read(stmts: list[ast.stmt]) -> set[str]:
    """Names the module's functions and methods read without binding them: module globals."""
    out: set[str] = set()
    for d in stmts:
        if isinstance(d, _DEFS):
            for fn in (n for n in ast.walk(d) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
                out |= read_names(fn) - _own_names(fn)
    return out


def _simple(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        targets = [stmt.target]
    else:
        return False
    names = [n for t in targets for n in ast.walk(t)]
    return all(isinstance(n, (ast.Name, ast.Tuple, ast.List, ast.Store, ast.Load)) for n in names)


def _runnable(stmt: ast.stmt, stmts: list[ast.stmt]) -> bool:
    """A simple assignment of no weight, calling no training and making no model."""
    from gradcheck.audit.adapters.names import PARAM_CONTAINERS, is_param_name  # the adapters import the loader

    if not _simple(stmt):
        return False
    if any(is_param_name(n) or n.lower() in PARAM_CONTAINERS for n in writes(stmt)) and not _own_init(stmt, stmts):
        return False
    classes = {s.name for s in stmts if isinstance(s, ast.ClassDef)}
    return not (_called(stmt.value) & (training(stmts) | classes)) and not any(
        map(_TRAINING.search, _called(stmt.value))
    )


def _own_init(stmt: ast.stmt, stmts: list[ast.stmt]) -> bool:
    """``W1, b1, W2, b2 = init_weights()`` (or ``init_weights(784, 128, 10)``): the weights the module's functions
    read as globals, made by one of its own functions from constants alone; no adapter calls it for them."""
    value = stmt.value
    defs = {s.name for s in stmts if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in defs):
        return False
    args = [*value.args, *(k.value for k in value.keywords)]
    return all(isinstance(a, ast.Constant) for a in args)


def _called(node: ast.AST) -> set[str]:
    return {called_name(n) for n in ast.walk(node) if isinstance(n, ast.Call)} - {None}


def _updates_in_a_loop(fn: ast.AST) -> bool:
    """A loop that assigns into an attribute, an item or a declared global: weights trained in place."""
    declared = {name for n in ast.walk(fn) if isinstance(n, ast.Global) for name in n.names}
    for loop in (n for n in ast.walk(fn) if isinstance(n, (ast.For, ast.While))):
        for n in ast.walk(loop):
            targets = n.targets if isinstance(n, ast.Assign) else [n.target] if isinstance(n, ast.AugAssign) else []
            for t in targets:
                if isinstance(t, (ast.Attribute, ast.Subscript)) or (isinstance(t, ast.Name) and t.id in declared):
                    return True
    return False


def training(stmts: list[ast.stmt]) -> set[str]:
    """The module's functions that train: loop while updating in place, are named or call what is named like
    training, make one of its models, or call a function that trains. A loop that only reads settings
    (``for key in (...): level += 1``) is none of these."""
    defs = {s.name: s for s in stmts if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    classes = {s.name for s in stmts if isinstance(s, ast.ClassDef)}
    out = {
        name
        for name, d in defs.items()
        if _TRAINING.search(name)
        or any(map(_TRAINING.search, _called(d)))
        or _called(d) & classes
        or _updates_in_a_loop(d)
    }
    grew = True
    while grew:
        more = {name for name, d in defs.items() if name not in out and _called(d) & out}
        out |= more
        grew = bool(more)
    return out


def read_by_definitions(stmts: list[ast.stmt], skipped: list[ast.stmt]) -> list[ast.stmt]:
    """The ``skipped`` assignments the module's functions read as globals, and those they need, in source order.

    Parameters
    ----------
    stmts : list of ast.stmt
        The module's top-level statements.
    skipped : list of ast.stmt
        Those left unrun (not definitions).
    """
    candidates = [s for s in skipped if _runnable(s, stmts)]
    wanted = globals_read(stmts)
    chosen: list[ast.stmt] = []
    grew = True
    while grew:
        grew = False
        for s in candidates:
            if s not in chosen and writes(s) & wanted:
                chosen.append(s)
                wanted |= read_names(s.value)
                grew = True
    return sorted(chosen, key=lambda s: s.lineno)
