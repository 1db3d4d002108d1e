"""Weights kept as Python lists of numbers, one number per connection: named, never modelled.

Nets written without numpy keep each neuron's weights as a list of floats::

    hidden = [{"weights": [random() for _ in range(n_inputs + 1)]} for _ in range(n_hidden)]
    self.w_ih = [[random.uniform(-1, 1) for _ in range(n_hidden)] for _ in range(n_in)]

and update them number by number (``neuron["weights"][j] -= l_rate * neuron["delta"] * inputs[j]``).
The audit perturbs numpy arrays; such a net has none, so the generic "no weight arrays
were found" would leave the instructor guessing. This module finds the lists (made of
``random()``-like draws or numeric literals, and never handed to ``np.array``) so the
error can say what the code holds and that it is not supported.
"""

from __future__ import annotations

import ast

from gradcheck.audit.adapters.names import is_bias, is_param_name, leaf

#: Calls that draw one Python number (module ``random``, ``random.random()``...).
SCALAR_DRAWS = {"random", "uniform", "gauss", "normalvariate", "randint", "triangular"}
#: Calls that turn a list into an array: such lists are arrays in the end.
ARRAY_MAKERS = {"array", "asarray", "matrix", "asmatrix", "fromiter"}


def _draws_scalars(node: ast.AST) -> bool:
    """A list comprehension (maybe nested) whose element is one drawn number or a numeric literal, or a
    (nested) list of numeric literals; a bare number is no list."""
    if isinstance(node, ast.List):
        return bool(node.elts) and all(_number_or_list(e) for e in node.elts)
    if not isinstance(node, ast.ListComp):
        return False
    while isinstance(node, ast.ListComp):
        node = node.elt
    calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]  # ``random() - 0.5``, ``uniform(-1, 1)``
    return bool(calls) and all(_draw(c) for c in calls)


def _draw(call: ast.Call) -> bool:
    f = call.func
    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
    return name in SCALAR_DRAWS and not _numpy_call(f)


def _number_or_list(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    if isinstance(node, ast.Constant):
        return type(node.value) in (int, float)
    return isinstance(node, ast.List) and bool(node.elts) and all(_number_or_list(e) for e in node.elts)


def _numpy_call(f: ast.expr) -> bool:
    """``np.random.uniform``: numpy's draws make arrays, not Python numbers."""
    while isinstance(f, ast.Attribute):
        f = f.value
    return isinstance(f, ast.Name) and f.id in ("np", "numpy")


def _target_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _made_lists(tree: ast.AST) -> list[tuple[str, int]]:
    """(name, line) of every list of Python numbers the code makes: assigned, or a dict's value."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _draws_scalars(node.value):
            for t in node.targets:
                name = _target_name(t)
                if name:
                    found.append((name, node.lineno))
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and isinstance(k.value, str) and _draws_scalars(v):
                    found.append((f"[{k.value!r}]", node.lineno))
    return found


def _weight_like(name: str) -> bool:
    """``w1``, ``self.weights``, ``['weights']``, ``ih_wgt``: a name for weights, never ``expected`` or ``inputs``."""
    bare = name.strip("[]'\"").lower()
    return is_param_name(bare) or "weight" in bare or "wgt" in bare or bare in ("w", "b", "bias", "biases")


def _arrayed(tree: ast.AST) -> set[str]:
    """Names handed to ``np.array(...)`` anywhere (``self.w0 = np.array(self.w0)``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ARRAY_MAKERS:
            for a in node.args:
                name = _target_name(a)
                if name:
                    names.add(name)
    return names


def scalar_weights(stmts: list[ast.stmt]) -> str | None:
    """What holds the weights as lists of Python numbers (for an error message), or None.

    Parameters
    ----------
    stmts : list of ast.stmt
        The entry file's top-level statements (functions and classes included).

    Returns
    -------
    str or None
        ``"['weights'] (line 12)"``-like description of the lists, or None when every
        list the code draws is turned into a numpy array.
    """
    tree = ast.Module(body=list(stmts), type_ignores=[])
    arrayed = _arrayed(tree)
    kept = [(n, line) for n, line in _made_lists(tree) if n not in arrayed and _weight_like(n)]
    if not kept:
        return None
    shown = sorted({f"{n} (line {line})" for n, line in kept})
    return ", ".join(shown[:4]) + (", ..." if len(shown) > 4 else "")


def error_text(where: str) -> str:
    """The error for a net whose weights are lists of Python numbers (held by an object, or built by the code)."""
    return (
        f"the weights {where} are Python lists of numbers: the network is written as scalar loops "
        "over lists, and only numpy arrays can be perturbed and read as parameters. No spec setting changes "
        "that: the code must keep its weights in numpy arrays (np.array(w)) to be audited"
    )


def number_biases(root, params: list) -> str | None:
    """A note naming bias-like attributes of ``root`` kept as Python numbers (``self.bias2 = 1.0``) beside
    array parameters: they are no parameter, so their layer looks bias-free, or None."""
    if isinstance(root, dict) or not hasattr(root, "__dict__") or not params:
        return None
    found = [
        f"{k} = {v!r}"
        for k, v in vars(root).items()
        if isinstance(v, float) and is_param_name(k) and is_bias(k) and not any(leaf(t.name) == k for t in params)
    ]
    if not found:
        return None
    return (
        f"{', '.join(found)}: a bias kept as a Python number, not an array, is no parameter the audit can "
        "perturb; its layer is taken as one without a bias (an array, np.array([1.0]), would be checked)"
    )


__all__ = ["error_text", "number_biases", "scalar_weights"]
