"""A network the submission's own script assembles at run time from layer objects.

Read by :mod:`gradcheck.audit.adapters.assembly`: the script's set-up is run
(its training loop is not), then

* a *holder*, an object the script handed its layers (``net = Network();
  net.add(FCLayer(2, 3)); net.use(mse, mse_prime)``, ``net.layers = [Dense(2, 3),
  Tanh(), ...]``): when its class has forward and backward methods, it is audited
  as a model class (:mod:`.classes`); otherwise its layers are run in order
  forward and in reverse backward, from the loss derivative the holder keeps
  (``net.loss_prime``) or the script passes to its training function
  (``train(net, mse, mse_prime, X, Y)``), as the holder's ``fit()`` does;
* else the *recorded calls* of a Neural-Networks-from-Scratch script
  (``dense1.forward(X)``, ``activation1.forward(dense1.output)``, ...,
  ``loss_activation.backward(loss_activation.output, y)``,
  ``dense2.backward(loss_activation.dinputs)``, ...), replayed as written on a
  fresh copy of the objects, the script's input and label variables bound to the
  batch. The gradient is what the layers store (``dweights``) or what their
  in-place update implies.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import inspect
from typing import Any

import numpy as np

from gradcheck.audit.adapters import assembly, built, replay
from gradcheck.audit.adapters.assembly import LAYER_BACKWARD, LAYER_FORWARD, Holder, Recorded, SetUp
from gradcheck.audit.adapters.calling import bind_args, plain_params
from gradcheck.audit.adapters.names import GRAD_METHODS, LOSS_DERIV_FUNC, role_of
from gradcheck.audit.adapters.objects import is_user_object
from gradcheck.audit.adapters.shapes import classes
from gradcheck.audit.adapters.sources import source_tree
from gradcheck.audit.adapters.target import Context, Target, deepcopy_or
from gradcheck.audit.loader import AuditError

#: Names of a loss derivative a holder keeps or a training call is given.
_DERIV_WORDS = ("prime", "deriv", "grad")
#: Methods of a loss object that give the loss's gradient.
_LOSS_GRAD_METHODS = ("backward", "derivative", "prime", "grad", "gradient", "get_grad", "get_gradient", "loss_grad")


def _method(obj: Any, names: tuple[str, ...]) -> str | None:
    """The first of ``names`` the most derived class defines (a base ``Layer.forward`` that raises
    NotImplementedError loses to the subclass's ``forward_propagation``)."""
    for klass in type(obj).__mro__:
        own = [m for m in names if callable(vars(klass).get(m))]
        if own:
            return own[0]
    return None


def _layer_forward(layer: Any, x: Any) -> Any:
    name = _method(layer, LAYER_FORWARD)
    ret = getattr(layer, name)(x)  # student code: the runner's call of the whole forward reports its errors
    return ret if ret is not None else getattr(layer, "output", None)


def _layer_backward(layer: Any, grad: Any, lr: float, name: str | None = None) -> Any:
    name = name or _method(layer, LAYER_BACKWARD)
    fn = getattr(layer, name)
    where = f"{type(layer).__name__}.{name}"
    args, kwargs, _ = bind_args(fn, {"dout": lambda: grad, "lr": lambda: lr}, ["dout", "lr"], where)
    ret = fn(*args, **kwargs)
    return ret if ret is not None else getattr(layer, "dinputs", getattr(layer, "dinput", None))


def _deriv_of(holder: Holder, setup: SetUp) -> tuple[str, Any] | None:
    """The loss derivative the holder keeps, else the one the script's training call is given."""
    for attr, value in vars(holder.obj).items():
        if callable(value) and not isinstance(value, type) and any(w in attr.lower() for w in _DERIV_WORDS):
            return f"{holder.name}.{attr}", value
        if is_user_object(value) and "loss" in attr.lower() and (m := _method(value, _LOSS_GRAD_METHODS)):
            return f"{holder.name}.{attr}.{m}", getattr(value, m)
        if _static_loss(value, attr):  # self.loss = MSE, a class whose derivative(target, prediction) takes no self
            m = _method_of_class(value)
            return f"{holder.name}.{attr}.{m}", getattr(value, m)
    if (called := _called_deriv(type(holder.obj))) is not None:  # train_network calls mean_square_error_der(...)
        return called
    call = setup.stop.value if isinstance(setup.stop, ast.Expr) else None
    if isinstance(call, ast.Call):
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            value = setup.scratch.get(arg.id) if isinstance(arg, ast.Name) else None
            if LOSS_DERIV_FUNC.search(getattr(arg, "id", "")) and callable(value) and not isinstance(value, type):
                return arg.id, value
            m = _method(value, _LOSS_GRAD_METHODS) if is_user_object(value) else None
            if m is not None:  # model.fit(X, y, loss_fn=MSE_Loss()): the loss object it is given
                return f"{arg.id}.{m}", getattr(value, m)
    return None


def _called_deriv(cls: type) -> tuple[str, Any] | None:
    """The one loss derivative function of its module that the holder's own methods call by name
    (``error = mean_square_error_der(expected_outputs[j], output)`` in ``train_network``), or None."""
    tree = source_tree(cls)
    module = inspect.getmodule(cls)
    calls = (n for n in ast.walk(tree) if isinstance(n, ast.Call)) if tree is not None else iter(())
    names = {n.func.id for n in calls if isinstance(n.func, ast.Name) and LOSS_DERIV_FUNC.search(n.func.id)}
    found = [(n, f) for n in sorted(names) if inspect.isfunction(f := getattr(module, n, None))]
    return found[0] if len(found) == 1 else None


def _method_of_class(cls: type) -> str | None:
    for klass in cls.__mro__:
        own = [m for m in _LOSS_GRAD_METHODS if inspect.isfunction(vars(klass).get(m))]
        if own:
            return own[0]
    return None


def _static_loss(value: Any, attr: str) -> bool:
    """A loss kept as a class of the student's, not an instance, whose gradient method takes no ``self``."""
    if not (isinstance(value, type) and "loss" in attr.lower()):
        return False
    if (value.__module__ or "").startswith(("numpy", "builtins", "scipy")):
        return False
    m = _method_of_class(value)
    params = [p.name for p in plain_params(getattr(value, m))] if m else []
    return len(params) == 2 and "self" not in params


def _takes_gradient(fn: Any) -> bool:
    """A model's backward given the output gradient (and a rate): ``backward(self, output_gradient, lr)``."""
    roles = [role_of(p.name) for p in plain_params(fn) if p.default is p.empty]
    return 1 <= len(roles) <= 2 and not {"X", "Y", "out"} & set(roles)


def _deriv_order(fn: Any, holder: Holder) -> list[str] | None:
    """The roles of the derivative's two arguments: by its own names, else as the holder's code calls it."""
    names = [p.name for p in plain_params(fn) if p.default is p.empty]
    roles = [role_of(n) for n in names]
    if len(roles) == 2 and set(roles) == {"out", "Y"}:
        return roles
    if len(roles) == 2 and sorted(roles, key=str) == [None, "Y"]:  # (p, y): beside the target, the prediction
        return ["out" if r is None else r for r in roles]
    tree = source_tree(type(holder.obj))
    for node in ast.walk(tree) if tree is not None else []:
        if not isinstance(node, ast.Call) or len(node.args) != 2:
            continue
        if isinstance(node.func, ast.Attribute):  # self.loss_prime(y, out)
            if getattr(fn, "__name__", None) != node.func.attr and getattr(holder.obj, node.func.attr, None) is not fn:
                continue
        elif not (isinstance(node.func, ast.Name) and node.func.id == getattr(fn, "__name__", None)):
            continue  # (mean_square_error_der(expected_outputs[j], output): the module's function, called by name)
        got = [role_of(_base(a)) if _base(a) else None for a in node.args]
        outs = [_base(a) in _forwarded(tree) for a in node.args]  # s = layer.forward(s): the prediction
        if None in got and outs.count(True) == 1:
            got = ["out" if o else "Y" for o in outs]
        if set(got) == {"out", "Y"}:
            return got
    return None


def _forwarded(tree: ast.AST) -> set[str]:
    """Names the code assigns a layer's forward to (``s = layer.forward(s)``, ``out = l.forward_propagation(out)``)."""
    return {
        t.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Assign)
        and isinstance(n.value, ast.Call)
        and isinstance(n.value.func, ast.Attribute)
        and n.value.func.attr in LAYER_FORWARD
        for t in n.targets
        if isinstance(t, ast.Name)
    }


