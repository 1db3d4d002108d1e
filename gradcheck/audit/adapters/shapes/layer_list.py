"""A module-level list of layer objects: ``network = [Dense(2, 3), Tanh(), Dense(3, 1), Tanh()]``.

The list is built by top-level code the loader does not run (it calls the
student's classes), so its one assignment statement is run here. The forward
chains ``layer.forward`` (or the module's own ``predict(network, x)``); the
backward feeds the loss gradient from the student's loss derivative back
through ``layer.backward(grad, learning_rate)`` in reverse order, as the
student's training loop does.
"""

from __future__ import annotations

import ast
import copy
from typing import Any

from gradcheck.audit.adapters import built
from gradcheck.audit.adapters.calling import bind_args, call_student, plain_params
from gradcheck.audit.adapters.names import FORWARD_NAMES
from gradcheck.audit.adapters.objects import methods
from gradcheck.audit.adapters.target import Context, Target, deepcopy_or


class LayerChain:
    """The student's layers, run in order (forward) and in reverse (backward)."""

    def __init__(self, name: str, layers: list):
        self._name = name
        self.__dict__[name] = layers  # parameters show as network[0].weights (a list named layers too)

    @property
    def layers(self) -> list:
        """The student's list."""
        return self.__dict__[self._name]

    def forward(self, X):
        """Each layer's ``forward`` on the previous one's output."""
        out = X
        for layer in self.layers:
            out = layer.forward(out)
        return out

    def backward(self, dout, lr):
        """Each layer's ``backward`` on the gradient the next one returned (in-place updaters get ``lr``)."""
        grad = dout
        for layer in reversed(self.layers):
            ctx = {"dout": lambda g=grad: g, "lr": lambda: lr}
            args, kwargs, _ = bind_args(layer.backward, ctx, ["dout", "lr"], "layer")
            grad = layer.backward(*args, **kwargs)
        return None


def _layer_lists(ctx: Context) -> list[ast.Assign]:
    """Top-level ``name = [StudentClass(...), ...]`` statements."""
    own = {c.__name__ for c in ctx.classes if {"forward", "backward"} <= methods(c)}
    found = []
    for stmt in ctx.loaded.stmts:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            value = stmt.value
            if (
                isinstance(value, ast.List)
                and len(value.elts) >= 2
                and all(
                    isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id in own for e in value.elts
                )
            ):
                found.append(stmt)
    return found


def _build(stmt: ast.Assign, ctx: Context) -> Any:
    code = compile(ast.Module(body=[stmt], type_ignores=[]), str(ctx.loaded.path), "exec")
    scratch = dict(ctx.ns)
    call_student(f"{ctx.loaded.locate(stmt.lineno)}", exec, code, scratch)
    return scratch[stmt.targets[0].id]


def _reads_of_file(stmt: ast.Assign, ctx: Context) -> frozenset:
    """The names read by the file that holds ``stmt`` (a folder's script): which loss it trains with."""
    if ctx.loaded.folder is None:
        return frozenset()
    want = ast.dump(stmt)
    for _, tree in built.sources(ctx.loaded):
        if any(ast.dump(s) == want for s in getattr(tree, "body", [])):
            return frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))
    return frozenset()


def _module_forward(ctx: Context, name: str):
    """The module's ``predict(network, x)``-like function taking the list, if any."""
    for fname in FORWARD_NAMES:
        fn = ctx.funcs.get(fname)
        if fn is not None and len([p for p in plain_params(fn) if p.default is p.empty]) == 2:
            return fname, fn
    return None, None


def find(ctx: Context) -> Target | None:
    """A module-level list of the student's layer objects."""
    stmts = _layer_lists(ctx)
    if not stmts:
        return None
    stmt = stmts[-1]
    name = stmt.targets[0].id
    layers = _build(stmt, ctx)
    base = LayerChain(name, layers)
    fname, ffn = _module_forward(ctx, name)
    ctx.notes.append(f"the layer list {name} ({ctx.loaded.locate(stmt.lineno)}) is the network")

    def forward(root):
        if ffn is None:
            return root.forward
        return lambda X: ffn(root.layers, X)

    return Target(
        label=name,
        root_name="",
        fresh=deepcopy_or(base, lambda: LayerChain(name, copy.deepcopy(layers)), ctx.notes),
        forward_name=fname or f"{name}[i].forward",
        backward_name=f"{name}[i].backward",
        namespace=ctx.ns,
        get_forward=forward,
        get_backward=lambda r: r.backward,
        shape="layer-list",
        reads=_reads_of_file(stmt, ctx),
    )
