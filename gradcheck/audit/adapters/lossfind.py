"""Where a student's own loss is, in every common form, and how to call it.

Found by name and by kind, in tiers (the loss the network itself holds says the
most about the training loss; a module helper less; an expression in a training
loop least):

1. loss objects the model holds (``self.loss_fn = MSELoss()``, ``self.criterion``)
   and the model's own loss methods (``loss(X, y)``, ``compute_loss(y_true, y_pred)``);
2. module functions named like a loss (``loss(params, X, Y)``, ``compute_cost(A2, Y)``,
   ``cross_entropy(y, yhat)``, ``mse_loss(weights, biases, X, Y)``), loss objects at
   module level and loss classes made with no arguments (``BCELoss().forward(pred, target)``).

Inline expressions (``cost = -np.mean(...)`` in a training loop) are in
:mod:`gradcheck.audit.adapters.inline`. Arguments are bound by role (prediction,
targets, inputs, parameters) or by the exact names the network offers; where a
function's two arguments cannot be told apart (``loss_fn(a, b)``), both orders
are tried and the grader keeps the one that is a loss. So are two arguments whose
names give both the same role (``loss(t, y)``, targets then outputs, as in Bishop),
and, as a fallback the grader weighs only when the named order matches no modelled
loss, the swapped order of a (target, prediction) pair named by role alone
(``_loss(self, y, p)``: see :func:`swapped`).
"""

from __future__ import annotations

import inspect
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.adapters.choiceargs import with_choices
from gradcheck.audit.adapters.names import LOSS_DERIV_FUNC, PENALTY_NAME, loss_named, role_of
from gradcheck.audit.adapters.objects import is_user_object, methods
from gradcheck.audit.adapters.selfattrs import reads

#: Names of a loss (``J``, ``J_cost`` as in course notes; a log-likelihood, maximised, its sign turned).
#: ``xent``, ``ce``, ``sse`` are the usual abbreviations (``ce`` and ``sse`` only as whole words of a name).
LOSS_NAME = re.compile(
    r"(loss|cost|error|mse|cross_?entropy|cross_ent|(^|_)x_?ent|nll|bce|objective|criterion|likelihood|^j$|^j_|"
    r"(^|_)(ce|sse|mae|kl)($|_)|hinge|huber|log_?cosh|pinball|quantile|focal|kl_?div|smooth_?l1"
    r"|(^|_)mean_?squared?($|_)|sum_?of_?squares"
    r"|(?-i:^E(_?total)?$))",  # the textbook's E = 0.5 * sum((t - o)**2), E_total (a lowercase e is an exp)
    re.I,
)
#: Names that look like a loss but are not one (accuracy, helpers, derivatives).
NOT_LOSS = re.compile(
    r"(accuracy|acc$|score|plot|print|history|rate|deriv|prime|grad|backward|delta|record|^log_(?!loss|likelihood|cosh)|save|show|"
    r"train|fit|epoch|curve|learn|update|step|valid|test|(^|_)val(_|$)"
    r"|rel(ative)?_?err|(^|_)(compare|check)(_|$))",  # a gradient check's helpers: rel_error(x, y)
    re.I,
)
#: Files of tests and of a course's checking scaffold (``unittests.py``, ``test_layers.py``, ``testCases.py``):
#: what they define compares answers, it is not the student's training loss.
TEST_FILE = re.compile(r"^(test_.*|.*_tests?|tests?|unit_?tests?|test_?cases.*|conftest)\.py$", re.I)
#: Methods of a loss object that compute the loss value, in order of preference.
VALUE_METHODS = ("forward", "__call__", "loss", "calculate", "compute", "value", "evaluate")
#: Argument names that are inputs only in a network's methods; in a loss they are a prediction or a target.
_NOT_X_IN_LOSS = {"a", "a0", "al", "inp", "input", "inputs"}
#: Roles a loss argument may take.
_LOSS_ROLES = ("out", "Y", "X", "params", "penalty")


