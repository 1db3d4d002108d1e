"""What the sandboxed worker returned, as arrays in the student's names and order, and the targets as rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradcheck.compare import default_rtol

__all__ = [
    "Extracted",
    "as_array",
    "believed_precision",
    "check_rtol",
    "n_out",
    "precision_of",
    "stored_in_float32",
    "targets",
]


def as_array(value: Any) -> np.ndarray:
    """A float64 array from the worker's JSON (numbers sent as strings parsed, ``None`` as NaN)."""

    def conv(x):
        if isinstance(x, list):
            return [conv(v) for v in x]
        return float(x) if isinstance(x, str) else (np.nan if x is None else x)

    return np.asarray(conv(value), dtype=np.float64)


@dataclass(frozen=True)
class Extracted:
    """What the worker returned, as arrays in the student's names and order."""

    params: dict[str, np.ndarray]
    grads: dict[str, np.ndarray]
    rules: dict[str, str]
    forward: np.ndarray | None
    samples_as_columns: bool
    #: the narrowest float type the student's arrays came in: float32 code is judged to float32's rounding
    precision: np.dtype = np.dtype(np.float64)

    @classmethod
    def from_result(cls, result: Mapping[str, Any]) -> Extracted:
        """Parse the worker's result JSON."""
        params = {p["name"]: as_array(p["data"]) for p in result.get("params", [])}
        grads = {g["param"]: as_array(g["data"]) for g in result.get("grads", [])}
        rules = {g["param"]: g.get("rule", "?") for g in result.get("grads", [])}
        fwd = result.get("forward")
        return cls(
            params,
            grads,
            rules,
            None if fwd is None else as_array(fwd),
            bool(result.get("samples_as_columns", False)),
            precision_of(result.get("precision")),
        )


def precision_of(name: Any) -> np.dtype:
    """float32 for a network seen in float32 (or narrower: float32's bounds stay the loosest), else float64."""
    narrow = {"float32", "float16"}
    return np.dtype(np.float32) if name in narrow else np.dtype(np.float64)


def believed_precision(result: Mapping[str, Any]) -> tuple[str, str | None]:
    """The precision the grader judges in, and a note when it is not the one the answer gave.

    The answer's word that the network computes in float32 comes from the submission's process and
    loosens every tolerance (float32's sqrt(eps) is 23,000 times float64's): it is believed only when
    every weight is a float32 value, as the weights of a network kept in float32 are. One float32 tensor
    beside float64 ones, or a rewritten answer, does not buy float32's tolerance for the others.
    """
    claimed = precision_of(result.get("precision"))
    if claimed == np.float64:
        return "float64", None
    for p in result.get("params") or []:
        try:
            a = as_array(p.get("data"))
        except (TypeError, ValueError, AttributeError):
            return "float64", None
        a = a[np.isfinite(a)]
        if not np.array_equal(a.astype(np.float32).astype(np.float64), a):
            note = (
                f"the worker saw a {result.get('precision')} array, but {p.get('name', 'a weight')} holds values "
                "that are not float32 numbers: the network computes in float64 and is judged to float64's rounding"
            )
            return "float64", note
    return claimed.name, None


#: The tolerance for a float64 network whose gradient comes, in part, in float32 numbers (``self.db`` made by
#: ``np.zeros_like(self.b)`` with ``self.b`` float32): each stored entry is the float32 rounding of its value, off
#: by up to eps32 / 2 (6e-8) relative, four times float64's sqrt(eps); twice eps32 leaves that rounding room.
STORED32_RTOL = 2 * float(np.finfo(np.float32).eps)
#: Entries a gradient tensor needs, all float32 numbers and not zero, before its storage is taken for float32: a
#: float64 gradient is a float32 number by chance only where it is a short binary fraction.
STORED32_MIN_ENTRIES = 3


def stored_in_float32(grads: Mapping[str, np.ndarray]) -> list[str]:
    """The gradient tensors whose every entry is a float32 number, with at least
    :data:`STORED32_MIN_ENTRIES` of them neither zero nor a short binary fraction."""
    found = []
    for name, g in grads.items():
        v = np.asarray(g, dtype=np.float64).ravel()
        v = v[np.isfinite(v)]
        if not v.size or not np.array_equal(v.astype(np.float32).astype(np.float64), v):
            continue
        long = np.count_nonzero(v * 2.0**12 != np.round(v * 2.0**12))  # more bits than a short fraction has
        if long >= STORED32_MIN_ENTRIES:
            found.append(name)
    return found


def check_rtol(ex: Extracted) -> tuple[float, str | None]:
    """The tolerance the gradient is judged to, and a note when some of it comes in float32 numbers while the
    network computes in float64 (that storage's rounding, never float32's sqrt(eps), which the network does not
    have)."""
    base = default_rtol(ex.precision)
    stored = stored_in_float32(ex.grads) if ex.precision == np.float64 else []
    if not stored:
        return base, None
    return max(base, STORED32_RTOL), (
        f"the gradient of {', '.join(stored)} comes in float32 numbers (an array kept in float32): judged to that "
        f"storage's rounding (rtol {max(base, STORED32_RTOL):.2g})"
    )


def targets(Y: np.ndarray, n_out: int) -> np.ndarray:
    """Targets as rows ``(N, n_out)``: integer class labels become one-hot, a flat vector a column."""
    Y = np.asarray(Y, dtype=float)
    if Y.ndim == 2 and (Y.shape[1] != 1 or n_out == 1):
        return Y
    Y = Y.reshape(-1) if Y.ndim == 2 else Y  # a column of class labels, beside n_out > 1 outputs
    if n_out > 1 and np.all(Y == np.round(Y)) and np.all((Y >= 0) & (Y < n_out)):
        return np.eye(n_out)[Y.astype(int)]
    return Y.reshape(-1, 1)


def n_out(ex: Extracted, Y: np.ndarray, n_in: int | None = None) -> int:
    """The network's output width: the targets' columns, else the forward output's, else, for class labels (a
    vector, or a column beside no forward) and one weight matrix taking the ``n_in`` inputs (or one more, a bias
    row), its other width, else 1."""
    if Y.ndim == 2 and (Y.shape[1] != 1 or ex.forward is not None):
        return Y.shape[1]
    if ex.forward is not None and ex.forward.ndim == 2:
        return ex.forward.shape[0] if ex.samples_as_columns else ex.forward.shape[1]
    width = _one_matrix_outputs(ex.params, n_in)
    labels = Y.size and np.all(Y == np.round(Y)) and Y.min() >= 0
    return width if width and labels and Y.max() < width else 1


def _one_matrix_outputs(params: dict[str, np.ndarray], n_in: int | None) -> int | None:
    """The output width of a model of one weight matrix (a softmax regression) whose inputs are ``n_in``."""
    matrices = [v.shape for v in params.values() if v.ndim == 2]
    if n_in is None or len(matrices) != 1 or any(v.ndim > 2 for v in params.values()):
        return None
    rows, cols = matrices[0]
    if rows in (n_in, n_in + 1) and cols > 1:
        return cols
    return rows if cols in (n_in, n_in + 1) and rows > 1 else None
