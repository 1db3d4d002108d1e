"""Cost functions over one flat parameter vector that unpack it into weights and biases themselves.

``cost_function(theta, X, y, n_in, n_hidden, n_out, lam) -> (J, grad)``: the code slices one flat
``theta`` and reshapes the slices (``W1 = theta[:a].reshape(n_in, n_hidden)``, ``b1 = theta[a:c]``,
inline or in a helper such as ``unpack(theta, ...)``) and returns the gradient flat, in the same
layout. The layout is read off the code itself, never guessed: its unpacking statements (the
leading assignments that read neither the data nor the penalty) are run on a vector whose entries
are their own positions, so each array they bind tells which positions it holds and in which
order. The pieces must tile the vector; the vector's length is the one at which the whole
function runs and returns a gradient of that length (an open tail ``theta[c:]`` takes the rest).

Each piece becomes a parameter under the code's own name (``W1``, ``b1``, ...). The function is
called on the vector those parameters unroll to, and its flat gradient is split the same way.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import numpy as np

from gradcheck.audit.adapters.calling import call_student
from gradcheck.audit.adapters.shapes.unrolled import FLAT_ARG, N_HIDDEN, N_IN, N_LABELS, _roles
from gradcheck.audit.adapters.sources import source_tree
from gradcheck.audit.adapters.target import Context, Target
from gradcheck.audit.astnames import read_names
from gradcheck.audit.dataslice import writes

#: The target shape of a cost over a flat vector (``gradcheck.audit.grade`` judges it by its own J when no
#: candidate network explains its gradient).
FLAT_SHAPE = "flatunpack"
#: Longest flat vector tried: a few layers of the invented sizes (3, 5 and 3 units) hold far fewer.
MAX_FLAT = 600
#: The unpacking runs on a vector whose entries are their positions plus this (exact in binary): an integer
#: array (the sizes' np.cumsum) or a column of ones never carries it, and the rare array computed from the
#: entries that does (a sum of five) is no contiguous run of positions.
MARK = 0.25
#: Samples of the trial call that confirms a vector length.
TRIAL_SAMPLES = 4


def has_flat_cost(stmts: list[ast.stmt]) -> bool:
    """Whether a module function takes a flat vector first (``theta``) and returns a pair ``(J, grad)``, and the
    module slices such a vector (there or in a helper such as ``unpack(theta, ...)``): the cost is the entry."""
    defs = [s for s in stmts if isinstance(s, ast.FunctionDef) and s.args.args and FLAT_ARG.match(s.args.args[0].arg)]
    cost = any(len(d.args.args) >= 6 and _returns_pair(d) for d in defs)
    return cost and any(_slices(d, d.args.args[0].arg) for d in defs)


def _returns_pair(fn: ast.FunctionDef) -> bool:
    return any(
        isinstance(n, ast.Return) and isinstance(n.value, ast.Tuple) and len(n.value.elts) == 2 for n in ast.walk(fn)
    )


def _slices(tree: ast.AST, flat: str) -> bool:
    return any(
        isinstance(n, ast.Subscript)
        and isinstance(n.value, ast.Name)
        and n.value.id == flat
        and isinstance(n.slice, ast.Slice)
        for n in ast.walk(tree)
    )


def unpacking(fn: Callable, roles: dict[str, str]) -> list[ast.stmt]:
    """The function's leading assignments that read neither data nor penalty (its unpacking of the vector)."""
    tree = source_tree(fn)
    body = tree.body[0].body if tree is not None and tree.body and hasattr(tree.body[0], "body") else []
    data = {a for a, r in roles.items() if r in ("X", "Y", "penalty")}
    out = []
    for s in body:
        if isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant):
            continue
        if isinstance(s, ast.For) and not read_names(s) & data:  # for shape in shapes: parts.append(theta[...])
            out.append(s)
            continue
        if not isinstance(s, (ast.Assign, ast.AnnAssign, ast.AugAssign)) or s.value is None:
            break
        if read_names(s.value) & data:  # ``i += h * d`` between slices is unpacking too
            break
        out.append(s)
    return out


def pieces_at(code, bound: list[str], fn: Callable, args: dict, length: int) -> list[tuple] | None:
    """``(name, start, shape, order)`` of each array the unpacking binds, tiling ``[0, length)``; else None."""
    ns = dict(fn.__globals__)
    ns.update(args)
    flat_name = next(a for a, r in args.items() if isinstance(r, np.ndarray))
    ns[flat_name] = np.arange(length, dtype=float) + MARK
    try:
        exec(code, ns)
    except Exception:  # noqa: BLE001 - not the length the code unpacks
        return None
    by_range = {}  # a later name for the same positions is the array the code uses (w1, then W1 = w1.reshape)
    for name in bound:
        val = ns.get(name)
        if not isinstance(val, np.ndarray) or val is ns[flat_name] or not _taken(val):
            continue  # not cut from the vector (np.cumsum of the sizes, a column of ones)
        piece = _positions(name, val)
        if piece is None:
            return None
        by_range[piece[1], val.size] = piece
    found = sorted(by_range.values(), key=lambda p: p[1])
    end = 0
    for _, start, shape, _ in found:
        if start != end:
            return None
        end = start + int(np.prod(shape))
    return found if found and end == length else None


def bound_names(stmts: list[ast.stmt]) -> list[str]:
    """The names the unpacking statements bind, in order."""
    assigned = (s for s in stmts if isinstance(s, (ast.Assign, ast.AnnAssign)))
    return list(dict.fromkeys(n for s in assigned for n in sorted(writes(s))))


