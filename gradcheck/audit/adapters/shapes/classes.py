"""A model class: forward-ish and backward-ish methods (or a CS231n ``loss``) on one object."""

from __future__ import annotations

import ast
import copy
import dataclasses
import inspect
import re
from dataclasses import dataclass, field

import numpy as np

from gradcheck.audit.adapters import library, madeinside, nodatafile, owncall
from gradcheck.audit.adapters.built import assembled_in_functions, built_by_function, built_in_code
from gradcheck.audit.adapters.calling import call_student, plain_params
from gradcheck.audit.adapters.convolution import convolution_message
from gradcheck.audit.adapters.inventedargs import constructor_failure
from gradcheck.audit.adapters.names import (
    CLASS_TRAIN_METHODS,
    FIT_METHODS,
    FORWARD_NAMES,
    GRAD_METHODS,
    LAYER_CLASS,
    MODEL_HINT,
    OPTIM_CLASS,
    TRAIN_METHODS,
    is_grad_name,
    loss_named,
    role_of,
)
from gradcheck.audit.adapters.objects import class_refs, methods, student_classes
from gradcheck.audit.adapters.pairarg import per_pair_step
from gradcheck.audit.adapters.params import discover_params
from gradcheck.audit.adapters.shapes import cs231n, fit
from gradcheck.audit.adapters.sizes import depth_invented, infer_call_sizes
from gradcheck.audit.adapters.sources import source_tree
from gradcheck.audit.adapters.target import Context, Target, deepcopy_or
from gradcheck.audit.adapters.testbuilt import built_in_tests
from gradcheck.audit.adapters.unthreshold import unthresholded
from gradcheck.audit.loader import AuditError, LoadedSubmission, StudentCodeError


@dataclass
class Picked:
    """The model class, its forward and backward method names, and other backward-ish methods."""

    cls: type
    forward: str | None
    backward: str
    alternatives: list[str] = field(default_factory=list)


def _present(names: list[str], ms) -> list[str]:
    """The methods of ``ms`` called one of ``names``, in that order; a private twin
    (``_gradients`` for ``gradients``) counts, after the exact name."""
    found = []
    for n in names:
        twins = [] if n.endswith("__") else ["_" + n.lstrip("_"), "__" + n.lstrip("_")]
        found += [m for m in [n, *twins] if m in ms]
        found += [m for m in ms if m.lower() == n and m != n]  # Forward / Backward, capitalised
    return list(dict.fromkeys(found))


#: A backward's name however it is spelled (``backpropation``, ``backPropagate_one``, ``back_prop_sample``): what
#: follows the word is free, the word itself is the name's start.
_BACKWARD_START = re.compile(r"^_*(back_?prop|backward)", re.I)
#: The word after another one (``batch_backward``, ``full_backprop``, ``batchBackward``): tried after those above.
_BACKWARD_WORD = re.compile(r"(_(back_?prop|backward)|[a-z]Back(_?prop|ward))", re.I)


def _spelled_backward(ms) -> list[str]:
    """Methods whose names start like a backward's and are no exact one (:data:`GRAD_METHODS`), then those
    with the word after another (``batch_backward``): tried after the exact names, before ``train``."""
    first = [m for m in ms if _BACKWARD_START.match(m) and m.lower().lstrip("_") not in GRAD_METHODS]
    later = [m for m in ms if m not in first and _BACKWARD_WORD.search(m) and m.lower().lstrip("_") not in GRAD_METHODS]
    return first + later


def _lone_forward(ms) -> str | None:
    """The one method whose name says forward (``test_feed_forward``, ``feedForwardBatch``), or None."""
    found = [m for m in ms if "forward" in m.lower() and not m.lower().startswith(("back", "_back"))]
    return found[0] if len(found) == 1 else None


#: Calls that make a new array of weights (``np.random.randn(n_in, n_h)``, ``np.zeros((1, n_h))``).
_MAKERS = {"randn", "rand", "normal", "uniform", "standard_normal", "random", "zeros", "ones", "empty", "full"}


