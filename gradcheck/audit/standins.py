"""Stand-ins for libraries a student imports but the audit sandbox does not have.

``import matplotlib.pyplot as plt`` and ``plt.plot(...)`` become harmless no-ops;
``from sklearn.model_selection import train_test_split`` gets a stand-in with
scikit-learn's split for an integer ``random_state``. Installed only when the real
library is missing.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import types
from typing import Any

import numpy as np

from gradcheck.audit import mnistdata, nnfsdata, skprep, toydata


# --------------------------------------------------------------------------- fake matplotlib
class _NoOp:
    """Absorbs any attribute access or call; unpacks as two no-ops (fig, ax)."""

    def __getattr__(self, name: str) -> _NoOp:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> _NoOp:
        return self

    def __iter__(self):
        return iter((_NoOp(), _NoOp()))

    def __getitem__(self, key: Any) -> _NoOp:
        return self

    def __setitem__(self, key: Any, value: Any) -> None:  # matplotlib.rcParams["figure.figsize"] = (10, 8)
        return None

    def __enter__(self) -> _NoOp:
        return self

    def __exit__(self, *exc: Any) -> bool:
        return False


class _FakeModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _NoOp()


def install_fake_matplotlib() -> bool:
    """Make ``import matplotlib.pyplot`` harmless; returns True if a fake was installed."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        if importlib.util.find_spec("matplotlib") is not None:
            return False
    except (ImportError, ValueError):
        pass
    for name in (
        "matplotlib",
        "matplotlib.pyplot",
        "matplotlib.cm",
        "matplotlib.colors",
        "matplotlib.animation",
        "matplotlib.patches",
    ):
        mod = _FakeModule(name)
        mod.__path__ = []  # type: ignore[attr-defined]  # a package, so submodules import
        sys.modules.setdefault(name, mod)
    sys.modules["matplotlib"].pyplot = sys.modules["matplotlib.pyplot"]  # type: ignore[attr-defined]
    return True


