"""Networks the auditor cannot reach, recognised so the error says what they are.

- weights kept as Python lists of numbers, the network written as scalar loops
  (``w_ih[i][j] += lr * d_hid[j] * x[i]``): the auditor perturbs and reads numpy arrays;
- weights made as local variables of one training function and never returned or
  stored (``def train(X, y): W1 = np.random.randn(...) ...``): no caller can read or set them;
- a backward with no forward anywhere: its activations (``A1``, ``cache``) come from
  code that was not handed in.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from typing import Any

from gradcheck.audit.adapters.calling import signature
from gradcheck.audit.adapters.names import BACKWARD_NAMES, is_param_name, role_of
from gradcheck.audit.adapters.outside import methods_outside
from gradcheck.audit.adapters.scalarargs import spread_weights
from gradcheck.audit.adapters.sources import source_tree
from gradcheck.audit.astnames import makes_array

#: Calls that make a weight array (``np.random.randn``, ``rng.normal``, ``np.zeros``).
_MAKERS = ("randn", "rand", "normal", "uniform", "standard_normal", "zeros", "ones", "random", "randint")


def _numbers(value: Any, depth: int = 0) -> bool:
    """A non-empty (nested) list of Python numbers with at least one float somewhere."""
    if depth > 3 or not isinstance(value, list) or not value:
        return False
    flat = [v for v in value if not isinstance(v, list)]
    nested = [v for v in value if isinstance(v, list)]
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in flat):
        return False
    if nested and not all(_numbers(v, depth + 1) or _ints(v) for v in nested):
        return False
    return any(isinstance(v, float) for v in flat) or any(_numbers(v, depth + 1) for v in nested)


def _ints(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)


def number_lists(root: Any, stmts: Iterable[ast.stmt] = ()) -> list[str]:
    """Names of weight-like lists of Python numbers held by ``root`` (a module namespace or an object), with,
    when there are some, the module's other weight-like names built by list comprehensions (not run at load)."""
    items = root.items() if isinstance(root, dict) else (vars(root).items() if hasattr(root, "__dict__") else [])
    held = [k for k, v in items if isinstance(k, str) and is_param_name(k) and _numbers(v)]
    if not held:
        return []
    built = [
        t.id
        for s in stmts
        if isinstance(s, ast.Assign) and isinstance(s.value, ast.ListComp)
        for t in s.targets
        if isinstance(t, ast.Name) and is_param_name(t.id)
    ]
    return list(dict.fromkeys(built + held))


def local_weights(fn: Callable) -> list[str]:
    """Weight-like local variables ``fn`` makes (``W1 = np.random.randn(...)``) and never returns, stores on an
    object, declares global or hands to another function; [] when it makes none or any of them escapes."""
    tree = source_tree(fn)
    if tree is None or not tree.body or not isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return []
    made = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and makes_array(node.value, _MAKERS):
            made += [t.id for t in node.targets if isinstance(t, ast.Name) and is_param_name(t.id)]
    made = list(dict.fromkeys(made))
    return made if made and not _escapes(tree, set(made)) else []


def written_apart(stmts: Iterable[ast.stmt], on_module: bool) -> str | None:
    """Weights no object holds because the code is written apart: one number per argument
    (:mod:`.scalarargs`), or methods outside their class (:mod:`.outside`, for a module-level entry)."""
    stmts = list(stmts)
    return spread_weights(stmts) or (methods_outside(stmts) if on_module else None)


def local_text(entry: str, local: list[str]) -> str:
    """The error for a function whose weights ``local`` never leave it."""
    return (
        f"{entry} makes its weights {', '.join(local)} as local variables and neither returns nor "
        "stores them: no caller can read or set them, so its gradient cannot be checked. No spec setting "
        "reaches a function's local variables: the code must return the weights, or keep them on an "
        "object or in module globals"
    )


def _escapes(tree: ast.AST, names: set[str]) -> bool:
    """Whether any of ``names`` leaves the function: returned, yielded, global, stored, or passed to a call
    (also through a local container holding them: ``params = {"W1": W1, ...}; return params, history``)."""
    names = _with_holders(tree, names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Global) and names & set(node.names):
            return True
        if isinstance(node, (ast.Return, ast.Yield)) and node.value is not None and _handed(node.value, names):
            return True
        if isinstance(node, ast.Assign) and _mentions(node.value, names):
            if any(not isinstance(t, ast.Name) for t in node.targets):  # self.W = W, params["W"] = W
                return True
        if isinstance(node, ast.Call) and not _array_call(node) and any(_bare(a, names) for a in node.args):
            return True
    return False


def _with_holders(tree: ast.AST, names: set[str]) -> set[str]:
    """``names`` and the local variables bound to a tuple, list or dict holding one of them (to a fixed point)."""
    held = set(names)
    while True:
        more = {
            t.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Tuple, ast.List, ast.Dict))
            if _handed(node.value, held)
            for t in node.targets
            if isinstance(t, ast.Name) and t.id not in held
        }
        if not more:
            return held
        held |= more