def _fit_makes_weights(cls: type) -> bool:
    """Does ``cls.fit`` assign ``self.<name>`` a newly made array, or update one in place (``self.w1 -= lr * dw1``,
    ``self.w1 = self.w1 - lr * dw1``)? Only such a fit is the class's training method
    (:mod:`gradcheck.audit.adapters.madeinside`); a fit driving layers assembled elsewhere is not."""
    import ast
    import inspect
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls.fit)))
    except (OSError, TypeError, SyntaxError, AttributeError):
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(_own_attr(t) for t in node.targets):
            calls = [c for c in ast.walk(node.value) if isinstance(c, ast.Call)]
            if any(getattr(c.func, "attr", getattr(c.func, "id", None)) in _MAKERS for c in calls):
                return True
            if any(_own_attr(t) == _own_attr(v) for t in node.targets for v in _terms(node.value) if _own_attr(t)):
                return True  # self.w1 = self.w1 - lr * dw1: the fit is the class's own training step
        if isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Sub, ast.Add)) and _own_attr(node.target):
            return True  # self.w1 -= lr * dw1
    return False


def _own_attr(node: ast.AST) -> str | None:
    """``self.w1`` or ``self.w1[...]``: the attribute's name (else None)."""
    node = node.value if isinstance(node, ast.Subscript) else node
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None


def _terms(value: ast.AST) -> list[ast.AST]:
    """The operands of ``a - b`` / ``a + b`` at the top of an expression."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Sub, ast.Add)):
        return [value.left, value.right]
    return []


def _forward_stores_gradients(fn) -> bool:
    """Whether a forward takes the targets and stores gradients on its object (``self.gradients['W1'] = ...``,
    ``self.grads[k] = ...``, ``self.dW1 = ...``): a CS231n-style loss under the forward's name."""
    if not any(role_of(p.name) == "Y" for p in plain_params(fn)):
        return False
    tree = source_tree(fn)
    for node in ast.walk(tree) if tree is not None else ():
        targets = node.targets if isinstance(node, ast.Assign) else []
        for t in targets:
            base = t.value if isinstance(t, ast.Subscript) else t
            if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id == "self":
                if "grad" in base.attr.lower() or is_grad_name(base.attr):
                    return True
    return False


def method_names(cls: type, spec: dict) -> Picked | None:
    """Forward and backward method names of ``cls`` (spec names first), or None."""
    ms = methods(cls)
    fname, bname = spec.get("forward"), spec.get("backward")
    f = fname if fname in ms else next(iter(_present(FORWARD_NAMES, ms)), None) or _lone_forward(ms)
    renamed = cs231n.renamed_loss(cls, ms)  # nn(self, x, y=None) -> (loss, grads): a CS231n loss by another name
    order = (
        ([bname] if bname in ms else [])
        + _present(GRAD_METHODS, ms)
        + _spelled_backward(ms)
        + (["loss"] if "loss" in ms else [])
        + ([renamed] if renamed else [])
        + _present(TRAIN_METHODS, ms)
        + (_present(CLASS_TRAIN_METHODS, ms) if f else [])  # learn() beside a forward: a model, not a graph unit
        + (_present(FIT_METHODS, ms) if _fit_makes_weights(cls) else [])
    )
    if not order and f is not None and _forward_stores_gradients(getattr(cls, f)):
        order = [f]  # forward(self, X, y) computing the loss and self.gradients[...]: its own backward
    if not order:
        return None
    step = None if bname else per_pair_step(getattr(cls, order[0]))  # train(patterns): the step it takes per pair
    order = [step, *order] if step in ms else order
    if f == order[0] and not fname:  # propagate(x, y) taken for both: its forward is another method (a step that
        # updates the weights, called as the forward too, would update them twice)
        others = [m for m in _present(FORWARD_NAMES, ms) if m != f]
        f = _lone_forward(ms) or next(iter(others), None)
    cs_loss = "loss" if "loss" in ms else renamed
    if f == "predict" and not fname and cs_loss and cs231n.is_cs231n_loss(getattr(cls, cs_loss)):
        f = None  # CS231n: loss(X) (or its renamed twin) is the forward, predict() only the argmax
    return Picked(cls, f, order[0], list(dict.fromkeys(order[1:])))


