"""Stand-ins for scikit-learn's toy data sets (``make_blobs``, ``make_moons``...) when it is missing.

A student's script often makes its own data with ``sklearn.datasets``; the gradient
check needs data of the right shapes and label kinds, not scikit-learn's exact draws.
These return arrays shaped like scikit-learn's (``X`` ``(n_samples, n_features)``,
integer labels ``y`` ``(n_samples,)``), drawn from ``random_state``.
"""

from __future__ import annotations

import types
from typing import Any

import numpy as np

from gradcheck.audit import toyloaders


def _rng(random_state: Any) -> np.random.RandomState:
    if isinstance(random_state, np.random.RandomState):
        return random_state
    return np.random.RandomState(None if random_state is None else int(random_state))


def _labels(n: int, k: int) -> np.ndarray:
    return np.arange(n) % k


def make_blobs(n_samples=100, n_features=2, centers=None, cluster_std=1.0, random_state=None, **_: Any):
    """Gaussian blobs around ``centers`` (a count, default 3, or the centres themselves)."""
    rng = _rng(random_state)
    n = int(np.sum(n_samples))
    if centers is None or np.ndim(centers) == 0:
        c = rng.uniform(-10, 10, size=(3 if centers is None else int(centers), n_features))
    else:
        c = np.asarray(centers, dtype=float)
    y = _labels(n, len(c))
    return c[y] + rng.normal(scale=cluster_std, size=(n, c.shape[1])), y


def make_moons(n_samples=100, noise=None, random_state=None, **_: Any):
    """Two interleaving half circles."""
    rng = _rng(random_state)
    y = _labels(int(n_samples), 2)
    t = rng.uniform(0, np.pi, size=y.size)
    X = np.stack([np.cos(t) + y, np.sin(t) * (1 - 2 * y) - 0.5 * y], axis=1)
    return X + (rng.normal(scale=noise, size=X.shape) if noise else 0.0), y


def make_circles(n_samples=100, noise=None, factor=0.8, random_state=None, **_: Any):
    """A small circle inside a large one."""
    rng = _rng(random_state)
    y = _labels(int(n_samples), 2)
    t = rng.uniform(0, 2 * np.pi, size=y.size)
    r = np.where(y == 1, factor, 1.0)
    X = np.stack([r * np.cos(t), r * np.sin(t)], axis=1)
    return X + (rng.normal(scale=noise, size=X.shape) if noise else 0.0), y


def make_classification(n_samples=100, n_features=20, n_classes=2, random_state=None, **_: Any):
    """Classes shifted apart in Gaussian features."""
    rng = _rng(random_state)
    y = _labels(int(n_samples), int(n_classes))
    return rng.normal(size=(y.size, int(n_features))) + y[:, None], y


def module() -> types.ModuleType:
    """A ``sklearn.datasets`` stand-in: the generators above and the bundled sets' loaders."""
    ds = types.ModuleType("sklearn.datasets")
    for fn in (make_blobs, make_moons, make_circles, make_classification, *toyloaders.LOADERS.values()):
        setattr(ds, fn.__name__, fn)
    return ds
