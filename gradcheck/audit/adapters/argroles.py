"""What a constructor's or initializer's argument is for: a size, a rate, or something else.

Read first from its name (``n_in``, ``hidden_size``, ``inputnodes``, ``learningrate``;
see :func:`gradcheck.audit.adapters.names.size_role`), then, for names that say
nothing (``init_model(d, h, k)``, ``NN(a, b, c, r)``), from how the body uses it:
an argument that reaches the shape of an array (``np.random.randn(d, h)``,
``np.zeros((1, k))``, ``rng.normal(0, s, (self.hnodes, self.inodes))``, directly or
through ``self.x = x``) is a size. Sizes whose role the name does not say are
ordered as a network is written: the first is the input size, the last the
output size, the others hidden widths. Any other argument is a number: a rate
(given a small float, which the update is then verified linear in) or, named
like a penalty or a probability, zero (so it changes nothing the reference
networks do not model).
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Callable

#: Calls whose arguments are (or contain) array shapes.
SHAPE_CALLS = {
    "randn",
    "rand",
    "random",
    "random_sample",
    "standard_normal",
    "normal",
    "uniform",
    "zeros",
    "ones",
    "empty",
    "full",
    "randint",
    "eye",
    "identity",
    "range",
    "reshape",
    "integers",
    "truncated_normal",
}
#: Arguments that are not numbers whatever the body does with them.
NOT_NUMBER = re.compile(r"(activation|act$|func|fn$|loss|optim|init|layer|model|data|name|path|file|mode|type)", re.I)
#: Numbers that must not change the loss or the forward: given 0.
ZERO_NAMES = re.compile(r"(reg|lambda|lam$|l2|l1|decay|penalty|dropout|keep|momentum|beta|mu$|noise)", re.I)


def _tree(fn: Callable) -> ast.AST | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None


def _aliases(tree: ast.AST, name: str) -> set[str]:
    """``name`` and the attributes it is stored in (``self.inodes = inputnodes``)."""
    found = {name}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:  # ``self.x = x`` and ``self.a, self.b = a, b``
            pairs = [(target, node.value)]
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                pairs = list(zip(target.elts, node.value.elts))
            for t, v in pairs:
                if not (isinstance(v, ast.Name) and v.id == name):
                    continue
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                    found.add(f"self.{t.attr}")
                elif isinstance(t, ast.Name):
                    found.add(t.id)
    return found


def _mentions(node: ast.AST, aliases: set[str]) -> bool:
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and n.id in aliases:
            return True
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and f"{n.value.id}.{n.attr}" in aliases:
            return True
    return False


def used_as_size(fn: Callable, name: str) -> bool:
    """Whether argument ``name`` of ``fn`` reaches the shape of an array the body makes."""
    tree = _tree(fn)
    if tree is None:
        return False
    aliases = _aliases(tree, name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            called = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
            if called in SHAPE_CALLS and any(_mentions(a, aliases) for a in [*node.args, *node.keywords]):
                return True
    return False


def used_as_number(fn: Callable, name: str) -> bool:
    """Whether argument ``name`` is a number: kept on the object (``self.lr = r``) or used in arithmetic."""
    tree = _tree(fn)
    if tree is None or NOT_NUMBER.search(name):
        return False
    aliases = _aliases(tree, name)
    if any(a.startswith("self.") for a in aliases):
        return True
    return any(isinstance(n, ast.BinOp) and _mentions(n, aliases) for n in ast.walk(tree))


def order_sizes(known: dict[str, str | None], unknown_sizes: list[str], order: list[str]) -> dict[str, str]:
    """Roles of the sizes the names do not tell, by their place among every size argument.

    ``known``: the size role each argument's name gives (None: not a size by its name).
    The first size argument is the input size and the last the output size when
    their names do not say so and no other argument is named so; the others are
    hidden widths.
    """
    roles: dict[str, str] = {}
    sizes = [n for n in order if known.get(n) or n in unknown_sizes]
    taken = {r for r in known.values() if r in ("n_in", "n_out")}
    for i, name in enumerate(sizes):
        if name not in unknown_sizes:
            continue
        if i == 0 and "n_in" not in taken:
            role = "n_in"
        elif i == len(sizes) - 1 and "n_out" not in taken:
            role = "n_out"
        else:
            role = "hidden"
        roles[name] = role
        taken.add(role)
    return roles