def pick_class(classes: list[type], loaded: LoadedSubmission, spec: dict) -> Picked | None:
    """The model class and its forward/backward method names, or None if no class fits.

    Several candidates: the one no other references or inherits from (the model, not
    its layers), preferring names like ``Net``/``Model``/``MLP``.
    """
    cands = []
    for cls in classes:
        if loss_named(cls) or OPTIM_CLASS.match(cls.__name__) or inspect.isabstract(cls):
            continue
        picked = method_names(cls, spec)
        if picked is not None:
            cands.append(picked)
    if len(cands) <= 1:
        return cands[0] if cands else None
    names = {c.cls.__name__ for c in cands}
    referenced = {n for c in cands for n in class_refs(c.cls, loaded) & names}
    bases = {b.__name__ for c in cands for b in c.cls.__mro__[1:]}
    top = [c for c in cands if c.cls.__name__ not in referenced and c.cls.__name__ not in bases]
    if len(top) > 1:  # a layer (Tanh, Linear) is not the model; a class named like one is
        top = [c for c in top if not LAYER_CLASS.match(c.cls.__name__)] or top
        top = [c for c in top if MODEL_HINT.search(c.cls.__name__)] or top
    if len(top) > 1:  # the one class with a training loop (DenseLayer(20, ReLU(), 10, SoftMax()).fit(X, y)) is the
        # model, whatever its name; the others are what it is given (activation objects)
        trainers = [c for c in top if {"fit", "train"} & set(methods(c.cls))]
        top = trainers if len(trainers) == 1 else top
    if len(top) > 1:  # a class of the package the project's files import from is the library's, not the model
        top = library.outside_library(top, loaded, lambda c: c.cls.__module__)
    if len(top) > 1:  # the class a builder function makes and calls add() on
        assembled = assembled_in_functions([c.cls for c in top], loaded)
        top = [c for c in top if c.cls.__name__ in assembled] or top
    if len(top) != 1:
        listed = " and ".join(sorted(c.cls.__name__ for c in (top or cands)))
        layers = len(top) >= 2 and all(_layer_like(c.cls.__name__) for c in top)
        conv = convolution_message([c.__name__ for c in classes]) if layers else None
        if conv is not None:
            raise AuditError(conv, where="finding the model", type_="Unsupported")
        why = _layers_why(loaded, {c.cls.__name__ for c in cands}) if layers else ": set [entry] class"
        raise AuditError(
            f"found several candidate classes {listed}{why}",
            where="finding the model",
            type_="AmbiguousEntry",
        )
    return top[0]


def _layers_why(loaded: LoadedSubmission, names: set[str]) -> str:
    """Why layer classes make no model: nothing assembles them, or only the submission's tests do."""
    tests = built_in_tests(getattr(loaded, "folder", None), names)
    where = (
        f"; they are put together and trained only in {' and '.join(tests[:2])}, a test, which the audit never "
        "runs (tests are the student's checks, not the model): the submission needs a model class or a training "
        "script building the same layers beside them (a module such as train.py, or a network class in "
        "network.py), which the audit then finds with no spec"
        if tests
        else ""
    )
    return (
        ": they look like layers, and no model class or module-level list holds them, and no code of the "
        "submission assembles them in a form the audit replays (top-level forward/backward calls on the layer "
        "objects, or layers handed to an object: net.add(Dense(...)), net.layers = [...])"
        f"{where}; no spec setting assembles them ([entry] class would audit one layer alone)"
    )


def _layer_like(name: str) -> bool:
    """``Tanh``, ``CLayer``, ``nn_linear_layer``, ``ActiveLayer``: one layer, not a model."""
    return bool(LAYER_CLASS.match(name)) or bool(re.search(r"layer$", name, re.I)) or not MODEL_HINT.search(name)


def _given_objects(cls: type, ctx: Context) -> tuple[list, dict] | None:
    """The code's own construction of ``cls`` when it hands it objects of its classes (``DenseLayer(20, ReLU(), 10,
    SoftMax())``), which no invented argument could stand for; with a note. None when it makes none such."""
    makers = {c.__name__: c for c in student_classes(ctx.ns, ctx.loaded) if c is not cls}
    makers = {n: (lambda c=c: call_student(f"{c.__name__}()", c)) for n, c in makers.items()}
    try:
        found = owncall.objects_call(ctx.loaded.stmts, cls.__name__, ctx.ns, makers)
    except StudentCodeError:
        return None
    if found is None:
        return None
    args, kwargs, line = found
    ctx.notes.append(
        f"{cls.__name__} made as the code makes it ({ctx.loaded.locate(line)}): "
        f"{cls.__name__}({owncall.shown(args, kwargs)})"
    )
    return args, kwargs


