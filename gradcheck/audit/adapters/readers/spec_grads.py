"""Gradients where ``[network] grads`` says they are (paths into the object or the return value)."""

from __future__ import annotations

import numpy as np

from gradcheck.audit.adapters.objects import is_param_object
from gradcheck.audit.adapters.params import Tensor
from gradcheck.audit.adapters.paths import parse_path, resolve_spec
from gradcheck.audit.adapters.step import Grad, Step1
from gradcheck.audit.loader import AuditError


def _error(i: int, text: str, why: str) -> AuditError:
    return AuditError(f"[network] grads[{i}] {text!r} {why}", where="reading gradients", type_="SpecError")


def grads_from_spec(spec_grads: list[str], step: Step1, params: list[Tensor], root_name: str) -> list[Grad]:
    """The arrays ``[network] grads`` names, in parameter order."""
    grads = []
    for i, text in enumerate(spec_grads[: len(params)]):
        head, steps = parse_path(text)
        base = step.ret if head in ("ret", "returned", "result") else step.root
        try:
            steps, arr = resolve_spec(base, steps)
        except Exception as exc:  # noqa: BLE001
            raise _error(i, text, f"not found after backward ({type(exc).__name__}: {exc})") from None
        if is_param_object(arr):
            arr = arr.grad
        try:
            values = np.asarray(arr, float)
        except (TypeError, ValueError):
            raise _error(i, text, f"is a {type(arr).__name__}, not an array of numbers") from None
        grads.append(Grad(i, text, "spec", values))
    return grads