def _taken(val: np.ndarray) -> bool:
    """Every entry is one of the vector's (a position plus MARK), none computed from them or made apart."""
    return val.size > 0 and val.dtype.kind == "f" and bool(np.all(val - np.floor(val) == MARK))


def _positions(name: str, val: np.ndarray) -> tuple[str, int, tuple, str] | None:
    """Where in the vector an array's entries come from: a contiguous run, in C or Fortran order."""
    for order in ("C", "F"):
        idx = val.ravel(order=order) - MARK
        if idx.size and np.array_equal(idx, idx[0] + np.arange(idx.size)):
            return name, int(idx[0]), tuple(val.shape), order
    return None


def _layout(name: str, fn: Callable, roles: dict[str, str], sizes: dict):
    """The pieces and the label form (``onehot`` or ``int``) at the vector length the whole function confirms."""
    stmts = unpacking(fn, roles)
    if not stmts:
        return None
    code = compile(ast.Module(body=stmts, type_ignores=[]), fn.__code__.co_filename, "exec")
    bound = bound_names(stmts)
    flat = next(a for a, r in roles.items() if r == "flat")
    args = {a: sizes[r] for a, r in roles.items() if r in sizes}
    rng = np.random.default_rng(0)
    X = rng.normal(size=(TRIAL_SAMPLES, sizes["n_in"]))
    labels = np.arange(TRIAL_SAMPLES) % sizes["n_out"]
    for length in range(2, MAX_FLAT):
        pieces = pieces_at(code, bound, fn, {**args, flat: np.zeros(1)}, length)
        if pieces is None:
            continue
        for form, Y in (("onehot", np.eye(sizes["n_out"])[labels]), ("int", labels)):
            kwargs = _kwargs(roles, sizes, rng.normal(0, 0.5, length), X, Y)
            try:
                ret = call_student(name, fn, **kwargs)
            except Exception:  # noqa: BLE001 - another length or label form
                continue
            if isinstance(ret, tuple) and len(ret) == 2 and np.size(ret[1]) == length:
                return pieces, form
    return None


def _kwargs(roles: dict[str, str], sizes: dict, flat: np.ndarray, X: np.ndarray, Y: np.ndarray) -> dict:
    return {a: {"flat": flat, "X": X, "Y": Y, "penalty": 0.0}.get(r, sizes.get(r)) for a, r in roles.items()}


def find(ctx: Context, only: str | None = None) -> Target | None:
    """A module function ``f(flat, ...sizes, X, y, penalty) -> (J, grad)`` whose own code unpacks ``flat``."""
    for name, fn in ctx.funcs.items():
        if only is not None and name != only:
            continue
        roles = _roles(fn)
        if roles is None:
            continue
        n_in = ctx.sizes.n_in if ctx.sizes is not None else N_IN
        n_out = ctx.sizes.n_out if ctx.sizes is not None else N_LABELS
        hidden = next(h for h in range(N_HIDDEN, N_HIDDEN + 4) if h not in (n_in, n_out))
        sizes = {"n_in": n_in, "hidden": hidden, "n_out": n_out}
        found = _layout(name, fn, roles, sizes)
        if found is not None and any(len(shape) == 1 for _, _, shape, _ in found[0]):  # biases folded: unrolled's
            return _target(ctx, name, fn, roles, sizes, *found)
    return None


def _target(ctx: Context, name: str, fn: Callable, roles: dict, sizes: dict, pieces: list, form: str) -> Target:
    rng = np.random.default_rng(0)
    made = {p: rng.normal(0, 0.5, shape) for p, _, shape, _ in pieces}
    text = ", ".join(f"{p} {shape}" for p, _, shape, _ in pieces)
    ctx.notes.append(
        f"{name}: a cost function over one flat vector ({next(a for a, r in roles.items() if r == 'flat')}) "
        f"that its own code unpacks into {text}, read off its slices and reshapes; sizes invented (input "
        f"{sizes['n_in']}, hidden {sizes['hidden']}, output {sizes['n_out']}; the gradient check does not depend "
        f"on them), labels {'one-hot rows' if form == 'onehot' else 'integers'}, penalty 0"
    )

    def call(root: dict, X: np.ndarray, Y: np.ndarray):
        flat = np.concatenate([root[p].ravel(order=o) for p, _, _, o in pieces])
        if form == "int":
            Y = np.argmax(Y, axis=1) if Y.ndim == 2 and Y.shape[1] > 1 else np.ravel(Y).astype(int)
        ret = call_student(name, fn, **_kwargs(roles, sizes, flat, X, Y))
        if not (isinstance(ret, tuple) and len(ret) == 2):
            return ret
        return ret[0], split_flat(ret[1], pieces)

    return flat_target(ctx, name, made, call)


def split_flat(grad, pieces: list):
    """A flat gradient cut into the pieces' arrays (as it came, when its length is not theirs)."""
    g = np.ravel(np.asarray(grad, dtype=float))
    if g.size != sum(int(np.prod(shape)) for _, _, shape, _ in pieces):
        return grad
    return {p: g[s : s + int(np.prod(shape))].reshape(shape, order=o) for p, s, shape, o in pieces}


def flat_target(ctx: Context, name: str, made: dict, call: Callable, **more) -> Target:
    """The target of a cost over a flat vector: parameters ``made``, ``call(root, X, Y) -> (J, {name: grad})``."""
    return Target(
        label="module",
        root_name="params",
        fresh=lambda: {k: v.copy() for k, v in made.items()},
        forward_name=None,
        backward_name=name,
        namespace=ctx.ns,
        get_forward=lambda r: None,
        get_backward=lambda r: lambda X, Y: call(r, X, Y),
        shape=FLAT_SHAPE,
        **more,
    )
