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
from collections.abc import Callable

from gradcheck.audit.adapters.names import LOSS_DERIV_FUNC
from gradcheck.audit.adapters.sources import source_tree
from gradcheck.audit.astnames import called_name

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
#: Calls a sequence of widths takes and a number does not.
SEQUENCE_CALLS = ("len", "zip", "list", "tuple", "enumerate", "reversed", "sorted")
#: Arguments that are not numbers whatever the body does with them.
NOT_NUMBER = re.compile(r"(activation|act$|func|fn$|loss|optim|init|layer|model|data|name|path|file|mode|type)", re.I)
#: Numbers that must not change the loss or the forward: given 0.
ZERO_NAMES = re.compile(r"(reg|lambda|lam$|l2|l1|decay|penalty|dropout|keep|momentum|beta|mu$|noise)", re.I)


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
    tree = source_tree(fn)
    if tree is None:
        return False
    aliases = _aliases(tree, name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if called_name(node) in SHAPE_CALLS and any(_mentions(a, aliases) for a in [*node.args, *node.keywords]):
                return True
    return False


def a_count(fn: Callable, name: str) -> bool:
    """Whether argument ``name`` (``input`` in ``initialize_weights(input, hidden, output)``) is a count, whatever its
    name says: a shape the body makes is written with it (``rng.normal(0, 1, (input, hidden))``, ``np.sqrt(input)``
    aside), and nothing treats it as an array (``input.shape``, ``input[0]``, ``input @ W``, ``len(input)``)."""
    tree = source_tree(fn)
    if tree is None or not used_as_size(fn, name) or used_as_list(fn, name):
        return False

    # what it is stored as (self.input_layer = X): an alias is read as the argument
    aliases = {
        ast.unparse(t)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id == name
        for t in node.targets
    }

    def named(node) -> bool:
        if isinstance(node, ast.Name):
            return node.id == name or node.id in aliases
        return isinstance(node, ast.Attribute) and bool(aliases) and ast.unparse(node) in aliases

    for node in ast.walk(tree):  # input.shape, input @ W, self.input_layer.shape: an array
        if isinstance(node, ast.Attribute) and named(node.value):
            return False
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult) and (named(node.left) or named(node.right)):
            return False
    return True


def used_as_list(fn: Callable, name: str) -> bool:
    """Whether argument ``name`` of ``fn`` is a sequence: ``len(name)``, ``name[1:]``, ``name[0]``, ``zip(name, ...)``,
    ``list(name)``, ``for w in name``, ``[n_in] + name``, ``[n_in, *name]`` (what a number cannot take)."""
    tree = source_tree(fn)
    if tree is None:
        return False

    def named(node) -> bool:
        return isinstance(node, ast.Name) and node.id == name

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SEQUENCE_CALLS:
            if any(named(a) for a in node.args):
                return True
        if isinstance(node, ast.Subscript) and named(node.value):  # n_hidden[0], sizes[1:]: no number's
            return True
        if isinstance(node, (ast.For, ast.comprehension)) and named(node.iter):
            return True
        if isinstance(node, ast.Starred) and named(node.value):
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            sides = (node.left, node.right)
            if any(named(s) for s in sides) and any(isinstance(s, ast.List) for s in sides):
                return True
    return False


def used_as_number(fn: Callable, name: str) -> bool:
    """Whether argument ``name`` is a number: kept on the object (``self.lr = r``) or used in arithmetic."""
    tree = source_tree(fn)
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


def _callee(fn: Callable, call: ast.Call) -> Callable | None:
    """The function a call in ``fn``'s body reaches: ``self.m(...)`` on its object, or a module function."""
    f = call.func
    owner = getattr(fn, "__self__", None)
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "self" and owner is not None:
        return getattr(owner, f.attr, None)
    if isinstance(f, ast.Name):
        found = getattr(fn, "__globals__", {}).get(f.id)
        return found if inspect.isfunction(found) else None
    return None


def _passed_on(fn: Callable, tree: ast.AST, mine: set[str], theirs: set[str]) -> list[tuple[Callable, str, str]]:
    """(callee, its argument name for ours, for theirs) where both are passed as plain arguments of one call."""
    out = []
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        names = [a.id if isinstance(a, ast.Name) else None for a in call.args]
        a = next((i for i, n in enumerate(names) if n in mine), None)
        b = next((i for i, n in enumerate(names) if n in theirs), None)
        callee = _callee(fn, call) if a is not None and b is not None else None
        sig = inspect.signature(callee) if callable(callee) else None
        params = [p.name for p in sig.parameters.values()] if sig is not None else []
        if sig is not None and max(a, b) < len(params):
            out.append((callee, params[a], params[b]))
    return out


def subtracted_with(fn: Callable, name: str, other: str, depth: int = 0) -> bool:
    """Whether ``name`` and ``other`` are the two sides of one subtraction (``p - t``), in ``fn`` or in a
    helper it hands both to (``self.loss_grad(p, t)``): a prediction and its target."""
    tree = source_tree(fn)
    if tree is None:
        return False
    mine, theirs = _aliases(tree, name), _aliases(tree, other)
    for n in ast.walk(tree):
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub):
            sides = (n.left, n.right)
            if any(_mentions(a, mine) and _mentions(b, theirs) for a, b in (sides, sides[::-1])):
                return True
    return depth < 2 and any(subtracted_with(c, x, y, depth + 1) for c, x, y in _passed_on(fn, tree, mine, theirs))


def handed_to_loss_gradient(fn: Callable, name: str) -> bool:
    """Whether ``fn`` hands argument ``name`` to a loss's derivative beside something else
    (``cross_entropy_softmax_grad(self.probs, labels)``): the targets, never an upstream gradient."""
    tree = source_tree(fn)
    if tree is None:
        return False
    aliases = _aliases(tree, name)
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        args = [*call.args, *(k.value for k in call.keywords)]
        if (
            len(args) >= 2
            and LOSS_DERIV_FUNC.search(called_name(call) or "")
            and any(_mentions(a, aliases) for a in args)
        ):
            return True
    return False


def reads_stored_input(fn: Callable, x_role: Callable[[str], bool]) -> bool:
    """Whether a method reads ``self.<a>`` that a method of its object sets from an input argument
    (``self.x = x`` in ``forward``): the method does not need the input handed to it again."""
    owner = getattr(fn, "__self__", None)
    tree = source_tree(fn)
    if owner is None or tree is None:
        return False
    stored = set()
    for method in (m for m in vars(type(owner)).values() if inspect.isfunction(m)):
        mtree = source_tree(method)
        args = [a.arg for a in mtree.body[0].args.args] if mtree is not None and mtree.body else []
        for arg in (a for a in args if x_role(a)):
            stored |= {a for a in _aliases(mtree, arg) if a.startswith("self.")}
    read = {f"self.{n.attr}" for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)}
    return bool(stored & read)


def used_as_input(fn: Callable, name: str) -> bool:
    """Whether argument ``name`` enters a matrix product (``x @ W``, ``x.T @ delta``, ``np.dot(x, W)``) or is
    kept on the object: what a network's input is used for, never its prediction."""
    tree = source_tree(fn)
    if tree is None:
        return False
    aliases = _aliases(tree, name)
    if any(a.startswith("self.") for a in aliases):
        return True
    for n in ast.walk(tree):
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.MatMult):
            if _mentions(n.left, aliases) or _mentions(n.right, aliases):
                return True
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("dot", "matmul"):
            if any(_mentions(a, aliases) for a in [n.func.value, *n.args]):
                return True
    return False
