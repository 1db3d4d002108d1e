"""How a script assembles its network from layer objects, read off its top-level code.

The loader runs definitions only. A script that builds its network at run time
(``net = Network(); net.add(FCLayer(2, 3)); net.use(mse, mse_prime)``, or
``dense1 = Layer_Dense(2, 64)`` ... then ``dense1.forward(X)`` in an epoch loop)
is read here in two parts:

* its *set-up*: the module-level statements before the first one that trains
  (a loop, or a call of a forward, backward, fit or train), plus the later
  ``name = StudentClass(...)`` statements outside loops; they are run, one by one,
  in a scratch copy of the namespace (a statement that fails, such as loading a
  data file, is skipped: the audit makes its own batch);
* its *recorded calls*: the ``obj.forward(...)`` and ``obj.backward(...)``
  statements the script makes on those objects, in source order (loops
  included), first call of each object only, which :mod:`.shapes.assembled`
  replays on a fresh copy of the objects.
"""

from __future__ import annotations

import ast
import inspect
import random
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradcheck.audit.adapters import experiments
from gradcheck.audit.adapters.lossfind import is_loss_name
from gradcheck.audit.adapters.names import FORWARD_NAMES, GRAD_METHODS, TRAIN_METHODS
from gradcheck.audit.adapters.objects import is_user_object, methods
from gradcheck.audit.adapters.sources import source_tree
from gradcheck.audit.astnames import called_name, names_in
from gradcheck.audit.loader import run_statement

#: Methods a layer runs forward (``predict`` and ``__call__`` are a model's, not a layer's).
LAYER_FORWARD = tuple(n for n in FORWARD_NAMES if n not in ("predict", "__call__", "predict_proba", "query"))
#: Methods a layer runs backward (with the spellings layer libraries use beside a model's).
LAYER_BACKWARD = (*GRAD_METHODS, "backward_propagate", "back_propagate", "backprop_layer")
#: Names of calls after which the script trains (its set-up is over).
_TRAINS = re.compile(r"(^|_)(fit|train|training|epochs?|learn|run|sgd)($|_)", re.I)
_STOP_CALLS = set(FORWARD_NAMES) | set(GRAD_METHODS) | set(TRAIN_METHODS)
#: Calls that read data, whatever else their names say (``read_training_data()``, ``load_train_set()``): set-up.
_READS = re.compile(r"^(read|load|get|fetch|open|import)_\w*(data|set|csv|file|images|labels)", re.I)


def _main_guard(stmt: ast.stmt) -> bool:
    """``if __name__ == "__main__":``."""
    return (
        isinstance(stmt, ast.If)
        and isinstance(stmt.test, ast.Compare)
        and isinstance(stmt.test.left, ast.Name)
        and stmt.test.left.id == "__name__"
    )


def script_body(stmts: list[ast.stmt]) -> list[ast.stmt]:
    """The module-level statements, the body of ``if __name__ == "__main__":`` in its place, and an
    experiment loop's first pass in the loop's place (:mod:`.experiments`)."""
    out: list[ast.stmt] = []
    for stmt in stmts:
        if _main_guard(stmt):
            out.extend(script_body(stmt.body))
        elif experiments.is_experiment_loop(stmt, _trains):
            out.extend(script_body(experiments.first_experiment(stmt)))
        else:
            out.append(stmt)
    return out


def _trains(stmt: ast.stmt, classes: frozenset[str] | set[str] = frozenset()) -> bool:
    """A loop, or a statement calling a forward, backward, fit or train.

    A call of one of the student's ``classes`` makes an object and trains nothing, whatever its name
    (``model.set(loss=..., optimizer=Optimizer_SGD(1.0))`` configures the model before its training).
    """
    if isinstance(stmt, (ast.For, ast.While, ast.AsyncFor)):
        return True
    for node in ast.walk(stmt):
        name = called_name(node)
        if name and name not in classes and (name in _STOP_CALLS or _TRAINS.search(name)) and not _READS.search(name):
            return True
        # net.SGD(X, Y, epochs=10000, ...): a call given a number of epochs trains, whatever its name
        if isinstance(node, ast.Call) and any(k.arg and _TRAINS.search(k.arg) for k in node.keywords):
            return True
    return False


def _is_definition(stmt: ast.stmt) -> bool:
    return isinstance(stmt, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))