def _mentions(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _handed(node: ast.AST, names: set[str]) -> bool:
    """A weight returned as it is, or inside a returned tuple, list or dict (``return W1, b1``)."""
    if isinstance(node, (ast.Tuple, ast.List)):
        return any(_handed(e, names) for e in node.elts)
    if isinstance(node, ast.Dict):
        return any(v is not None and _handed(v, names) for v in node.values)
    return _bare(node, names)


def _bare(node: ast.AST, names: set[str]) -> bool:
    """A weight handed over as it is (``forward(X, W1, b1)``), not a value computed from it."""
    return isinstance(node, ast.Name) and node.id in names


def _array_call(call: ast.Call) -> bool:
    """Numpy and builtins compute from a weight; they do not keep it (``np.dot(X, W1)``, ``print(W1)``)."""
    f = call.func
    while isinstance(f, ast.Attribute):
        f = f.value
    return isinstance(f, ast.Name) and f.id in ("np", "numpy", "print", "len", "float", "abs", "sum", "max", "min")


def forward_only_args(fn: Callable, missing: Iterable[str]) -> list[str]:
    """Of the arguments a backward could not be given, those only a forward computes (activations, caches)."""
    words = ("a", "z", "h", "cache", "act", "activation", "hidden", "out", "pre", "layer")
    keep = []
    for name in missing:
        low = name.lower().rstrip("0123456789_")
        if low in words or any(low.startswith(w) and len(low) <= len(w) + 4 for w in ("cache", "activ", "hidden")):
            keep.append(name)
    return keep


def lone_backward(fn: Callable, offered: dict, has_forward: bool, entry: str, funcs: Iterable[str]) -> str | None:
    """Why a backward with no forward cannot be called, or None: the arguments it needs that only a forward makes."""
    if has_forward:
        return None
    sig = signature(fn)
    if sig is None:
        return None
    unplaced = [
        p.name
        for p in sig.parameters.values()
        if p.default is p.empty
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        and role_of(p.name) not in offered
        and f"={p.name}" not in offered
    ]
    needs = forward_only_args(fn, unplaced)
    if not needs:
        return None
    like = sorted(f for f in funcs if _FORWARD_LIKE.search(f) and f != getattr(fn, "__name__", None))
    if like:  # forward_propagetaion beside linear_forward: a forward is there, but which one is not clear
        return (
            f"{entry}{sig} needs {', '.join(needs)}, which only a forward pass computes, and no one function of "
            f"the submission is plainly its forward ({', '.join(like)} may be): name it with "
            f'[entry] forward = "{like[0]}" (or whichever computes the network\'s output)'
        )
    return (
        f"{entry}{sig} needs {', '.join(needs)}, which only a forward pass computes, and the submission has no "
        f"forward function (functions: {', '.join(sorted(funcs))}): a backward alone cannot be checked. Audit it "
        "with the file that has its forward (a folder is audited as one project), or name that function with "
        "[entry] forward"
    )


#: Function names that may be a forward pass the names in :mod:`~gradcheck.audit.adapters.names` did not place.
_FORWARD_LIKE = re.compile(r"^(?!.*(back|bwd|grad|deriv|prime)).*(forw|fwd|feed|predict|propag|infer)", re.I)


__all__ = [
    "backward_unwritten",
    "forward_only_args",
    "local_weights",
    "lone_backward",
    "number_lists",
    "only_stubs",
    "unwritten_text",
]


def _stub(fn: ast.FunctionDef) -> bool:
    """A body of ``pass``, ``...`` and docstrings only: a function left to write."""
    return all(
        isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)) for s in fn.body
    )


def _computes(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and not isinstance(stmt.value, ast.Constant)


def backward_unwritten(target: Any, loaded: Any) -> bool:
    """Is the target's backward a body of ``pass`` and docstrings only (``def backward(loss): pass``)?"""
    cls = getattr(loaded, "class_nodes", {}).get(target.label) if target.root_name == "self" else None
    body = cls.body if cls is not None else list(getattr(loaded, "stmts", None) or [])
    fn = next((n for n in body if isinstance(n, ast.FunctionDef) and n.name == target.backward_name), None)
    return fn is not None and _stub(fn)


def only_stubs(loaded: Any) -> str | None:
    """The backward of a submission whose every backward-named function or method (``backward``, ``backprop``,
    ``train_step``...) is ``pass`` only (``def backward(loss): pass`` beside a written forward), or None."""
    found = []
    for stmt in list(getattr(loaded, "stmts", None) or []):
        defs = [(None, stmt)] if isinstance(stmt, ast.FunctionDef) else []
        if isinstance(stmt, ast.ClassDef):
            defs = [(stmt.name, n) for n in stmt.body if isinstance(n, ast.FunctionDef)]
        found += [(cls, fn) for cls, fn in defs if fn.name.lower() in BACKWARD_NAMES]
    if not found or not all(_stub(fn) for _, fn in found):
        return None
    cls, fn = found[0]
    return f"{cls}.{fn.name}" if cls else fn.name


def unwritten_text(entry: str) -> str:
    """The error for a backward never written: the submission's defect, said before anything else is looked for."""
    return (
        f"{entry} is not written: its body is only pass (or a docstring), so it computes no gradient. "
        "A defect of the submission: No spec setting repairs it"
    )


def no_gradients_text(target: Any, loaded: Any) -> str:
    """The error for a backward that gave no gradients: said plainly when its body was never written."""
    entry = target.entry()
    if backward_unwritten(target, loaded):
        return unwritten_text(entry)
    return (
        f"{entry} returned no gradients, changed no weights and no stored gradients "
        "(dW1, grads[...], .grad) were found: set [network] grads"
    )
