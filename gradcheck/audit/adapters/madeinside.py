"""A training method that makes the weights it trains: ``train(X, y, epochs, lr)`` or ``fit(X, y)``.

The class's only public method creates the weights (``self.W1 = rng.normal(...)``) and
then trains them in its own loop, the gradient inline or from a private helper. Called
again, it would make new weights, not train the ones the audit chose. So, while the
method runs as the backward, each statement of the class that *creates* a weight
(assigns ``self.W1`` from an expression that does not read ``self.W1``) leaves the weight
the audit set in place: the loop then trains exactly those weights, one epoch (an epoch count the
object keeps, ``self.n_iterations``, set to 1 for the call), and the
update read off them (verified linear in the learning rate) is the gradient.

A statement is recognised by its line, read from the class's source, so an update written
``self.W1 = self.W1 - lr * dW1`` is never taken for a creation.

The loss such a method computes inline (``loss = np.mean((yhat - y) ** 2)`` in its loop) reads
locals no other code can give, so its value is read as the method computes it: the first
value assigned, while the weights are still the audit's (:func:`caught_loss`). It is the
student's own loss at the checked weights and batch, which names the loss and, where no
forward output does, the network.
"""

from __future__ import annotations

import ast
import copy
import functools
import inspect
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcheck.audit.adapters import inline
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.sources import dedented

#: The first loss value each guarded run read, by the id of the object it ran on: (source, value).
_CAUGHT: dict[int, tuple[str, float]] = {}


def weight_attrs(root: Any) -> set[str]:
    """The attributes of ``root`` that hold its weights directly (``self.W1``)."""
    from gradcheck.audit.adapters.params import discover_params

    return {t.steps[0][1] for t in discover_params(root) if len(t.steps) == 1 and t.steps[0][0] == "attr"}


def creation_lines(cls: type, attrs: set[str]) -> set[tuple[str, int]]:
    """``(file, line)`` of every statement of ``cls`` (its methods, bases included) assigning one of
    ``attrs`` on ``self`` from an expression that does not read it."""
    found: set[tuple[str, int]] = set()
    for klass in cls.__mro__:
        if klass is object:
            continue
        try:
            lines, start = inspect.getsourcelines(klass)
            filename = inspect.getsourcefile(klass) or ""
            tree = ast.parse(dedented("".join(lines)))
        except (OSError, TypeError, SyntaxError, IndentationError):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Assign):
                continue
            for target in node.targets:
                attr = _self_attr(target)
                if attr in attrs and attr not in _self_attrs_read(node.value):
                    found.add((filename, node.lineno + start - 1))
    return found