@dataclass
class Candidate:
    """A callable that may compute the student's loss: where it is, how sure we are it is the training loss."""

    source: str
    fn: Callable
    tier: int
    #: the function the model was given to train with (``Net(loss, loss_prime)`` keeping ``self.loss = loss``):
    #: its loss, never passed over for a module helper that fits the gradient better
    trained: bool = False

    def __post_init__(self) -> None:  # a selector string and a derivative flag are given (choiceargs)
        self.fn = with_choices(self.fn)


def is_loss_name(name: str) -> bool:
    """``compute_cost``, ``binary_cross_entropy``, ``mse``: a loss value (not ``mse_prime``, not ``accuracy``)."""
    return bool(LOSS_NAME.search(name)) and not NOT_LOSS.search(name) and not LOSS_DERIV_FUNC.search(name)


def loss_role(name: str, offered: set[str]) -> str | None:
    """The role of a loss's argument: an exact name offered, else prediction, target, input or parameters."""
    if name in offered:
        return f"={name}"
    role = role_of(name)
    if role == "X" and name.lower() in _NOT_X_IN_LOSS:
        return None
    if role is None and PENALTY_NAME.match(name):
        return "penalty"
    return role if role in _LOSS_ROLES else None


def bindings(
    fn: Callable, offered: set[str], available: set[str], stateful: bool = False
) -> Iterator[list[tuple[str, str]]]:
    """Ways to call ``fn``: lists of (argument name, role), unknown arguments filled with (out, Y) in each order.

    Nothing is yielded when an argument without a default cannot be bound, or when
    no target (Y) would be passed, or nothing to predict from (out, X, parameters;
    ``stateful``: a method of the model, which holds its own forward output).
    """
    entries = [(p.name, p.default is p.empty) for p in plain_params(fn)]
    yield from _bind(entries, set(), offered, available, stateful, stateful and _reads_held_targets(fn))


def _reads_held_targets(fn: Callable) -> bool:
    """A model's method that reads the targets off the model (``self.y``, ``self.targets``): ``loss_function(self,
    y_hat)`` of a class constructed with its training data is handed the prediction only."""
    return any(role_of(a) == "Y" for a in reads(fn))


def bindings_for_names(
    names: list[str], glob: set[str], offered: set[str], available: set[str], target_held: bool = False
) -> Iterator[list[tuple[str, str]]]:
    """Like :func:`bindings` for the free names of an expression; role ``""`` keeps a module global.

    ``target_held``: the expression reads the targets off the model (``self.one_hot_labels``).
    """
    yield from _bind([(n, True) for n in names], glob, offered, available, False, target_held)


def _bind(entries, glob, offered, available, stateful, target_held=False) -> Iterator[list[tuple[str, str]]]:
    known: list[tuple[str, str | None]] = []
    for name, required in entries:
        role = "self" if name == "self" else loss_role(name, offered)
        if role == "penalty" and not required:  # ``reg=0.0`` keeps its default, as the backward's does
            continue
        if role == "penalty" and name in glob:  # a module's ``lambd = 0.7`` keeps its value, as the backward's does
            role = None
        if role is not None and (role in available or role.startswith("=")):
            known.append((name, role))
        elif name in glob:
            known.append((name, ""))
        elif required:
            known.append((name, None))
    known = _unname_twins(known)
    unknown = [n for n, r in known if r is None]
    missing = [r for r in ("out", "Y") if r in available and r not in {r for _, r in known}]
    if target_held:
        missing = [r for r in missing if r != "Y"]
    if len(unknown) > len(missing):
        return
    for perm in itertools.permutations(missing, len(unknown)) if unknown else [()]:
        fill = dict(zip(unknown, perm))
        binding = [(n, r if r is not None else fill[n]) for n, r in known]
        roles = {r for _, r in binding}
        predicts = stateful or bool(roles & {"out", "X", "params", "self"}) or any(r.startswith("=") for r in roles)
        if ("Y" in roles or target_held) and predicts:
            yield binding