def _base(expr: ast.expr) -> str | None:
    while isinstance(expr, (ast.Subscript, ast.Attribute)):
        expr = expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def _holder_target(holder: Holder, setup: SetUp, ctx: Context, locate) -> Target:
    """Its layers forward in order and backward in reverse, as the holder's fit() or the train function runs them."""
    picked = classes.method_names(type(holder.obj), ctx.spec)
    deriv = _deriv_of(holder, setup)
    own = picked is not None and picked.forward and _takes_gradient(getattr(holder.obj, picked.backward))
    trains_only = picked is not None and picked.backward not in GRAD_METHODS and deriv is not None and not own
    # trains_only: its train(samples, labels, epochs) loops over samples; its layers are what is checked
    if picked is not None and not trains_only and not (own and deriv is not None):
        ctx.notes.append(f"{holder.name} = {type(holder.obj).__name__}(...) assembled by the script is the model")
        target = classes.class_target(picked, ctx, instance=holder.obj)
        return dataclasses.replace(target, own_sizes=True)
    attr = holder.attr
    order = _deriv_order(deriv[1], holder) if deriv is not None else None
    if deriv is not None and order is None:
        raise AuditError(
            f"{deriv[0]} is the script's loss derivative, but neither its argument names nor the holder's "
            "call of it say which is the prediction and which the target: set [loss] to the loss it differentiates",
            where="finding the loss",
            type_="AmbiguousLoss",
        )

    def forward(root):
        def run(X):
            out = X
            for layer in getattr(root, attr):
                out = _layer_forward(layer, out)
            return out

        return getattr(root, picked.forward) if own else run

    def backward(root):
        def through(grad, lr):
            if own:  # the model's own backward(output_gradient, learning_rate)
                _layer_backward(root, grad, lr, picked.backward)
                return
            for layer in reversed(getattr(root, attr)):
                grad = _layer_backward(layer, grad, lr)

        if deriv is None:
            return through

        def run(out, y, lr):
            given = {"out": out, "Y": y}
            through(deriv[1](*(given[r] for r in order)), lr)

        return run

    where = locate(holder.line)
    ctx.notes.append(
        f"{holder.name}, the {type(holder.obj).__name__} the script assembles ({where}), is the model: its "
        f"{picked.forward} and {picked.backward} are run, the latter from {deriv[0]}"
        if own
        else f"{holder.name}.{attr}, the layers the script gives {holder.name} ({where}), is the network: "
        "run forward in order and backward in reverse" + (f" from {deriv[0]}" if deriv else "")
    )
    trainer = _trainer(setup)
    one = assembly.one_sample_loop(source_tree(type(holder.obj))) or assembly.one_sample_loop(
        source_tree(trainer) if trainer is not None else None
    )
    names = (picked.forward, picked.backward) if own else (f"{attr}[i].forward", f"{attr}[i].backward")
    return _target(holder.name, holder.obj, [f"{holder.name}.{n}" for n in names], forward, backward, ctx, one)


