"""A stand-in for Keras's bundled MNIST loaders when TensorFlow and Keras are missing.

Scripts load their data with ``from tensorflow.keras.datasets import mnist`` (or ``keras.datasets``,
or ``fashion_mnist``) and ``(x_train, y_train), (x_test, y_test) = mnist.load_data()``, then size
their weights from it and train at the top level. The gradient check needs data of those shapes
and kinds, not the real digits: ``load_data`` here returns Keras's shapes and dtypes (``uint8``
images ``(60000, 28, 28)`` and ``(10000, 28, 28)``, ``uint8`` labels), drawn from a fixed seed,
with every class present in every slice of ten samples.

Installed only when every TensorFlow or Keras import of the source is one of these data sets: a
script that builds its model with Keras needs the real library, and is told so.
"""

from __future__ import annotations

import ast
import types

import numpy as np

#: Keras's sample counts and image side for MNIST and Fashion-MNIST.
TRAIN, TEST, SIDE = 60000, 10000, 28
#: The data sets this stand-in makes, by module name under ``keras.datasets``.
SETS = ("mnist", "fashion_mnist")
_ROOTS = ("tensorflow", "keras")


def _split(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(seed)
    return rng.randint(0, 256, size=(n, SIDE, SIDE), dtype=np.uint8), (np.arange(n) % 10).astype(np.uint8)


def _loader(name: str):
    def load_data(path: str = f"{name}.npz"):
        """``keras.datasets.<name>.load_data`` stand-in: ((x_train, y_train), (x_test, y_test)), shapes only."""
        seed = sum(map(ord, name))
        return _split(TRAIN, seed), _split(TEST, seed + 1)

    return load_data


def _is_dataset_import(node: ast.AST) -> bool | None:
    """True for an import of one of :data:`SETS` from TensorFlow or Keras, False for any other import of them,
    None for an import of something else."""
    if isinstance(node, ast.ImportFrom) and node.module:
        parts = node.module.split(".")
        if parts[0] not in _ROOTS:
            return None
        if parts[-1] == "datasets":
            return all(a.name in SETS for a in node.names)
        return parts[-2:-1] == ["datasets"] and parts[-1] in SETS
    if isinstance(node, ast.Import):
        roots = [a.name for a in node.names if a.name.split(".")[0] in _ROOTS]
        if not roots:
            return None
        return all(r.split(".")[-2:-1] == ["datasets"] and r.split(".")[-1] in SETS for r in roots)
    return None


def wanted(source: str) -> bool:
    """Whether ``source`` imports a Keras data set this stand-in makes, and nothing else of TensorFlow or Keras."""
    if "mnist" not in source or ("keras" not in source and "tensorflow" not in source):
        return False
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    found = [v for n in ast.walk(tree) if (v := _is_dataset_import(n)) is not None]
    return bool(found) and all(found)


def modules() -> dict[str, types.ModuleType]:
    """``tensorflow.keras.datasets.mnist``, ``keras.datasets.fashion_mnist``... and their parents, by module name."""
    out: dict[str, types.ModuleType] = {}
    for root in _ROOTS:
        chain = [root, "keras", "datasets"] if root == "tensorflow" else [root, "datasets"]
        for i in range(len(chain)):
            name = ".".join(chain[: i + 1])
            mod = types.ModuleType(name)
            mod.__path__ = []  # type: ignore[attr-defined]  # a package, so its submodules import
            mod.__gradcheck_stand_in__ = True  # type: ignore[attr-defined]
            out[name] = mod
            if i:
                setattr(out[".".join(chain[:i])], chain[i], mod)
        datasets = out[".".join(chain)]
        for s in SETS:
            sub = types.ModuleType(f"{datasets.__name__}.{s}")
            sub.load_data = _loader(s)  # type: ignore[attr-defined]
            setattr(datasets, s, sub)
            out[sub.__name__] = sub
    return out


NOTE = (
    "TensorFlow/Keras is not installed: a stand-in keras.datasets (mnist, fashion_mnist) was used, whose "
    "load_data() makes random images and labels of Keras's shapes and dtypes (not the real digits)"
)