def _unname_twins(known: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Two arguments named to the same role, prediction or target, while the other is missing: order unknown."""
    roles = [r for _, r in known]
    for role, other in (("Y", "out"), ("out", "Y")):
        if roles.count(role) == 2 and other not in roles:
            return [(n, None if r == role else r) for n, r in known]
    return known


def swapped(binding: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """``binding`` with its one prediction (``out`` or a value named by the network) and its one target exchanged.

    None if it has not exactly one of each.

    A loss's argument names (``y``, ``p``) are a guess at its order: the grader
    falls back on the swapped order only when the named one is none of the losses
    the reference networks model.
    """
    preds = [r for _, r in binding if r == "out" or r.startswith("=")]
    roles = [r for _, r in binding]
    if len(preds) != 1 or roles.count("Y") != 1 or len([r for r in roles if r != "self"]) != 2:
        return None  # only a loss of (prediction, target): one taking inputs or parameters says its order
    flip = {preds[0]: "Y", "Y": preds[0]}
    return [(n, flip.get(r, r)) for n, r in binding]


def _value_method(obj: Any) -> tuple[str, Callable] | None:
    ms = methods(type(obj))
    name = next((m for m in VALUE_METHODS if m in ms), None)
    return (name, getattr(obj, name)) if name else None


def _class_value(cls: type) -> tuple[str, Callable] | None:
    """A loss kept as a student's class whose value method takes no ``self`` (``MSE.value(target, guess)``)."""
    if (cls.__module__ or "").startswith(("numpy", "builtins", "scipy")):
        return None
    name = next((m for m in VALUE_METHODS if callable(vars(cls).get(m))), None)
    fn = getattr(cls, name) if name else None
    if fn is None or [p.name for p in plain_params(fn)][:1] == ["self"]:
        return None
    return name, fn


def _looks_like_loss_object(obj: Any) -> bool:
    return is_user_object(obj) and loss_named(type(obj)) and _value_method(obj) is not None


def held_by(root: Any, label: str, skip: set[str]) -> list[Candidate]:
    """Tier 1: the loss objects and loss methods of the model object ``root``."""
    found = []
    for attr, value in sorted(vars(root).items()) if hasattr(root, "__dict__") else []:
        named = is_user_object(value) and bool(LOSS_NAME.search(attr)) and _value_method(value) is not None
        if named or _looks_like_loss_object(value):
            name, fn = _value_method(value)
            found.append(Candidate(f"{label}.{attr}.{name}", fn, 1))
        elif isinstance(value, type) and LOSS_NAME.search(attr) and (kept := _class_value(value)) is not None:
            found.append(Candidate(f"{label}.{attr}.{kept[0]}", kept[1], 1))  # self.loss = MSE, the class
        elif inspect.isfunction(value) and is_loss_name(attr) and is_loss_name(value.__name__):
            # Net(loss, loss_prime) keeping the functions it is given: self.loss = bce, whatever else the module has
            found.append(Candidate(f"{label}.{attr}", value, 1, trained=True))
    for name in sorted(methods(type(root))):
        if is_loss_name(name) and name not in skip and not _looks_like_loss_object(getattr(root, name, None)):
            found.append(Candidate(f"{label}.{name}", getattr(root, name), 1))
    return found


def _in_test_file(fn: Callable) -> bool:
    code = getattr(fn, "__code__", None)
    return code is not None and bool(TEST_FILE.match(code.co_filename.rsplit("/", 1)[-1]))


def in_module(ns: dict, funcs: dict, classes: list[type], skip: set[str], make: Callable) -> list[Candidate]:
    """Tier 2: loss functions, loss objects and argument-free loss classes of the submission."""
    found = [
        Candidate(name, fn, 2)
        for name, fn in sorted(funcs.items())
        if is_loss_name(name) and name not in skip and not _in_test_file(fn)
    ]
    for name, value in sorted(ns.items()):
        if not name.startswith("_") and _looks_like_loss_object(value):
            vname, fn = _value_method(value)
            found.append(Candidate(f"{name}.{vname}", fn, 2))
    for cls in classes:
        if loss_named(cls) and (kept := _class_value(cls)) is not None:
            found.append(Candidate(f"{cls.__name__}.{kept[0]}", kept[1], 2))  # its methods take no self
        elif loss_named(cls) and any(m in methods(cls) for m in VALUE_METHODS):
            obj = make(cls)
            if obj is not None and _value_method(obj) is not None:
                vname, fn = _value_method(obj)
                found.append(Candidate(f"{cls.__name__}().{vname}", fn, 2))
    return found