def _trainer(setup: SetUp) -> Any:
    """The student's function the script trains with (``train(net, mse, mse_prime, X, Y)``), if any."""
    call = setup.stop.value if isinstance(setup.stop, ast.Expr) else None
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
        fn = setup.scratch.get(call.func.id)
        return fn if callable(fn) and not isinstance(fn, type) else None
    return None


def _recorded_target(rec: Recorded, setup: SetUp, ctx: Context, locate, filename: str) -> Target | None:
    """The script's recorded calls, replayed (a Neural-Networks-from-Scratch script)."""
    objs = replay.objects_of(rec, setup)
    if not objs:
        return None
    first = rec.forward[0]
    x_name, y_name = replay.data_names(rec, setup, ctx.ns, locate(first.lineno))
    rep = replay.Replay(rec, setup, x_name, y_name, filename)
    base = replay.Objects(objs)

    def forward(root):
        if y_name is None:

            def run(X):
                out, loss = rep.forward(root, X, None)
                return out, loss

            return run

        def run_y(X, y):
            out, loss = rep.forward(root, X, y)
            return out, loss

        return run_y

    def backward(root):
        def run(y):
            rep.backward(root, y)

        return run if y_name is not None else (lambda: rep.backward(root, None))

    chain = " -> ".join(rec.order)
    ctx.notes.append(
        f"a network the script assembles from layer objects: its calls {chain} (from {locate(first.lineno)}) "
        f"and back ({locate(rec.backward[0].lineno)} on) are replayed, {x_name} given the batch"
        + (f" and {y_name} its targets" if y_name else "")
    )
    names = [
        f"{rec.order[0]}.forward ... {rec.order[-1]}.forward",
        f"{_called_name(rec.backward[0])} ... {_called_name(rec.backward[-1])}",
    ]
    return _target("script", base, names, forward, backward, ctx)


