"""A constructor argument that is a list of names: ``Network(sizes, acts)`` with ``acts = ["tanh", "relu"]``.

Such code picks each layer's activation by comparing a name with string literals
(``if name == "sigmoid": ...``) or looking it up in a dict keyed by them
(``self.activation_funcs[name]``), in the method that loops over the list or in a function
the name is handed to (``act(name, z)``). The argument plays no known role and is not a
number; the strings it is compared with say what it holds. It is given one of those
strings per layer, smooth ones first (so that a derivative is checked away from kinks),
each string the code knows used once before any is repeated.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from gradcheck.audit.adapters.sources import module_tree, source_tree

#: Names compared with these are taken first: activations with a derivative everywhere.
SMOOTH = ("tanh", "sigmoid", "softplus", "elu", "gelu", "swish", "logistic")


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _aliases(tree: ast.AST, name: str) -> set[str]:
    """``name`` and the attributes it is kept in (``self.acts = acts``)."""
    found = {name}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _dotted(node.value) == name:
            found.update(d for t in node.targets if (d := _dotted(t)) and d.startswith("self."))
    return found


def _elements(tree: ast.AST, aliases: set[str]) -> set[str]:
    """Loop variables that take the list's items: ``for name in acts``, ``for w, b, name in zip(.., acts)``."""
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, (ast.For, ast.comprehension)):
            continue
        it, target = node.iter, node.target
        if _dotted(it) in aliases and isinstance(target, ast.Name):
            found.add(target.id)
        elif isinstance(it, ast.Call) and _dotted(it.func) in ("zip", "enumerate") and isinstance(target, ast.Tuple):
            parts = target.elts
            if _dotted(it.func) == "enumerate" and len(parts) == 2 and isinstance(parts[1], ast.Name):
                if it.args and _dotted(it.args[0]) in aliases:
                    found.add(parts[1].id)
            elif len(parts) == len(it.args):
                found.update(t.id for a, t in zip(it.args, parts) if _dotted(a) in aliases and isinstance(t, ast.Name))
    return found


def _is_item(node: ast.AST, aliases: set[str], elements: set[str]) -> bool:
    if isinstance(node, ast.Name) and node.id in elements:
        return True
    return isinstance(node, ast.Subscript) and _dotted(node.value) in aliases


def _compared(tree: ast.AST, names: set[str]) -> list[str]:
    """String literals compared with one of ``names`` (``==``, ``!=``, ``in``), in order of appearance."""
    out: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare) or len(node.ops) != 1:
            continue
        sides = [node.left, node.comparators[0]]
        if not any(isinstance(s, ast.Name) and s.id in names for s in sides):
            continue
        for s in sides:
            consts = s.elts if isinstance(s, (ast.Tuple, ast.List, ast.Set)) else [s]
            out += [c.value for c in consts if isinstance(c, ast.Constant) and isinstance(c.value, str)]
    return out


def _string_dicts(tree: ast.AST) -> dict[str, list[str]]:
    """Dicts keyed by strings the module binds: ``FUNCS = {"relu": relu, ...}``, ``self.acts = {...}`` -> keys."""
    found: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and node.value.keys:
            keys = node.value.keys
            if all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in keys):
                for t in node.targets:
                    if d := _dotted(t):
                        found[d] = [k.value for k in keys]
                        found[d.removeprefix("self.")] = found[d]  # a class attribute read as self.name
    return found


def _looked_up(tree: ast.AST, names: set[str], dicts: dict[str, list[str]], aliases: frozenset = frozenset()) -> list:
    """The keys of string-keyed dicts an item looks up: one of ``names`` (``self.activation_funcs[name]``), or
    an item of one of ``aliases`` (``FUNCS[self.acts[i]]``)."""
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_item(node.slice, set(aliases), names):
            d = _dotted(node.value)
            out += dicts.get(d or "", []) or dicts.get((d or "").removeprefix("self."), [])
    return out


