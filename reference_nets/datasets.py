"""Small seeded datasets of the kind used in backprop assignments.

Every generator returns ``(X, Y)`` as float64 arrays with samples as rows:
``X`` has shape ``(N, n_in)`` and ``Y`` is always 2-D, ``(N, n_out)``.
Random generators take a ``seed`` for ``np.random.default_rng`` and are
deterministic.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "DATASETS",
    "make_dataset",
    "xor",
    "logic_gate",
    "linear_points",
    "xor_points",
    "one_hot_identity",
    "threshold_1d",
    "regression",
]

Data = tuple[np.ndarray, np.ndarray]

_GATE_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
_GATES = {
    "and": np.array([0, 0, 0, 1], dtype=np.float64),
    "or": np.array([0, 1, 1, 1], dtype=np.float64),
    "xor": np.array([0, 1, 1, 0], dtype=np.float64),
}


def _check_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def logic_gate(name: str) -> Data:
    """Truth table of a two-input logic gate.

    Parameters
    ----------
    name : str
        'and', 'or' or 'xor' (case-insensitive).

    Returns
    -------
    X : numpy.ndarray, shape (4, 2)
        The four input pairs ``00, 01, 10, 11``.
    Y : numpy.ndarray, shape (4, 1)
        The gate's output.

    Examples
    --------
    >>> logic_gate("and")[1].ravel().tolist()
    [0.0, 0.0, 0.0, 1.0]
    """
    key = name.lower() if isinstance(name, str) else name
    if key not in _GATES:
        raise ValueError(f"name must be one of {sorted(_GATES)}, got {name!r}")
    return _GATE_INPUTS.copy(), _GATES[key].reshape(4, 1).copy()


def xor() -> Data:
    """The four-point XOR truth table, ``logic_gate('xor')``.

    Returns
    -------
    X : numpy.ndarray, shape (4, 2)
    Y : numpy.ndarray, shape (4, 1)
    """
    return logic_gate("xor")


def linear_points(n: int = 100, seed: int = 0) -> Data:
    """Points in the unit square labelled by the diagonal line ``x0 = x1``.

    Parameters
    ----------
    n : int
        Number of points.
    seed : int
        Random seed.

    Returns
    -------
    X : numpy.ndarray, shape (n, 2)
        Uniform in ``[0, 1]^2``.
    Y : numpy.ndarray, shape (n, 1)
        0 where ``x0 > x1``, else 1 (as in the classic ``generate_linear``).
    """
    n = _check_count(n, "n")
    X = np.random.default_rng(seed).uniform(0.0, 1.0, (n, 2))
    return X, (X[:, 0] <= X[:, 1]).astype(np.float64).reshape(n, 1)


def xor_points(n: int = 100, seed: int = 0) -> Data:
    """Points in the unit square labelled by XOR of the two half-planes.

    Parameters
    ----------
    n : int
        Number of points.
    seed : int
        Random seed.

    Returns
    -------
    X : numpy.ndarray, shape (n, 2)
        Uniform in ``[0, 1]^2``.
    Y : numpy.ndarray, shape (n, 1)
        1 where exactly one coordinate exceeds 0.5, else 0.
    """
    n = _check_count(n, "n")
    X = np.random.default_rng(seed).uniform(0.0, 1.0, (n, 2))
    label = (X[:, 0] > 0.5) != (X[:, 1] > 0.5)
    return X, label.astype(np.float64).reshape(n, 1)


def one_hot_identity(n: int = 8) -> Data:
    """The n-k-n autoencoder task: each one-hot vector maps to itself.

    Parameters
    ----------
    n : int
        Dimension (8 for the classic 8-3-8 task).

    Returns
    -------
    X, Y : numpy.ndarray, shape (n, n)
        Both the identity matrix (independent copies).
    """
    n = _check_count(n, "n")
    return np.eye(n), np.eye(n)


def threshold_1d(n: int = 200, seed: int = 0) -> Data:
    """One-dimensional threshold task: ``x ~ U[-2, 2]``, ``y = (x >= 0)``.

    Parameters
    ----------
    n : int
        Number of samples.
    seed : int
        Random seed.

    Returns
    -------
    X : numpy.ndarray, shape (n, 1)
    Y : numpy.ndarray, shape (n, 1)
    """
    n = _check_count(n, "n")
    X = np.random.default_rng(seed).uniform(-2.0, 2.0, (n, 1))
    return X, (X >= 0).astype(np.float64)


def regression(n: int = 16, n_in: int = 3, n_out: int = 2, seed: int = 0) -> Data:
    """Standard-normal inputs and targets, for identity-output (MSE) nets.

    Parameters
    ----------
    n, n_in, n_out : int
        Number of samples, input and output width.
    seed : int
        Random seed.

    Returns
    -------
    X : numpy.ndarray, shape (n, n_in)
    Y : numpy.ndarray, shape (n, n_out)
    """
    n, n_in, n_out = (_check_count(v, k) for v, k in ((n, "n"), (n_in, "n_in"), (n_out, "n_out")))
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, n_in)), rng.normal(size=(n, n_out))


DATASETS: dict[str, Callable[..., Data]] = {
    "xor": xor,
    "logic_gate": logic_gate,
    "linear_points": linear_points,
    "xor_points": xor_points,
    "one_hot_identity": one_hot_identity,
    "threshold_1d": threshold_1d,
    "regression": regression,
}


def make_dataset(name: str, /, **kwargs: object) -> Data:
    """Build a registered dataset by name.

    Parameters
    ----------
    name : str
        A key of ``DATASETS``.
    **kwargs
        Passed to the generator.

    Returns
    -------
    X, Y : numpy.ndarray

    Raises
    ------
    ValueError
        If ``name`` is unknown (the message lists the valid names).

    Examples
    --------
    >>> X, Y = make_dataset("threshold_1d", n=5, seed=1)
    >>> X.shape, Y.shape
    ((5, 1), (5, 1))
    """
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; valid names: {', '.join(DATASETS)}")
    return DATASETS[name](**kwargs)