def _self_attr(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None


def _self_attrs_read(expr: ast.AST) -> set[str]:
    return {a for n in ast.walk(expr) if (a := _self_attr(n)) is not None}


def method_creates(cls: type, method: str, attrs: set[str]) -> bool:
    """Does ``cls.method`` (or a method it calls on ``self``) assign one of ``attrs`` anew?"""
    fn = getattr(cls, method, None)
    try:
        tree = ast.parse(dedented(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return False
    called = {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and _self_attr(n.func)}
    bodies = [tree]
    for name in called - {method}:
        try:
            bodies.append(ast.parse(dedented(inspect.getsource(getattr(cls, name)))))
        except (OSError, TypeError, SyntaxError, IndentationError, AttributeError):
            continue
    return any(
        isinstance(n, ast.Assign)
        and any((a := _self_attr(t)) in attrs and a not in _self_attrs_read(n.value) for t in n.targets)
        for body in bodies
        for n in ast.walk(body)
    )


def inline_losses(cls: type) -> dict[tuple[str, int], inline.InlineLoss]:
    """The loss-like assignments in ``cls``'s methods, by ``(file, line)``."""
    try:
        lines, start = inspect.getsourcelines(cls)
        filename = inspect.getsourcefile(cls) or ""
        tree = ast.parse(dedented("".join(lines)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return {}
    return {(filename, f.line): f for f in inline.in_tree(tree, filename, cls.__name__, start - 1)}


def keeping_weights(obj: Any, bound: Callable, attrs: set[str], lines: set[tuple[str, int]], losses: dict) -> Callable:
    """``bound`` (a method of ``obj``) whose weight-creating statements leave ``obj``'s weights as they are;
    the first inline loss value it computes at those weights is kept for :func:`caught_loss`."""
    cls = type(obj)

    @functools.wraps(bound)
    def run(*args, **kwargs):
        original = cls.__setattr__
        start = {a: np.array(getattr(obj, a)) for a in attrs}
        _CAUGHT.pop(id(obj), None)

        def guarded(self, name, value):
            if self is obj and name in attrs and _creates_here(lines) and _same_shape(getattr(self, name, None), value):
                return  # the weight the audit set stays: the loop trains it
            original(self, name, value)

        epochs = _one_epoch(obj)
        cls.__setattr__ = guarded
        previous = sys.gettrace()
        if losses:
            sys.settrace(_Catcher(obj, start, losses).call)
        try:
            return bound(*args, **kwargs)
        finally:
            if losses:
                sys.settrace(previous)
            cls.__setattr__ = original
            for name, value in epochs.items():
                setattr(obj, name, value)

    return run


def _one_epoch(obj: Any) -> dict[str, int]:
    """Set to 1 the epoch counts ``obj`` keeps (``self.n_iterations = 1000``, read by ``fit(X, y)``'s loop);
    the values they had, by attribute."""
    found = {
        name: value
        for name, value in vars(obj).items()
        if role_of(name.lstrip("_")) == "epochs" and type(value) is int and value > 1
    }
    for name in found:
        setattr(obj, name, 1)
    return found


class _Catcher:
    """A trace reading the first value a loss line of the class assigns while ``obj``'s weights are ``start``."""

    def __init__(self, obj: Any, start: dict, losses: dict):
        self.obj, self.start, self.losses = obj, start, losses
        self.files = {f for f, _ in losses}
        self.pending: tuple[Any, inline.InlineLoss] | None = None

    def call(self, frame, event, arg):
        if id(self.obj) in _CAUGHT or frame.f_code.co_filename not in self.files:
            return None
        return self.line

    def line(self, frame, event, arg):
        if self.pending is not None and self.pending[0] is frame and event in ("line", "return"):
            self._read(frame, self.pending[1])
            self.pending = None
        if event == "line" and id(self.obj) not in _CAUGHT:
            found = self.losses.get((frame.f_code.co_filename, frame.f_lineno))
            if found is not None and self._unchanged():
                self.pending = (frame, found)
        return self.line if id(self.obj) not in _CAUGHT else None

    def _unchanged(self) -> bool:
        return all(np.array_equal(np.asarray(getattr(self.obj, a, None)), v) for a, v in self.start.items())

    def _read(self, frame, loss: inline.InlineLoss) -> None:
        if loss.target.startswith("self."):
            value = getattr(frame.f_locals.get("self"), loss.target[5:], None)
        else:
            value = frame.f_locals.get(loss.target)
        try:
            v = float(np.asarray(value, dtype=float).reshape(()))
        except (TypeError, ValueError):
            return
        if np.isfinite(v) and self._unchanged():
            _CAUGHT[id(self.obj)] = (loss.text(), v)


def trainer_loss(root: Any, X: Any, Y: Any, lr: float) -> tuple[str, float, str] | None:
    """(the loss statement, its value, the method) of the method that made ``root``'s weights and trains them
    (``fit(X, y)`` computing ``loss = ...`` in its loop), run once on a copy of ``root`` with its weights
    kept, or None. The backward is then another method (``_compute_gradients``); the loss is only here."""
    from gradcheck.audit.adapters.calling import bind_args, call_student
    from gradcheck.audit.adapters.shapes.fit import CREATORS

    cls = type(root)
    losses, attrs = inline_losses(cls), weight_attrs(root)
    if not losses or not attrs:
        return None
    data = {"X": lambda: np.array(X), "Y": lambda: np.array(Y), "lr": lambda: lr}
    data.update(epochs=lambda: 1, verbose=lambda: False, seed=lambda: 0)
    for name in (m for m in CREATORS if callable(getattr(cls, m, None))):
        if not method_creates(cls, name, attrs):
            continue
        copy_ = copy.deepcopy(root)
        method = getattr(copy_, name)
        try:
            args, kwargs, _ = bind_args(method, data, ["X", "Y"], name)
            call_student(
                f"{cls.__name__}.{name}",
                keeping_weights(copy_, method, attrs, creation_lines(cls, attrs), losses),
                *args,
                **kwargs,
            )
        except Exception:  # noqa: BLE001 - no loss read from this one; the next creator is tried
            pass
        caught = caught_loss(copy_)
        if caught is not None:
            return (*caught, f"{cls.__name__}.{name}")
    return None


def caught_loss(obj: Any) -> tuple[str, float] | None:
    """(the loss statement, its value) a guarded run on ``obj`` read, or None."""
    return _CAUGHT.get(id(obj))


def _creates_here(lines: set[tuple[str, int]]) -> bool:
    frame = sys._getframe(2)  # the student's statement assigning the attribute
    return (frame.f_code.co_filename, frame.f_lineno) in lines


def _same_shape(current: Any, value: Any) -> bool:
    """A weight made again as it is (an array of its shape, or a number for a number: ``self.bias = 0``)."""
    number = isinstance(current, (int, float, np.number)) and not isinstance(current, bool)
    return (isinstance(current, np.ndarray) or number) and np.shape(value) == np.shape(current)


__all__ = [
    "caught_loss",
    "creation_lines",
    "inline_losses",
    "keeping_weights",
    "method_creates",
    "trainer_loss",
    "weight_attrs",
]
