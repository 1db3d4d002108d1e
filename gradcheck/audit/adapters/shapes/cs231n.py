"""CS231n-style classes: ``loss(X, y=None)`` returns the scores without ``y`` and ``(loss, grads)`` with it."""

from __future__ import annotations

from gradcheck.audit.adapters.calling import plain_params


def is_cs231n_loss(method) -> bool:
    """A ``loss`` method whose label argument is optional (the CS231n convention)."""
    params = [p for p in plain_params(method) if p.name != "self"]
    return len(params) >= 2 and params[1].default is None


def as_forward(forward_name: str | None, backward_name: str) -> tuple[str | None, bool]:
    """(forward name, forward drops y): ``loss(X)`` is the forward when the class has no other."""
    if forward_name is None and backward_name == "loss":
        return "loss", True
    return forward_name, False