# --------------------------------------------------------------------------- fake sklearn
def _n_samples(a: Any) -> int:
    shape = getattr(a, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    return len(a)


def _take(a: Any, idx) -> Any:
    if hasattr(a, "iloc"):  # pandas
        return a.iloc[idx]
    if hasattr(a, "shape") and hasattr(a, "__getitem__") and not isinstance(a, (list, tuple)):
        return a[idx]
    return [a[i] for i in idx]


def train_test_split(
    *arrays: Any,
    test_size: Any = None,
    train_size: Any = None,
    random_state: Any = None,
    shuffle: bool = True,
    stratify: Any = None,
) -> list:
    """Stand-in for ``sklearn.model_selection.train_test_split`` (used only when sklearn is missing).

    Same split as scikit-learn's for the same ``random_state``: ``n_test = ceil(test_size * n)``
    (0.25 by default), a permutation from ``RandomState(random_state)`` (the global numpy
    generator when None), test indices first. ``stratify`` is not supported.
    """
    import math

    if not arrays:
        raise ValueError("At least one array required as input")
    n = _n_samples(arrays[0])
    lengths = [_n_samples(a) for a in arrays]
    if len(set(lengths)) != 1:
        raise ValueError(f"Found input variables with inconsistent numbers of samples: {lengths}")
    if stratify is not None:
        raise ValueError(
            "stratify is not supported by the gradcheck stand-in for train_test_split "
            "(scikit-learn is not installed in the audit sandbox)"
        )
    if test_size is None and train_size is None:
        test_size = 0.25

    def count(size: Any) -> int | None:
        """Number of samples for a size given as a fraction (float) or a count (int)."""
        if size is None:
            return None
        if np.asarray(size).dtype.kind == "f":
            if not 0 < float(size) < 1:
                raise ValueError(f"test_size/train_size={size} should be in the (0, 1) range")
            return -1  # marker: a fraction, resolved below
        return int(size)

    n_test, n_train = count(test_size), count(train_size)
    if n_test == -1:
        n_test = math.ceil(float(test_size) * n)
    if n_train == -1:
        n_train = math.floor(float(train_size) * n)
    if n_test is None:
        n_test = n - n_train
    if n_train is None:
        n_train = n - n_test
    if n_train + n_test > n or n_train <= 0:
        raise ValueError(
            f"the resulting train set would be empty or too large (n={n}, "
            f"test_size={test_size}, train_size={train_size})"
        )
    if shuffle:
        if isinstance(random_state, np.random.RandomState):
            rng = random_state
        elif random_state is None:
            rng = np.random.mtrand._rand
        else:
            rng = np.random.RandomState(random_state)
        perm = rng.permutation(n)
        test, train = perm[:n_test], perm[n_test : n_test + n_train]
    else:
        train, test = np.arange(n_train), np.arange(n_train, n_train + n_test)
    out: list = []
    for a in arrays:
        out += [_take(a, train), _take(a, test)]
    return out


_SKLEARN_WORD = re.compile(r"\bsklearn\b")


def install_fake_sklearn(source: str | None = None) -> bool:
    """A stand-in ``sklearn.model_selection.train_test_split`` when scikit-learn is missing.

    Installed only if ``source`` (when given) mentions sklearn; returns True if installed.
    """
    if source is not None and not _SKLEARN_WORD.search(source):
        return False
    state = _state("sklearn")
    if state != "missing":
        return state == "stand-in"
    pkg = types.ModuleType("sklearn")
    pkg.__path__ = []  # type: ignore[attr-defined]
    pkg.__gradcheck_stand_in__ = True  # type: ignore[attr-defined]
    ms = types.ModuleType("sklearn.model_selection")
    ms.train_test_split = train_test_split  # type: ignore[attr-defined]
    pkg.model_selection = ms  # type: ignore[attr-defined]
    metrics = types.ModuleType("sklearn.metrics")  # scores printed while training: NaN, never a crash
    metrics.__getattr__ = _nan_metric  # type: ignore[attr-defined]
    pkg.metrics = metrics  # type: ignore[attr-defined]
    pkg.datasets = toydata.module()  # type: ignore[attr-defined]
    sys.modules["sklearn"] = pkg
    sys.modules["sklearn.model_selection"] = ms
    sys.modules["sklearn.metrics"] = metrics
    sys.modules["sklearn.datasets"] = pkg.datasets
    for old in ("samples_generator", "_samples_generator"):  # make_blobs's module before scikit-learn 0.24
        sys.modules[f"sklearn.datasets.{old}"] = pkg.datasets
    pkg.preprocessing = sys.modules["sklearn.preprocessing"] = skprep.module()  # type: ignore[attr-defined]
    return True


def _nan_metric(name: str):
    """Any ``sklearn.metrics`` function: returns NaN (training code only prints its scores)."""
    if name.startswith("__"):
        raise AttributeError(name)

    def metric(*args: Any, **kwargs: Any) -> float:
        return float("nan")

    metric.__name__ = name
    return metric


SKLEARN_NOTE = (
    "scikit-learn is not installed: a stand-in sklearn.model_selection.train_test_split "
    "was used (same split as scikit-learn's for an integer random_state), sklearn.metrics "
    "functions return NaN, sklearn.datasets make_blobs/make_moons/make_circles/make_classification "
    "and load_digits/load_iris/load_breast_cancer/load_wine make data of scikit-learn's shapes (not its "
    "values), sklearn.preprocessing scalers and encoders do the same arithmetic on numpy arrays; "
    "other sklearn imports fail"
)


def install_fake_nnfs(source: str) -> bool:
    """A stand-in ``nnfs`` (:mod:`gradcheck.audit.nnfsdata`) when ``source`` imports it and it is missing."""
    if not nnfsdata.wanted(source):
        return False
    state = _state("nnfs")
    if state != "missing":
        return state == "stand-in"
    sys.modules.update(nnfsdata.modules())
    return True


def install_fake_mnist(source: str) -> bool:
    """A stand-in Keras ``datasets`` (:mod:`gradcheck.audit.mnistdata`) when ``source`` loads MNIST through
    TensorFlow or Keras, uses nothing else of them, and neither is installed."""
    if not mnistdata.wanted(source):
        return False
    states = {_state("tensorflow"), _state("keras")}
    if "real" in states:
        return False
    if "stand-in" not in states:
        sys.modules.update(mnistdata.modules())
    return True


#: ``import cupy as cp`` / ``from cupy import ...`` at the start of a line.
_CUPY = re.compile(r"^[ \t]*(import[ \t]+cupy\b|from[ \t]+cupy\b)", re.M)  # [ \t], not \s: linear in blank lines
CUPY_NOTE = (
    "cupy (numpy's interface on a GPU) is not installed: numpy stood in for it, the same arithmetic on the CPU "
    "(cp.asnumpy and cp.get_array_module are identities there)"
)


class _NumpyAsCupy(types.ModuleType):
    """``cupy`` as numpy: every name numpy's, ``asnumpy`` an identity, ``cuda`` a no-op."""

    __gradcheck_stand_in__ = True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        if name == "asnumpy":
            return np.asarray
        if name == "get_array_module":
            return lambda *args, **kwargs: np
        if name == "cuda":
            return _NoOp()
        return getattr(np, name)


def install_fake_cupy(source: str) -> bool:
    """Install numpy as ``cupy`` when ``source`` imports cupy and it is missing."""
    if not _CUPY.search(source):
        return False
    state = _state("cupy")
    if state != "missing":
        return state == "stand-in"
    sys.modules["cupy"] = _NumpyAsCupy("cupy")
    return True


def _state(name: str) -> str:
    """``stand-in`` (ours is loaded), ``real`` (the package is loaded or importable) or ``missing``."""
    if name in sys.modules:
        return "stand-in" if getattr(sys.modules[name], "__gradcheck_stand_in__", False) else "real"
    try:
        return "real" if importlib.util.find_spec(name) is not None else "missing"
    except (ImportError, ValueError):
        return "missing"


def install_stand_ins(source: str) -> list[str]:
    """Every stand-in ``source`` needs (matplotlib, scikit-learn, nnfs, Keras's MNIST, cupy), installed; the notes
    saying so."""
    notes = []
    if install_fake_matplotlib() and "matplotlib" in source:
        notes.append("matplotlib is not installed: a no-op stand-in was used")
    if install_fake_sklearn(source):
        notes.append(SKLEARN_NOTE)
    if install_fake_nnfs(source):
        notes.append(nnfsdata.NOTE)
    if install_fake_mnist(source):
        notes.append(mnistdata.NOTE)
    if install_fake_cupy(source):
        notes.append(CUPY_NOTE)
    return notes
