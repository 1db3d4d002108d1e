"""A stand-in for the ``nnfs`` package (the helper of the book *Neural Networks from Scratch*) when it is missing.

Code written along the book starts with ``import nnfs``, ``nnfs.init()`` and makes its data with
``nnfs.datasets.spiral_data(samples=100, classes=3)``. The gradient check needs data of those
shapes and label kinds (float32 points, ``uint8`` class labels), not the package's exact draws.
``init`` here only seeds numpy's global generator: the real one also makes ``np.dot`` compute in
float32, and the check judges a gradient in the precision its weights are kept in.
"""

from __future__ import annotations

import types
from typing import Any

import numpy as np

#: numpy's global generator, which the real package draws from (a student's ``nnfs.init()`` seeds it).
_GLOBAL = np.random.mtrand._rand


def init(dot_precision_workaround: bool = True, default_dtype: str = "float32", random_seed: int = 0) -> None:
    """Seed numpy's global generator, as ``nnfs.init`` does."""
    _GLOBAL.seed(random_seed)


def spiral_data(samples: int, classes: int) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` interleaved spiral arms of ``samples`` 2-D points each; labels 0..classes-1."""
    X = np.zeros((samples * classes, 2), dtype=np.float32)
    y = np.zeros(samples * classes, dtype=np.uint8)
    for c in range(classes):
        rows = slice(samples * c, samples * (c + 1))
        radius = np.linspace(0.0, 1.0, samples)
        angle = np.linspace(c * 4.0, (c + 1) * 4.0, samples) + 0.2 * _GLOBAL.randn(samples)
        X[rows] = np.c_[radius * np.sin(2.5 * angle), radius * np.cos(2.5 * angle)]
        y[rows] = c
    return X, y


def vertical_data(samples: int, classes: int) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` vertical clusters of ``samples`` 2-D points each; labels 0..classes-1."""
    X = np.zeros((samples * classes, 2), dtype=np.float32)
    y = np.zeros(samples * classes, dtype=np.uint8)
    for c in range(classes):
        rows = slice(samples * c, samples * (c + 1))
        X[rows] = np.c_[0.1 * _GLOBAL.randn(samples) + c / 3, 0.1 * _GLOBAL.randn(samples) + 0.5]
        y[rows] = c
    return X, y


def sine_data(samples: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """One period of a sine: ``X`` in [0, 1) as a column, ``y = sin(2 pi X)``."""
    X = (np.arange(samples, dtype=np.float32) / samples).reshape(-1, 1)
    return X, np.sin(2 * np.pi * X).astype(np.float32)


def modules() -> dict[str, types.ModuleType]:
    """``nnfs`` and ``nnfs.datasets``, by module name."""
    pkg, ds = types.ModuleType("nnfs"), types.ModuleType("nnfs.datasets")
    pkg.__path__ = []  # type: ignore[attr-defined]  # a package, so ``nnfs.datasets`` imports
    pkg.__gradcheck_stand_in__ = True  # type: ignore[attr-defined]
    pkg.init = init  # type: ignore[attr-defined]
    for fn in (spiral_data, vertical_data, sine_data):
        setattr(ds, fn.__name__, fn)
    pkg.datasets = ds  # type: ignore[attr-defined]
    return {"nnfs": pkg, "nnfs.datasets": ds}


NOTE = (
    "nnfs is not installed: a stand-in was used (nnfs.init() seeds numpy only, without the real one's "
    "float32 np.dot; nnfs.datasets spiral_data, vertical_data and sine_data make data of its shapes, not its values)"
)


def wanted(source: Any) -> bool:
    """Whether ``source`` imports nnfs."""
    return isinstance(source, str) and ("import nnfs" in source or "from nnfs" in source)
