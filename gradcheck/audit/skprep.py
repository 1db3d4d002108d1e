"""Stand-ins for ``sklearn.preprocessing`` when scikit-learn is missing from the sandbox.

Scripts scale their inputs and one-hot encode their labels before training
(``StandardScaler().fit_transform(X)``, ``OneHotEncoder(sparse_output=False)``,
``LabelBinarizer``). These do the same arithmetic on dense numpy arrays, enough for the
data a script prepares; the gradient check itself never depends on them.
"""

from __future__ import annotations

import types
from typing import Any

import numpy as np


class _Transformer:
    """``fit`` / ``transform`` / ``fit_transform`` over a numpy array."""

    def fit(self, X: Any, y: Any = None) -> _Transformer:
        self._fit(np.asarray(X))
        return self

    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        return self.fit(X).transform(X)

    def _fit(self, X: np.ndarray) -> None:
        raise NotImplementedError


class StandardScaler(_Transformer):
    """Zero mean, unit variance per column (a constant column keeps scale 1)."""

    def __init__(self, with_mean: bool = True, with_std: bool = True, **_: Any):
        self.with_mean, self.with_std = with_mean, with_std

    def _fit(self, X):
        X = X.astype(float)
        self.mean_ = X.mean(axis=0) if self.with_mean else np.zeros(X.shape[1:])
        s = X.std(axis=0) if self.with_std else np.ones(X.shape[1:])
        self.scale_ = np.where(s == 0, 1.0, s)

    def transform(self, X: Any) -> np.ndarray:
        """Scaled ``X``."""
        return (np.asarray(X, dtype=float) - self.mean_) / self.scale_

    def inverse_transform(self, X: Any) -> np.ndarray:
        """``X`` back in its own units."""
        return np.asarray(X, dtype=float) * self.scale_ + self.mean_


class MinMaxScaler(_Transformer):
    """Each column mapped onto ``feature_range`` (default 0..1)."""

    def __init__(self, feature_range: tuple = (0, 1), **_: Any):
        self.feature_range = feature_range

    def _fit(self, X):
        X = X.astype(float)
        self.min_, span = X.min(axis=0), np.ptp(X, axis=0)
        self.span_ = np.where(span == 0, 1.0, span)

    def transform(self, X: Any) -> np.ndarray:
        """Scaled ``X``."""
        lo, hi = self.feature_range
        return lo + (np.asarray(X, dtype=float) - self.min_) / self.span_ * (hi - lo)


class LabelEncoder(_Transformer):
    """Labels to 0..K-1 in sorted order."""

    def _fit(self, y):
        self.classes_ = np.unique(np.ravel(y))

    def transform(self, y: Any) -> np.ndarray:
        """Label indices."""
        return np.searchsorted(self.classes_, np.ravel(y))

    def inverse_transform(self, y: Any) -> np.ndarray:
        """Labels of the indices ``y``."""
        return self.classes_[np.asarray(y)]


class OneHotEncoder(LabelEncoder):
    """One column per distinct value of a single label column, as a dense array."""

    def __init__(self, **_: Any):
        pass

    def transform(self, y: Any) -> np.ndarray:
        """One-hot rows."""
        return np.eye(len(self.classes_))[super().transform(y)]


class LabelBinarizer(OneHotEncoder):
    """One-hot columns; a single 0/1 column for two classes, as scikit-learn's."""

    def transform(self, y: Any) -> np.ndarray:
        """One-hot rows (one column for two classes)."""
        onehot = super().transform(y)
        return onehot[:, 1:] if onehot.shape[1] == 2 else onehot


def normalize(X: Any, norm: str = "l2", axis: int = 1, **_: Any) -> np.ndarray:
    """Rows (or columns) scaled to unit norm."""
    X = np.asarray(X, dtype=float)
    order = {"l1": 1, "l2": 2, "max": np.inf}[norm]
    n = np.linalg.norm(X, ord=order, axis=axis, keepdims=True)
    return X / np.where(n == 0, 1.0, n)


def module() -> types.ModuleType:
    """A ``sklearn.preprocessing`` stand-in holding the classes above."""
    mod = types.ModuleType("sklearn.preprocessing")
    for obj in (StandardScaler, MinMaxScaler, LabelEncoder, OneHotEncoder, LabelBinarizer, normalize):
        setattr(mod, obj.__name__, obj)
    return mod