def _functions(tree: ast.AST) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def compared_strings(fn: Callable, name: str) -> list[str]:
    """The strings argument ``name`` of ``fn`` (a constructor) holds, read off the comparisons its items meet."""
    tree = module_tree(fn)
    if tree is None or source_tree(fn) is None:
        return []
    aliases = _aliases(source_tree(fn), name)
    elements = _elements(tree, aliases)
    dicts = _string_dicts(tree)
    found = _compared(tree, elements) + _looked_up(tree, elements, dicts, frozenset(aliases))
    for node, callee, params in _calls_of_own(tree):  # act(name, z), self.act_prime(self.acts[-1], z): the callee
        for i, arg in enumerate(node.args):  # compares
            if i < len(params) and _is_item(arg, aliases, elements):
                found += _compared(callee, {params[i]}) + _looked_up(callee, {params[i]}, dicts)
    return list(dict.fromkeys(found))


def _calls_of_own(where: ast.AST, tree: ast.AST | None = None):
    """(call, the file's function it calls, that function's parameters but self) for each call in ``where`` of a
    function defined in ``tree`` (default: ``where``)."""
    funcs = _functions(tree if tree is not None else where)
    for node in ast.walk(where):
        if isinstance(node, ast.Call):
            callee = funcs.get(node.func.attr if isinstance(node.func, ast.Attribute) else _dotted(node.func) or "")
            if callee is not None:
                yield node, callee, [a.arg for a in callee.args.args if a.arg != "self"]


def per_layer(strings: list[str], layers: int) -> list[str]:
    """One string per layer: the smooth ones first, every string once before any repeats."""
    ordered = sorted(strings, key=lambda s: (s.lower() not in SMOOTH, strings.index(s)))
    return [ordered[i % len(ordered)] for i in range(max(layers, 1))]


def _layers(earlier: list) -> int:
    """Layers a size list among the arguments already chosen describes (2 without one)."""
    for v in earlier:
        if isinstance(v, (list, tuple)) and len(v) >= 2 and all(isinstance(n, int) for n in v):
            return len(v) - 1
    return 2


def argument(fn: Callable, name: str, earlier: list, label: str, notes: list[str]) -> list[str] | None:
    """A list of the strings the code compares argument ``name``'s items with, one per layer; None if none."""
    strings = compared_strings(fn, name)
    if not strings:
        return None
    value = per_layer(strings, _layers(earlier))
    notes.append(
        f"{label}: {name} = {value} given (its items are compared with {', '.join(map(repr, strings))}; one per layer)"
    )
    return value


def _passed_literals(tree: ast.AST) -> list[str]:
    """String literals the file passes in its own calls (``nn.fit(X, Y, "MSE", 0.01)``), in order."""
    return [
        a.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for a in [*node.args, *(k.value for k in node.keywords)]
        if isinstance(a, ast.Constant) and isinstance(a.value, str)
    ]


def selector(fn: Callable, name: str) -> str | None:
    """The string argument ``name`` of ``fn`` selects by, or None: ``_back_prop(self, loss_method, ...)``
    handing ``loss_method`` to ``self._cost(method, ...)``, which asks ``if method == 'MSE'``.

    The strings come from comparisons with ``name`` in ``fn`` and in the functions of its file it is
    passed to (one call deep, positionally or by keyword). Of several, the one the file itself passes
    in a call is taken (its own choice), else the first compared.
    """
    tree, own = module_tree(fn), source_tree(fn)
    if tree is None or own is None:
        return None
    found = _compared(own, {name})
    for node, callee, params in _calls_of_own(own, tree):
        for i, arg in enumerate(node.args):
            if i < len(params) and isinstance(arg, ast.Name) and arg.id == name:
                found += _compared(callee, {params[i]})
        for kw in node.keywords:
            if kw.arg and isinstance(kw.value, ast.Name) and kw.value.id == name:
                found += _compared(callee, {kw.arg})
    if not found:
        return None
    chosen = [s for s in _passed_literals(tree) if s in found]
    return chosen[0] if chosen else found[0]