def defaults(fn: Any) -> dict[str, Any]:
    """A function's arguments that have defaults, by name (its builder body runs with them)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return {}
    return {p.name: p.default for p in params if p.default is not p.empty}


def _constructs(stmt: ast.stmt, classes: set[str]) -> bool:
    """``name = StudentClass(...)``."""
    return (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and called_name(stmt.value) in classes
    )


@dataclass
class SetUp:
    """The script's set-up, run: its statements, the namespace they made, what was skipped."""

    body: list[ast.stmt]
    prefix: list[ast.stmt]
    scratch: dict
    skipped: list[str] = field(default_factory=list)
    stop: ast.stmt | None = None


def run_setup(stmts: list[ast.stmt], ns: dict, classes: set[str], locate) -> SetUp:
    """Run the script's set-up statements in a copy of ``ns`` (see the module docstring)."""
    body = script_body(stmts)
    prefix: list[ast.stmt] = []
    stop = None
    for stmt in body:
        if not _is_definition(stmt) and _trains(stmt, classes):
            stop = stmt
            break
        prefix.append(stmt)
    later = [s for s in body[len(prefix) :] if _constructs(s, classes)]
    setup = SetUp(body, prefix, dict(ns), stop=stop)
    np.random.seed(0)  # layers drawing their weights unseeded: the same network on every run
    random.seed(0)
    for stmt in prefix + later:
        if _is_definition(stmt) or isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        try:
            exc = run_statement(stmt, setup.scratch, "<script>")
        except SyntaxError:  # a builder function's body: return, yield, nonlocal are not module statements
            continue
        if exc is not None:
            setup.skipped.append(f"{locate(stmt.lineno)} ({type(exc).__name__})")
    return setup


def is_layer(obj: Any) -> bool:
    """A student object with a layer's forward and backward methods."""
    return is_user_object(obj) and not isinstance(obj, type) and is_layer_class(type(obj))


def is_layer_class(cls: type) -> bool:
    """A class with a layer's forward and backward methods."""
    ms = methods(cls)
    return any(m in ms for m in LAYER_FORWARD) and any(m in ms for m in LAYER_BACKWARD)


def layer_list(value: Any) -> bool:
    """A list or tuple of at least two layers."""
    return isinstance(value, (list, tuple)) and len(value) >= 2 and all(is_layer(v) for v in value)


@dataclass
class Holder:
    """An object of the student's that the script gave a list of layers: ``net`` and ``net.layers``."""

    name: str
    obj: Any
    attr: str
    line: int


def layer_builders(classes, layers: set[str]) -> set[str]:
    """Methods of ``classes`` (dunders left out) whose code makes one of ``layers``: a builder
    (``nn.config((2, 3, 1), Tanh)`` adding ``FCLayer`` and ``ActivationLayer`` objects to ``self.layers``)."""
    out = set()
    for cls in classes:
        for name, fn in vars(cls).items():
            if name.startswith("__") or not inspect.isfunction(fn):
                continue
            tree = source_tree(fn)
            if tree is not None and any(called_name(n) in layers for n in ast.walk(tree) if isinstance(n, ast.Call)):
                out.add(name)
    return out


def _calls_builder(stmt: ast.stmt, name: str, builders: set[str]) -> bool:
    """``name.builder(...)``: the statement has the object build its own layers."""
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == name
        and n.func.attr in builders
        for n in ast.walk(stmt)
    )


def find_holder(setup: SetUp, classes: set[str]) -> Holder | None:
    """The object the set-up gave its layers (``net.add(Dense(...))``, ``net.layers = [...]``, or a method
    of its own that makes them, ``nn.config((2, 3, 1))``), if any."""
    layered = {k for k, v in setup.scratch.items() if is_layer(v) or layer_list(v)}
    makers = {k for k, v in setup.scratch.items() if isinstance(v, type) and k in classes and is_layer_class(v)}
    found = []
    for name, obj in setup.scratch.items():
        if not is_user_object(obj) or isinstance(obj, type) or type(obj).__name__ not in classes:
            continue
        attr = _widest([k for k, v in vars(obj).items() if layer_list(v)], obj)
        if attr is None:
            continue
        builders = layer_builders([type(obj)], makers)
        fed = [
            s
            for s in setup.prefix
            if not _is_definition(s)
            and name in names_in(s)
            and (_feeds(s, makers, layered - {name}) or _calls_builder(s, name, builders))
        ]
        if fed:
            found.append(Holder(name, obj, attr, fed[0].lineno))
    return found[-1] if found else None


def _widest(attrs: list[str], obj: Any) -> str | None:
    """The attribute of ``obj`` that holds its layers: its one layer list, or of several the one holding every
    other's layers (``self.layers`` beside the ``self.trainable_layers`` a ``finalize()`` picks out of it);
    None where no list holds all (two stacks)."""
    held = {k: {id(x) for x in getattr(obj, k)} for k in attrs}
    wide = [k for k in attrs if all(held[o] <= held[k] for o in attrs)]
    return wide[0] if wide else None