def _target(label: str, base: Any, names: list[str], forward, backward, ctx: Context, one: bool = False) -> Target:
    """A target on deep copies of ``base``, built by the submission's own code (its sizes are its own)."""
    return Target(
        label=label,
        root_name="",
        fresh=deepcopy_or(base, lambda: copy.deepcopy(base), ctx.notes),
        forward_name=names[0],
        backward_name=names[1],
        namespace=ctx.ns,
        get_forward=forward,
        get_backward=backward,
        shape="assembled",
        own_sizes=True,
        per_sample=one,
    )


def _called_name(stmt: ast.stmt) -> str:
    call = stmt.value
    return f"{call.func.value.id}.{call.func.attr}"


def _penalties_off(holder: Holder | None, setup: SetUp, rec: Recorded | None, notes: list[str]) -> None:
    """Set the weight penalties the layers carry to 0, with a note: the data loss's gradient is what is checked
    (the penalty's loss is computed apart from the network, as a constructor's penalty default is turned off)."""
    if holder is not None:
        layers = {f"{holder.name}.{holder.attr}[{i}]": v for i, v in enumerate(getattr(holder.obj, holder.attr))}
    else:
        layers = {n: setup.scratch[n] for n in rec.order}
    found = assembly.penalties(layers)
    for layer in layers.values():
        for attr in assembly.penalty_attrs(layer):
            setattr(layer, attr, 0)
    if found:
        notes.append(
            f"the layers' penalties ({', '.join(found[:4])}) were set to 0: the data loss's gradient is what is checked"
        )


def _scripts(ctx: Context):
    """(statements, line describer, file, builder function or None) of each piece of code making its classes:
    the entry file's (or each project file's) top-level code, then the bodies of its builder functions
    (``def xor_train(hidden=10): net = Network(); net.add(...)``), run with their default arguments."""
    layers = {c.__name__ for c in ctx.classes if assembly.is_layer_class(c)}
    builders = assembly.layer_builders([c for c in ctx.classes if not assembly.is_layer_class(c)], layers)
    if ctx.loaded.folder is None:
        if assembly.assembles(assembly.script_body(ctx.loaded.stmts), layers, builders):
            yield ctx.loaded.stmts, ctx.loaded.locate, str(ctx.loaded.path), None
    else:
        for filename, tree in built.sources(ctx.loaded):
            body = assembly.script_body(tree.body)
            if assembly.assembles(body, layers, builders):
                yield body, (lambda n, f=filename: ctx.loaded.where(f, n)), filename, None
    for name, fn in sorted(ctx.funcs.items()):
        tree = source_tree(fn)
        node = tree.body[0] if tree is not None and tree.body else None
        if not isinstance(node, ast.FunctionDef) or not assembly.assembles(node.body, layers):
            continue
        first = fn.__code__.co_firstlineno - 1
        where = f"{name}() line"
        yield node.body, (lambda n, w=where, f=first: f"{w} {n + f}"), fn.__code__.co_filename, fn


