"""A gradient-checking problem: named parameters, a scalar loss and its claimed gradient.

Everything the user hands in is validated here, at the public boundary, so the
rest of the package can assume finite float tensors with matching names and
shapes. Every error names the argument, the tensor and (for non-finite
values) the entry, and says what to do.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradcheck.result import format_index
from gradcheck.throughcast import through_cast

LossFn = Callable[[Mapping[str, np.ndarray]], float]
GradFn = Callable[[Mapping[str, np.ndarray]], Mapping[str, np.ndarray]]

#: Name given to a single array passed as ``params``.
SINGLE_NAME = "x"


class UserFunctionError(RuntimeError):
    """The user's ``loss`` or ``grad`` raised; the original is ``__cause__``."""


class GradientShapeError(ValueError):
    """A gradient's shape differs from its parameter's shape.

    Attributes
    ----------
    name : str
        The tensor.
    expected, got : tuple of int
        Parameter shape and gradient shape.
    """

    def __init__(self, name: str, expected: tuple[int, ...], got: tuple[int, ...]):
        self.name, self.expected, self.got = name, expected, got
        hint = ""
        if len(got) == len(expected) + 1 and tuple(got[1:]) == tuple(expected) and got[0] == 1:
            hint = (
                " It has an extra leading axis of length 1 (a sum with keepdims=True, or a (1, n) row): its values "
                f"may be right, but a step with it turns the parameter into shape {tuple(got)} (or fails in place): "
                "drop keepdims=True, or reshape it to the parameter's shape."
            )
        elif len(got) == len(expected) + 1 and tuple(got[1:]) == tuple(expected):
            hint = f" It has one gradient per sample ({got[0]} rows): sum it over the batch axis (axis=0)."
        elif (axis := _batch_axis(expected, got)) is not None:
            hint = (
                f" It differs only along axis {axis} ({got[axis]} there, 1 in the parameter): a bias gradient left per "
                f"sample there is summed over that axis with keepdims=True (db = dZ.sum(axis={axis}, keepdims=True))."
            )
        elif int(np.prod(got)) == int(np.prod(expected)):
            hint = " Same number of entries: reshape it, or check for a transposed layout."
        super().__init__(
            f"gradient {name!r} has shape {tuple(got)} but parameter {name!r} has shape {tuple(expected)}.{hint}"
        )


def _batch_axis(expected: tuple[int, ...], got: tuple[int, ...]) -> int | None:
    """The one axis where a bias of shape ``expected`` (``(n, 1)`` or ``(1, n)``) has length 1 and its gradient
    ``got`` more, every other axis alike: the batch's, left unsummed. None otherwise."""
    if len(got) != len(expected):
        return None
    differ = [i for i, (e, g) in enumerate(zip(expected, got)) if e != g]
    return differ[0] if len(differ) == 1 and expected[differ[0]] == 1 else None


def _first_nonfinite(name: str, arr: np.ndarray) -> str:
    bad = np.argwhere(~np.isfinite(arr))[0]
    value = arr[tuple(bad)]
    return f"{value} at {format_index(name, tuple(int(i) for i in bad))}"


def _as_param(name: str, value: Any) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(
            f"params[{name!r}] has dtype {arr.dtype}; parameters must be float arrays (numpy float32 or float64)"
        )
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(
            f"params[{name!r}] is complex ({arr.dtype}); pass real float parameters, "
            "complex-step differentiation is done by gradcheck itself"
        )
    if not np.issubdtype(arr.dtype, np.floating):
        raise TypeError(
            f"params[{name!r}] has integer dtype {arr.dtype}; gradients need floating-point "
            f"parameters: pass {name}.astype(float)"
        )
    if arr.dtype not in (np.float32, np.float64):
        raise TypeError(f"params[{name!r}] has dtype {arr.dtype}; use float32 or float64")
    if arr.size == 0:
        raise ValueError(f"params[{name!r}] is empty (shape {arr.shape}): nothing to check")
    if not np.all(np.isfinite(arr)):
        raise ValueError(
            f"params[{name!r}] has a non-finite value {_first_nonfinite(name, arr)}; check the initialisation"
        )
    return np.array(arr, copy=True)