def _feeds(stmt: ast.stmt, makers: set[str], layered: set[str]) -> bool:
    """The statement hands layers over: it makes one of the student's layers, or reads a layer variable."""
    return any(called_name(n) in makers for n in ast.walk(stmt) if isinstance(n, ast.Call)) or bool(
        names_in(stmt) & layered
    )


def _statements(stmts: list[ast.stmt]):
    """Simple statements in source order, loop, if, with and try bodies entered, definitions not."""
    for stmt in stmts:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(stmt, (ast.For, ast.While, ast.AsyncFor, ast.If, ast.With, ast.Try)):
            for part in ("body", "orelse", "finalbody"):
                yield from _statements(getattr(stmt, part, []))
            for handler in getattr(stmt, "handlers", []):
                yield from _statements(handler.body)
        else:
            yield stmt


def _method_call(stmt: ast.stmt) -> tuple[str, str, ast.Call] | None:
    """(object name, method, call) of ``obj.m(...)`` or ``v = obj.m(...)``."""
    value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
    if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Attribute):
        return None
    if not isinstance(value.func.value, ast.Name):
        return None
    return value.func.value.id, value.func.attr, value


@dataclass
class Recorded:
    """The forward and backward calls a script makes on its layer objects, in order."""

    forward: list[ast.stmt]
    backward: list[ast.stmt]
    order: list[str]  # the objects called forward, in order
    others: list[str]  # other objects the calls read (a separate loss object)
    loss_var: str | None
    first_arg: ast.expr
    #: layers an earlier sequence ran forward but never backward, passed over for this one
    skipped: list[str] = field(default_factory=list)


def record_calls(setup: SetUp) -> Recorded | None:
    """The script's forward and backward calls on its objects, or None when it makes none.

    The first forward-then-backward sequence, unless some layer it runs forward is never run backward there
    (``desne1.backward(...)``, a typo a notebook's later cell mends) and a later sequence, starting at the same
    first layer, runs every one back: that one (``skipped`` says what the first one missed).
    """
    objs = {k for k, v in setup.scratch.items() if is_user_object(v) and not isinstance(v, type)}
    stmts = list(_statements(setup.body))
    first = _record(stmts, objs)
    if first is None or not (missed := _never_back(first, setup.scratch)):
        return first
    starts = [i for i, st in enumerate(stmts) if _forward_of(st, first.order[0])][1:]
    for i in starts:
        later = _record(stmts[i:], objs, contiguous=True)
        if later is not None and not _never_back(later, setup.scratch):
            later.skipped = missed
            return later
    return first


def _forward_of(stmt: ast.stmt, name: str) -> bool:
    call = _method_call(stmt)
    return call is not None and call[0] == name and call[1] in LAYER_FORWARD


def _never_back(rec: Recorded, scratch: dict) -> list[str]:
    """The layers ``rec`` runs forward, that have a backward, and that it never runs backward."""
    back = {c[0] for s in rec.backward if (c := _method_call(s)) is not None}
    has_backward = [n for n in rec.order if any(callable(getattr(scratch.get(n), m, None)) for m in LAYER_BACKWARD)]
    return [n for n in has_backward if n not in back]


def _record(stmts: list[ast.stmt], objs: set[str], contiguous: bool = False) -> Recorded | None:
    """The first forward-then-backward sequence of ``stmts`` on ``objs``, first call of each object only.
    ``contiguous``: None when a forward is run again before the first backward (a test set's forward pass after
    the loop, then the next cell's training loop: no one sequence)."""
    forward: list[ast.stmt] = []
    backward: list[ast.stmt] = []
    order: list[str] = []
    done_fwd = done_bwd = False
    called_back: set[str] = set()
    for stmt in stmts:
        call = _method_call(stmt)
        method = call[1] if call is not None else None
        if (
            method not in LAYER_FORWARD + LAYER_BACKWARD
            and forward
            and not (backward or done_fwd)
            and _loss_assign(stmt, objs)
        ):
            forward.append(stmt)
            continue
        if call is None or call[0] not in objs:
            continue
        name = call[0]
        if method in LAYER_FORWARD and not done_fwd:
            if name in order:
                if contiguous:
                    return None
                done_fwd = True
                continue
            order.append(name)
            forward.append(stmt)
        elif method in LAYER_BACKWARD and forward and not done_bwd:
            done_fwd = True
            if name in called_back:
                done_bwd = True
                continue
            called_back.add(name)
            backward.append(stmt)
    if len(order) < 2 or not backward:
        return None
    first = _method_call(forward[0])[2]
    reads = set().union(*(names_in(s) for s in forward + backward))
    others = sorted((reads & objs) - set(order))
    loss_var = next((s.targets[0].id for s in forward if _loss_target(s)), None)
    return Recorded(forward, backward, order, others, loss_var, first.args[0] if first.args else None)