def _hold_weights(rec: Recorded, setup: SetUp) -> bool:
    """Whether the recorded calls may be a network's: an object they run forward holds a number or numeric array
    (a weight, whatever its type), or the first forward is handed something other than a number (layers that make
    their weights on the first call). A number through objects holding nothing numeric is a toy graph of scalars."""
    first = setup.scratch.get(rec.first_arg.id) if isinstance(rec.first_arg, ast.Name) else None
    if isinstance(rec.first_arg, ast.Constant):
        first = rec.first_arg.value
    if not (isinstance(first, (int, float)) and not isinstance(first, bool)):
        return True
    for name in rec.order:
        obj = setup.scratch.get(name)
        held = vars(obj) if hasattr(obj, "__dict__") and isinstance(vars(obj), dict) else {}
        if any(_numeric(v) for v in held.values()):
            return True
    return False


def _numeric(value: Any) -> bool:
    """A value a layer's weight could be: any numeric array, a number, or a list or tuple holding one (a toy
    graph's objects hold nothing but None before their first call: ``self.x = None``)."""
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biufc"
    if isinstance(value, (list, tuple)):
        return any(_numeric(v) for v in value[:64])
    return isinstance(value, (int, float, complex, np.number)) and not isinstance(value, bool)


def find(ctx: Context) -> Target | None:
    """A network a script assembles at run time: a holder of layers, else its recorded calls (first file found)."""
    own = {c.__name__ for c in ctx.classes}
    if not any(assembly.is_layer_class(c) for c in ctx.classes):
        return None
    demo, demo_file = None, ""  # a script trying out the layers on a made-up gradient, and its file
    for stmts, locate, filename, builder in _scripts(ctx):
        ns = ctx.ns if builder is None else {**ctx.ns, **assembly.defaults(builder)}
        setup = assembly.run_setup(stmts, ns, own, locate)
        holder, rec = assembly.find_holder(setup, own), None
        if holder is not None and builder is not None and classes.method_names(type(holder.obj), ctx.spec):
            continue  # a model class a builder function fills: the classes shape builds it that way
        if holder is not None:
            target = _holder_target(holder, setup, ctx, locate)
        else:
            rec = assembly.record_calls(setup)
            if rec is not None and not _hold_weights(rec, setup):
                continue  # a toy graph of scalars (buy_apple.py's MulLayer): no network, another file may have one
            try:
                target = _recorded_target(rec, setup, ctx, locate, filename) if rec is not None else None
            except replay.GivenGradient as exc:  # another of the folder's scripts may train the network
                demo, demo_file, target = demo or exc, demo_file or filename, None
        if target is None:
            continue
        if demo is not None:
            ctx.notes.append(
                f"{ctx.loaded.where(demo_file, 0).split(' line')[0]} hands a made-up gradient to its last layer's "
                f"backward and computes no loss (a demo of the layers): passed over for "
                f"{ctx.loaded.where(filename, 0).split(' line')[0]}, which trains the network"
            )
        _penalties_off(holder, setup, rec if holder is None else None, ctx.notes)
        if rec is not None and rec.skipped and holder is None:
            later = ctx.loaded.where(filename, rec.forward[0].lineno)
            ctx.notes.append(
                f"the script's first training loop runs {', '.join(rec.skipped)} forward but never backward (a name "
                f"misspelt in its backward calls?): the later loop from {later}, which runs every layer back, was "
                "replayed"
            )
        if setup.skipped:
            ctx.notes.append(
                "script statements that failed while assembling the network were skipped (the audit makes its "
                f"own batch): {', '.join(setup.skipped[:4])}"
            )
        return target
    if demo is not None:
        raise demo
    return None