def _own_construction(cls: type, ctx: Context) -> tuple[list, dict] | None:
    """The code's own plain-data arguments of ``cls`` (``NeuralNetwork([4, 6, 6, 3])`` in its main block), on the
    attempt at the sizes of that very call, made after the invented sizes did not run: a backward written for the
    code's depth (``W0, W1, W2 = self.weights``) runs at no other. None on any other attempt."""
    call = getattr(ctx.sizes, "call", "")
    if not call.startswith(f"{cls.__name__}("):
        return None
    found = owncall.own_call(ctx.loaded.stmts, cls.__name__, ctx.ns)
    if found is None:
        return None
    args, kwargs, line = found
    ctx.notes.append(f"{cls.__name__} made as the code makes it ({ctx.loaded.locate(line)}): {call}")
    return args, kwargs


def constructor(cls: type, ctx: Context) -> tuple[list, dict]:
    """Constructor arguments: the spec's, else inferred (sizes invented when needed)."""
    init = cls.__init__ if "__init__" in methods(cls) else cls
    if "init_args" in ctx.spec or "init_kwargs" in ctx.spec:
        args, kwargs = list(ctx.spec.get("init_args") or []), dict(ctx.spec.get("init_kwargs") or {})
    elif (given := _given_objects(cls, ctx)) is not None:
        args, kwargs = given
    elif (own := _own_construction(cls, ctx)) is not None:
        args, kwargs = own
    else:
        args, kwargs, notes = infer_call_sizes(init, cls.__name__, ctx.sizes, ctx.X, ctx.Y, ctx.lr)
        ctx.notes.extend(notes)
    if ctx.spec.get("init_none"):  # [entry] init_none: what TOML cannot write
        args, kwargs = nodatafile.spec_none(init, cls.__name__, list(ctx.spec["init_none"]), args, kwargs)
        ctx.notes.append(nodatafile.spec_note(cls.__name__, list(ctx.spec["init_none"])))
    return args, kwargs


def class_target(picked: Picked, ctx: Context, instance=None, alternatives: bool = True) -> Target:
    """A target calling ``picked``'s methods on a fresh instance (or copies of ``instance``)."""
    cls = picked.cls
    if instance is None:
        args, kwargs = constructor(cls, ctx)

        def make():
            np.random.seed(0)
            obj = call_student(f"{cls.__name__}.__init__", cls, *args, **kwargs)
            return fit.ensure_params(obj, ctx)

        try:
            base = make()
        except StudentCodeError as exc:
            init = cls.__init__ if "__init__" in methods(cls) else cls
            skipped = nodatafile.missing_default(init, exc, args, kwargs)
            if skipped is None:
                return _failed(exc, args, kwargs, ctx)
            default = inspect.signature(init).parameters[skipped].default
            tried = (args, kwargs)
            args, kwargs = nodatafile.given_none(init, [skipped], args, kwargs)
            said = len(ctx.notes)
            ctx.notes.append(nodatafile.retry_note(cls.__name__, skipped, default))
            try:
                base = make()
            except StudentCodeError:  # None does not do either: the missing file is what to report
                del ctx.notes[said:]
                return _failed(exc, *tried, ctx)
    else:
        base = instance

        def make():
            return copy.deepcopy(instance)

    fname, drops_y = cs231n.as_forward(picked.forward, picked.backward, cls)
    bname = picked.backward
    get_backward = _backward_getter(base, bname, ctx)
    get_forward = (lambda r: getattr(r, fname)) if fname else (lambda r: None)
    raw = unthresholded(getattr(cls, fname)) if fname == "predict" else None
    raw = cs231n.forward_of(cls, fname) if drops_y else raw
    if raw is not None:  # predict() returns decisions: its output before the threshold is the network's
        get_forward = lambda r: raw.__get__(r)  # noqa: E731
        ctx.notes.append(f"{cls.__name__}.{fname} thresholds: its value before the threshold is the network's output")
    return Target(
        label=cls.__name__,
        root_name="self",
        fresh=deepcopy_or(base, make, ctx.notes),
        forward_name=fname,
        backward_name=bname,
        namespace=ctx.ns,
        get_forward=get_forward,
        get_backward=get_backward,
        forward_drops_y=drops_y,
        lookup=getattr,
        alternatives=list(picked.alternatives) if alternatives else [],
        shape="class",
    )