def normalize_params(params: Any) -> dict[str, np.ndarray]:
    """Validate ``params`` and return private copies, keyed by name.

    Parameters
    ----------
    params : mapping of str to array_like, or array_like
        Named parameters; a single array is named ``"x"``.

    Returns
    -------
    dict of str to ndarray
        Copies, float32 or float64, finite, non-empty.

    Raises
    ------
    TypeError, ValueError
        Naming the parameter and what to do.

    Examples
    --------
    >>> sorted(normalize_params({"W": [[1.0, 2.0]], "b": [0.5]}))
    ['W', 'b']
    """
    if isinstance(params, (list, tuple)) and _ragged(params):
        raise TypeError(
            f"params is a {type(params).__name__} of {len(params)} arrays of different shapes: pass a dict of name "
            "-> array ({'W1': W1, 'b1': b1, ...}), which names each tensor in the report; loss and grad then take "
            "and return such dicts"
        )
    if isinstance(params, np.ndarray) or isinstance(params, (list, tuple, numbers.Real)):
        params = {SINGLE_NAME: params}
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping of name -> array (or one array), got {type(params).__name__}")
    if not params:
        raise ValueError("params is empty: pass at least one named parameter")
    out = {}
    for name, value in params.items():
        if not isinstance(name, str):
            raise TypeError(f"params keys must be strings, got {name!r}")
        out[name] = _as_param(name, value)
    return out


def _ragged(values: list | tuple) -> bool:
    """A list of arrays (or nested lists) that do not stack into one array: several tensors, not one."""
    shapes = {np.shape(v) for v in values if isinstance(v, (np.ndarray, list, tuple))}
    return len(shapes) > 1 or (bool(shapes) and len(shapes) == 1 and any(np.isscalar(v) for v in values))


def _scalar_loss(value: Any) -> float | complex:
    """Validate a loss value; return it as a Python scalar."""
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"loss(params) returned {type(value).__name__} ({value!r}); it must return a real scalar")
    arr = np.asarray(value)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"loss(params) returned {type(value).__name__}; it must return a real scalar")
    if arr.size != 1:
        raise ValueError(
            f"loss(params) returned an array of shape {arr.shape}; it must return one scalar "
            "(reduce it, e.g. with .mean() or .sum())"
        )
    return arr.reshape(()).item()


@dataclass
class Problem:
    """Validated inputs of one gradient check.

    Attributes
    ----------
    params : dict of str to ndarray
        Private copies of the parameters.
    loss_fn, grad_fn : callable
        The user's functions.
    dtype : numpy.dtype
        Result dtype of all parameters (the computation's precision).
    """

    params: dict[str, np.ndarray]
    loss_fn: LossFn
    grad_fn: GradFn | None
    dtype: np.dtype
    single: bool = False
    #: Complex evaluations see through the loss's ``float()`` casts (:meth:`seen_through`).
    through: bool = False
    #: That twin was judged complex-safe against the value before its narrow casts (:mod:`gradcheck.castsafety`).
    vouched: bool = False

    @classmethod
    def create(cls, loss: LossFn, grad: GradFn | None, params: Any) -> Problem:
        """Validate and build; see :func:`gradcheck.check_gradients`."""
        if not callable(loss):
            raise TypeError(f"loss must be callable, got {type(loss).__name__}")
        if grad is not None and not callable(grad):
            raise TypeError(f"grad must be callable or a mapping of gradients, got {type(grad).__name__}")
        single = not isinstance(params, Mapping)
        clean = normalize_params(params)
        dtype = np.result_type(*clean.values())
        return cls(clean, loss, grad, dtype, single)

    @property
    def names(self) -> tuple[str, ...]:
        """Parameter names in order."""
        return tuple(self.params)

    @property
    def size(self) -> int:
        """Total number of scalar parameters."""
        return sum(p.size for p in self.params.values())

    def _call_args(self, params: Mapping[str, np.ndarray]):
        return params[SINGLE_NAME] if self.single else params

    def loss_of(self, params: Mapping[str, np.ndarray]):
        """The user's loss at ``params`` (a dict of the problem's names), exactly as it returns it."""
        return self.loss_fn(self._call_args(params))

    def call_loss(self, params: Mapping[str, np.ndarray]) -> float | complex:
        """Evaluate the user's loss (no validation of finiteness).

        A problem :meth:`seen_through` its ``float()`` casts evaluates, at complex
        parameters, the loss's twin whose ``float()`` keeps imaginary parts
        (:func:`gradcheck.throughcast.through_cast`).
        """
        fn = self.loss_fn
        if self.through and any(np.iscomplexobj(v) for v in params.values()):
            if self._through_cast is None:
                self._through_cast = through_cast(self.loss_fn)
            fn = self._through_cast
        try:
            value = fn(self._call_args(params))
        except Exception as exc:  # the user's code: report it, keep the cause
            raise UserFunctionError(f"loss(params) raised {type(exc).__name__}: {exc}") from exc
        self.returned = type(value)
        return _scalar_loss(value)

    #: The type of the value the loss last returned, as returned (``float`` for a ``float()`` cast).
    returned: type | None = None
    #: The loss as the complex step evaluates it (built at the first complex evaluation).
    _through_cast: LossFn | None = dataclasses.field(default=None, init=False, repr=False, compare=False)

    def base_loss(self) -> float:
        """Loss at the given parameters, checked to be a finite real scalar."""
        value = self.call_loss(self.params)
        if isinstance(value, complex):
            raise TypeError("loss(params) returned a complex number for real parameters")
        if not np.isfinite(value):
            raise ValueError(f"loss(params) returned {value} at the given parameters")
        return value if isinstance(value, np.longdouble) else float(value)

    def call_grad(self) -> Any:
        """Call the user's ``grad`` on a copy of the parameters (raw result)."""
        if self.grad_fn is None:
            raise TypeError("grad is required: a callable grad(params) or a mapping of gradients")
        try:
            grads = self.grad_fn(self._call_args({k: v.copy() for k, v in self.params.items()}))
        except Exception as exc:
            raise UserFunctionError(f"grad(params) raised {type(exc).__name__}: {exc}") from exc
        if self.single and not isinstance(grads, Mapping):
            grads = {SINGLE_NAME: grads}
        return grads

    def seen_through(self) -> Problem | None:
        """The same problem, its complex evaluations seen through ``float()`` casts; None where it has none."""
        twin = through_cast(self.loss_fn)
        if twin is self.loss_fn:
            return None
        seen = dataclasses.replace(self, through=True)
        seen._through_cast = twin
        return seen

    def widened(self) -> Problem:
        """The same problem at the parameters cast to float64 (itself when already float64)."""
        if self.dtype == np.float64:
            return self
        wide = {k: v.astype(np.float64) for k, v in self.params.items()}
        return dataclasses.replace(self, params=wide, dtype=np.dtype(np.float64))

    def extended(self) -> Problem | None:
        """The same problem at the parameters cast to ``np.longdouble``; None where that is no wider than float64.

        Every float32 and float64 value is exact in ``np.longdouble`` (64-bit
        significand on x86), so this is the same point; a numpy loss written
        without casts then computes in extended precision, and its cancellations
        lose ``eps_longdouble / eps_float64`` (1/2048) as much.
        """
        if np.finfo(np.longdouble).eps >= np.finfo(np.float64).eps:
            return None
        wide = {k: v.astype(np.longdouble) for k, v in self.params.items()}
        return dataclasses.replace(self, params=wide, dtype=np.dtype(np.longdouble))

    def analytic(self, grads: Any = None) -> dict[str, np.ndarray]:
        """Validate ``grads`` (by default the result of :meth:`call_grad`)."""
        if grads is None:
            grads = self.call_grad()
        elif self.single and not isinstance(grads, Mapping):
            grads = {SINGLE_NAME: grads}
        return validate_gradients(grads, self.params)


