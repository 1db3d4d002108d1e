"""Stand-ins for scikit-learn's bundled data sets (``load_digits``, ``load_iris``...) when it is missing.

A student's script often trains on ``load_digits()`` and sizes its weights from the data
(``W1 = randn(X_train.shape[1], hidden)``). The gradient check needs data of the right
shapes and label kinds, not scikit-learn's exact values: these return a ``Bunch`` with
``data`` ``(n_samples, n_features)``, integer ``target`` ``(n_samples,)`` and the other
fields scripts read (``images``, ``target_names``, ``feature_names``), shaped like
scikit-learn's, drawn from a fixed seed. ``return_X_y=True`` returns ``(data, target)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: name -> (samples, features, classes, value range of the features)
SHAPES: dict[str, tuple[int, int, int, float]] = {
    "load_digits": (1797, 64, 10, 16.0),
    "load_iris": (150, 4, 3, 8.0),
    "load_breast_cancer": (569, 30, 2, 30.0),
    "load_wine": (178, 13, 3, 15.0),
}


class Bunch(dict):
    """A dict whose keys are also attributes, like ``sklearn.utils.Bunch``."""

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


def _load(name: str, return_X_y: bool = False, n_class: int | None = None, **_: Any):
    n, d, k, top = SHAPES[name]
    k = int(n_class) if n_class else k
    rng = np.random.RandomState(sum(map(ord, name)))
    y = np.arange(n) % k
    X = np.clip(rng.uniform(0, top, size=(n, d)) + y[:, None] * top / (4 * k), 0, top)
    if name == "load_digits":
        X = np.round(X)
    if return_X_y:
        return X, y
    out = Bunch(
        data=X,
        target=y,
        target_names=np.arange(k) if name == "load_digits" else np.array([f"class_{i}" for i in range(k)]),
    )
    out["feature_names"] = [f"feature_{j}" for j in range(d)]
    out["DESCR"] = f"stand-in for sklearn.datasets.{name}: shapes only"
    if name == "load_digits":
        out["images"] = X.reshape(n, 8, 8)
    return out


def _loader(name: str):
    def load(return_X_y: bool = False, **kwargs: Any):
        return _load(name, return_X_y=return_X_y, **kwargs)

    load.__name__ = name
    load.__doc__ = (
        f"``sklearn.datasets.{name}`` stand-in: {SHAPES[name][0]} x {SHAPES[name][1]}, {SHAPES[name][2]} classes."
    )
    return load


LOADERS = {name: _loader(name) for name in SHAPES}
