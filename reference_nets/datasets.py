"""Small seeded datasets of the kind used in backprop assignments.

Every generator returns ``(X, Y)`` as float64 arrays with samples as rows:
``X`` has shape ``(N, n_in)`` and ``Y`` is 2-D, ``(N, n_out)``, except the
classification sets asked for integer labels (``labels='int'``), whose ``Y``
holds ``N`` int64 class indices.
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
    "spiral",
    "blobs",
    "sine",
    "head_targets",
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


def _check_labels_form(labels: object) -> str:
    if labels not in ("onehot", "int"):
        raise ValueError(f"labels must be 'onehot' or 'int', got {labels!r}")
    return labels


def _class_targets(index: np.ndarray, classes: int, labels: str) -> np.ndarray:
    if labels == "int":
        return index.astype(np.int64)
    return np.eye(classes)[index]


def spiral(n_per_class: int = 20, classes: int = 3, seed: int = 0, labels: str = "onehot") -> Data:
    """Interleaved 2-D spirals, one per class (the CS231n softmax example).

    Parameters
    ----------
    n_per_class : int
        Points per class.
    classes : int
        Number of classes (arms), at least 2.
    seed : int
        Random seed (the angular noise).
    labels : {'onehot', 'int'}
        Targets as one-hot rows ``(N, classes)`` or integer labels ``(N,)``.

    Returns
    -------
    X : numpy.ndarray, shape (n_per_class * classes, 2)
    Y : numpy.ndarray
        ``(N, classes)`` float one-hot rows, or ``(N,)`` int64 class indices
        (the one exception to the 2-D targets of this module).

    Examples
    --------
    >>> X, y = spiral(5, 3, labels="int")
    >>> X.shape, y.tolist()[:6]
    ((15, 2), [0, 0, 0, 0, 0, 1])
    """
    n = _check_count(n_per_class, "n_per_class")
    k = _check_count(classes, "classes")
    if k < 2:
        raise ValueError(f"classes must be at least 2, got {classes!r}")
    labels = _check_labels_form(labels)
    rng = np.random.default_rng(seed)
    radius = np.tile(np.linspace(0.0, 1.0, n), k)
    index = np.repeat(np.arange(k), n)
    theta = index * 4.0 + np.tile(np.linspace(0.0, 4.0, n), k) + 0.2 * rng.standard_normal(n * k)
    X = np.column_stack([radius * np.sin(theta), radius * np.cos(theta)])
    return X, _class_targets(index, k, labels)


def blobs(n: int = 30, classes: int = 3, n_in: int = 4, seed: int = 0, labels: str = "onehot") -> Data:
    """Gaussian clusters, one per class, in ``n_in`` dimensions (an iris-sized task).

    Parameters
    ----------
    n : int
        Number of samples (class ``i % classes`` for sample ``i``).
    classes : int
        Number of classes, at least 2.
    n_in : int
        Input width.
    seed : int
        Random seed.
    labels : {'onehot', 'int'}
        Targets as one-hot rows ``(N, classes)`` or integer labels ``(N,)``.

    Returns
    -------
    X : numpy.ndarray, shape (n, n_in)
        Centres ``N(0, 2^2)``, points ``N(centre, 1)``.
    Y : numpy.ndarray
        As in :func:`spiral`.
    """
    n, k, n_in = (_check_count(v, name) for v, name in ((n, "n"), (classes, "classes"), (n_in, "n_in")))
    if k < 2:
        raise ValueError(f"classes must be at least 2, got {classes!r}")
    labels = _check_labels_form(labels)
    rng = np.random.default_rng(seed)
    centres = rng.normal(0.0, 2.0, (k, n_in))
    index = np.arange(n) % k
    return centres[index] + rng.normal(size=(n, n_in)), _class_targets(index, k, labels)


def sine(n: int = 32, seed: int = 0) -> Data:
    """``y = 0.9 sin(x)``, ``x ~ U[-pi, pi]``: a target inside (-1, 1), for a tanh output.

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
    X = np.random.default_rng(seed).uniform(-np.pi, np.pi, (n, 1))
    return X, 0.9 * np.sin(X)


def head_targets(config: object, n: int, rng: np.random.Generator) -> np.ndarray:
    """Random targets that suit a network's output layer and loss (cross-entropy, tanh, softmax).

    Parameters
    ----------
    config : reference_nets.config.MLPConfig
        Read for ``loss``, ``output``, ``labels`` and ``sizes[-1]`` only.
    n : int
        Number of samples.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    numpy.ndarray
        Cross-entropy: ``n`` class labels (float, ``labels='int'``) or one-hot rows;
        a tanh output: uniform in (-0.9, 0.9); softmax with MSE: target
        distributions (Dirichlet(1) rows).

    Raises
    ------
    ValueError
        For other heads, whose targets their callers draw themselves.
    """
    k = config.sizes[-1]
    if config.loss == "ce":
        labels = rng.integers(0, k, n)
        return labels.astype(np.float64) if config.labels == "int" else np.eye(k)[labels]
    if config.output == "tanh":
        return rng.uniform(-0.9, 0.9, (n, k))
    if config.output == "softmax":
        return rng.dirichlet(np.ones(k), n)
    raise ValueError(f"head_targets covers cross-entropy, tanh and softmax outputs, got {config.label!r}")


DATASETS: dict[str, Callable[..., Data]] = {
    "xor": xor,
    "logic_gate": logic_gate,
    "linear_points": linear_points,
    "xor_points": xor_points,
    "one_hot_identity": one_hot_identity,
    "threshold_1d": threshold_1d,
    "regression": regression,
    "spiral": spiral,
    "blobs": blobs,
    "sine": sine,
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
