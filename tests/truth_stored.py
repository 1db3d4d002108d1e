"""Truth cases for the examples whose weights or data live where the code keeps them between calls: module globals
of one file of a project folder (``net.py``'s, which ``run_training.py`` imports), a batch a training method
stores on the object (``fit(X, y)`` setting ``self.inputs``), and layers whose bias no name rule takes
(``self.shift``) in a classifier sized by its number of classes. Each file's claimed gradient and a loss written here,
independently of the project's gradient code, for central differences in tests/test_examples_truth.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"
RNG = np.random.default_rng(41)


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # (the files train only under __main__, or in another module)
    return module


def _bce(p, y):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def globals_trainer(folder: str):
    """net.py's module-global weights at random values: gradients(...) of its forward's values; mean BCE of a
    tanh hidden layer and a sigmoid output."""
    m = _load(FOLDER / folder / "net.py", f"truth_{folder}")
    names = ["weights_hidden", "bias_hidden", "weights_out", "bias_out"]
    for k in names:
        setattr(m, k, RNG.normal(0, 0.6, getattr(m, k).shape))
    ps = [getattr(m, k) for k in names]
    Xs, y = RNG.normal(size=(9, 5)), (RNG.random((9, 1)) > 0.5).astype(float)
    claimed = list(m.gradients(Xs, y, *m.predict_proba(Xs)))

    def loss():
        h = np.tanh(Xs @ ps[0] + ps[1])
        return _bce(1 / (1 + np.exp(-(h @ ps[2] + ps[3]))), y)

    return ps, claimed, loss, names


def stored_batch(file: str):
    """BinaryNet with the batch stored as fit stores it: one backward_propagation step, the claimed gradient
    (before - after) / rate; mean BCE of a ReLU hidden layer and a sigmoid output."""
    net = _load(FOLDER / file, f"truth_{file[:-3]}").BinaryNet()
    net.inputs, net.labels = RNG.normal(size=(9, 4)), (RNG.random((9, 1)) > 0.5).astype(float)
    net.setup()
    keys = ["W1", "b1", "W2", "b2"]
    ps = [net.weights[k].copy() for k in keys]
    prob, _ = net.forward_propagation()
    net.backward_propagation(prob)
    claimed = [(p - net.weights[k]) / net.rate for p, k in zip(ps, keys)]

    def loss():
        h = np.maximum(net.inputs @ ps[0] + ps[1], 0)
        return _bce(1 / (1 + np.exp(-(h @ ps[2] + ps[3]))), net.labels)

    return ps, claimed, loss, [f"weights['{k}']" for k in keys]


def classes_ctor(file: str):
    """Classifier(n_features, n_classes) at 4 classes: one backprop step, the claimed gradient (before - after) / lr;
    mean over every entry of the squared error of two sigmoid layers."""
    net = _load(FOLDER / file, f"truth_{file[:-3]}").Classifier(3, 4)
    Xs, Y = RNG.normal(size=(9, 3)), RNG.random((9, 4))
    layers = [net.inner, net.outer]
    ps = [a.copy() for lay in layers for a in (lay.kernel, lay.shift)]
    net.forward(Xs)
    net.backprop(Xs, Y, 0.5)
    claimed = [(p - a) / 0.5 for p, a in zip(ps, [a for lay in layers for a in (lay.kernel, lay.shift)])]

    def loss():
        h = 1 / (1 + np.exp(-(Xs @ ps[0] + ps[1])))
        return np.mean((1 / (1 + np.exp(-(h @ ps[2] + ps[3]))) - Y) ** 2)

    return ps, claimed, loss, ["inner.kernel", "inner.shift", "outer.kernel", "outer.shift"]


STORED_CASES = {
    "classes_ctor_mse_outputs_correct.py": lambda: classes_ctor("classes_ctor_mse_outputs_correct.py"),
    "classes_ctor_mse_outputs_bug.py": lambda: classes_ctor("classes_ctor_mse_outputs_bug.py"),
    "globals_module_trainer_correct": lambda: globals_trainer("globals_module_trainer_correct"),
    "globals_module_trainer_preact_bug": lambda: globals_trainer("globals_module_trainer_preact_bug"),
    "stored_batch_fit_correct.py": lambda: stored_batch("stored_batch_fit_correct.py"),
    "stored_batch_fit_no_mean_bug.py": lambda: stored_batch("stored_batch_fit_no_mean_bug.py"),
}