def _failed(exc: StudentCodeError, args: list, kwargs: dict, ctx: Context):
    """Raise a constructor's failure; on inferred arguments, marked as the audit's guess (reported as such if
    nothing else makes the object)."""
    if "init_args" not in ctx.spec and "init_kwargs" not in ctx.spec:
        exc.inferred = (args, kwargs)
    raise exc


def _backward_getter(base: object, bname: str, ctx: Context):
    """The backward of a root: the method itself, or, when that method makes the weights it trains
    (``train(X, y, epochs, lr)`` creating ``self.W1`` first), the method leaving the audit's weights in place."""
    attrs = madeinside.weight_attrs(base)
    if not attrs or not madeinside.method_creates(type(base), bname, attrs):
        return lambda r: getattr(r, bname)
    lines, losses = madeinside.creation_lines(type(base), attrs), madeinside.inline_losses(type(base))
    ctx.notes.append(
        f"{type(base).__name__}.{bname}() makes the weights it trains: run with the weights the audit set kept "
        "(its statements creating them skipped), one epoch"
    )
    return lambda r: madeinside.keeping_weights(r, getattr(r, bname), attrs, lines, losses)


def find(ctx: Context) -> Target | None:
    """A model class among the student's classes (built as its own code builds it when sizes do not do)."""
    picked = pick_class(ctx.classes, ctx.loaded, ctx.spec)
    if picked is None:
        return None
    try:
        return made_or_built(picked, ctx, alternatives=not ctx.spec.get("backward"))
    except AuditError as exc:
        if exc.type == "ConstructorArguments" and _harness_beside_functions(picked, ctx):
            ctx.notes.append(
                f"{picked.cls.__name__} only trains and its constructor takes what cannot be inferred "
                f"({', '.join(exc.message.split(chr(39))[1:2])}): the module's gradient functions are audited"
            )
            return None
        raise


def _harness_beside_functions(picked: Picked, ctx: Context) -> bool:
    """A class that only trains (no gradient method; ``NeuralNetwork(x_input, y_label, ..., batch_size)``)
    beside module-level gradient functions (``l_model_backward``) it calls: the functions are the network."""
    ms = methods(picked.cls)
    return not _present(GRAD_METHODS, ms) and any(
        n.lower() in GRAD_METHODS or re.search(r"backward|backprop|back_prop", n, re.I) for n in ctx.funcs
    )


def made_or_built(picked: Picked, ctx: Context, alternatives: bool) -> Target:
    """A target on an instance made from inferred arguments, or built as the submission's code builds it.

    The code's own construction is used when the arguments cannot be inferred or the
    object they make holds no weights (a list of layers only the script builds).
    """
    said = len(ctx.notes)
    try:
        target = class_target(picked, ctx, alternatives=alternatives)
    except (AuditError, StudentCodeError) as exc:
        if isinstance(exc, AuditError) and exc.type == "NeedsSizes":
            raise
        target, failed = None, exc
    chose_depth = depth_invented(ctx.notes[said:])  # the code's own construction has the student's depth
    if target is not None and _has_params(target.fresh()) and not chose_depth:
        return target
    if "init_args" not in ctx.spec and "init_kwargs" not in ctx.spec:
        found = built_in_code(picked.cls, ctx.loaded, _has_params) or built_by_function(
            picked.cls, ctx.loaded, _has_params
        )
        if found is not None:
            obj, where = found
            del ctx.notes[said:]  # the sizes invented for the object not used are no news
            ctx.notes.append(f"{picked.cls.__name__} built as the submission builds it ({where})")
            return dataclasses.replace(
                class_target(picked, ctx, instance=obj, alternatives=alternatives), own_sizes=True
            )
    if target is None:
        inferred = getattr(failed, "inferred", None)
        honest = inferred and constructor_failure(picked.cls.__name__, failed, *inferred, ctx.loaded)
        raise honest or failed
    return target


def _has_params(obj) -> bool:
    return bool(discover_params(obj))