def _loss_target(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and is_loss_name(stmt.targets[0].id)
    )


def _loss_assign(stmt: ast.stmt, objs: set[str]) -> bool:
    """``loss = loss_function.calculate(activation2.output, y)``: a loss computed from the objects."""
    return _loss_target(stmt) and bool(names_in(stmt.value) & objs)


#: Attribute names of a penalty a layer adds to its gradient (``weight_regularizer_l2``, ``l2_lambda``).
_PENALTY = re.compile(r"(regulari[sz]er|^l[12](_|$)|_l[12]$|reg_?l[12]$|lambda|weight_decay|^reg(_|$))", re.I)


def penalty_attrs(layer: Any) -> list[str]:
    """The attributes of ``layer`` setting a non-zero penalty (``weight_regularizer_l2``, ``l2_lambda``)."""
    return [
        attr
        for attr, value in (vars(layer).items() if hasattr(layer, "__dict__") else [])
        if _PENALTY.search(attr) and isinstance(value, (int, float)) and not isinstance(value, bool) and value
    ]


def penalties(layers: dict[str, Any]) -> list[str]:
    """``dense1.weight_regularizer_l2 = 0.0005``: the non-zero penalty settings the layers carry."""
    return [
        f"{name}.{attr} = {getattr(layer, attr):g}" for name, layer in layers.items() for attr in penalty_attrs(layer)
    ]


def one_sample_loop(tree: ast.AST | None) -> bool:
    """Training code that feeds one sample at a time: ``for j in range(n): output = x_train[j]`` or
    ``for x, y in zip(x_train, y_train)``."""
    for loop in ast.walk(tree) if tree is not None else []:
        if not isinstance(loop, ast.For):
            continue
        if isinstance(loop.target, ast.Tuple) and called_name(loop.iter) == "zip":
            return True
        if isinstance(loop.target, ast.Name):
            index = loop.target.id
            for node in ast.walk(loop):
                if (
                    isinstance(node, ast.Subscript)
                    and isinstance(node.slice, ast.Name)
                    and node.slice.id == index
                    and isinstance(node.value, ast.Name)
                ):
                    return True
    return False


def _made(body: list[ast.stmt], layers: set[str]) -> set[str]:
    """Names the code binds to one of ``layers`` (``dense1 = Layer_Dense(2, 3)``, ``d1, a1 = Dense(2, 3), Tanh()``)."""
    out = set()
    for stmt in _statements(body):
        if not isinstance(stmt, ast.Assign):
            continue
        for target in stmt.targets:
            pairs = (
                zip(target.elts, stmt.value.elts)
                if isinstance(target, ast.Tuple) and isinstance(stmt.value, ast.Tuple)
                else [(target, stmt.value)]
            )
            out |= {t.id for t, v in pairs if isinstance(t, ast.Name) and called_name(v) in layers}
    return out


def assembles(body: list[ast.stmt], layers: set[str], builders: set[str] = frozenset()) -> bool:
    """Whether code (read, not run) assembles a network of ``layers``: it hands a layer it makes to a method
    (``net.add(Dense(2, 3))``) or an attribute (``net.layers = [Dense(2, 3), Tanh()]``), or calls forward on
    two or more layers it made (``dense1.forward(X)``, ``activation1.forward(dense1.output)``). Only then is its
    set-up run (a script making one model object and calling it is left to the other shapes, and never run).
    Calling one of ``builders`` (a method of the student's that makes layers, :func:`layer_builders`) on an
    object the code made assembles too."""
    made = _made(body, layers)
    called = set()  # the made layers called forward: a chain has two or more (one is a model class's own call)
    for stmt in _statements(body):
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Attribute) for t in stmt.targets):
            if any(called_name(n) in layers for n in ast.walk(stmt.value)):
                return True
        for node in ast.walk(stmt):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            if node.func.attr in builders and isinstance(node.func.value, ast.Name):
                return True
            if any(
                called_name(n) in layers for a in [*node.args, *(k.value for k in node.keywords)] for n in ast.walk(a)
            ):
                return True
            if isinstance(node.func.value, ast.Name) and node.func.value.id in made and node.func.attr in LAYER_FORWARD:
                called.add(node.func.value.id)
    return len(called) >= 2