def validate_gradients(grads: Any, params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Check a claimed gradient against the parameters it belongs to.

    Parameters
    ----------
    grads : mapping of str to array_like
        The claimed gradient.
    params : mapping of str to ndarray
        The (validated) parameters.

    Returns
    -------
    dict of str to ndarray
        float64 copies in the parameters' order.

    Raises
    ------
    TypeError, ValueError, GradientShapeError
        Naming the tensor (and the entry for non-finite values).
    """
    if not isinstance(grads, Mapping):
        raise TypeError(f"grad(params) must return a mapping of name -> array, got {type(grads).__name__}")
    names = ", ".join(params)
    for key in grads:
        if key not in params:
            raise ValueError(f"grad(params) returned {key!r}, which is not a parameter (parameters: {names})")
    out = {}
    for name, p in params.items():
        if name not in grads:
            raise ValueError(f"grad(params) returned no gradient for {name!r} (expected: {names})")
        g = np.asarray(grads[name])
        if g.dtype == object or not (np.issubdtype(g.dtype, np.floating) or np.issubdtype(g.dtype, np.integer)):
            raise TypeError(f"gradient {name!r} has dtype {g.dtype}; it must be a real float array")
        if g.shape != p.shape:
            raise GradientShapeError(name, p.shape, g.shape)
        if not np.all(np.isfinite(g)):
            raise ValueError(f"gradient {name!r} has a non-finite value {_first_nonfinite(name, g)}")
        out[name] = np.array(g, dtype=np.float64)
    return out


def misshaped(raw: Mapping[str, Any], params: Mapping[str, np.ndarray]) -> dict[str, tuple]:
    """``{name: (expected shape, got shape)}`` for every gradient whose shape is not its parameter's."""
    out = {}
    for name, p in params.items():
        if name in raw and np.shape(raw[name]) != np.shape(p):
            out[name] = (tuple(np.shape(p)), tuple(np.shape(raw[name])))
    return out
