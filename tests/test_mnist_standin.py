"""Keras's MNIST loaders stood in for when TensorFlow and Keras are missing; a script trained in a function
that declares its weights global; integer labels beside an output kept as columns."""

from __future__ import annotations

import ast

import numpy as np
import pytest

from gradcheck.audit import mainbody, mnistdata, scriptdata
from gradcheck.audit.adapters.scalar import scalar
from gradcheck.audit.worker import _turned_inside


@pytest.mark.parametrize(
    "source",
    [
        "from tensorflow.keras.datasets import mnist\n",
        "from keras.datasets import fashion_mnist\n",
        "from keras.datasets.mnist import load_data\n",
        "import tensorflow.keras.datasets.mnist\n",
    ],
)
def test_a_data_set_import_alone_wants_the_stand_in(source):
    assert mnistdata.wanted(source)


@pytest.mark.parametrize(
    "source",
    [
        "from tensorflow.keras.datasets import mnist\nfrom tensorflow.keras import layers\n",  # a Keras model
        "import tensorflow as tf\nfrom keras.datasets import mnist\n",
        "from keras.datasets import cifar10\n",  # not a set this stand-in makes
        "import mnist\n",  # the other package of that name
    ],
)
def test_any_other_use_of_keras_is_left_to_fail(source):
    assert not mnistdata.wanted(source)


def test_load_data_has_keras_shapes_and_every_class():
    mods = mnistdata.modules()
    (x, y), (xt, yt) = mods["tensorflow.keras.datasets.mnist"].load_data()
    assert x.shape == (60000, 28, 28) and x.dtype == np.uint8 and y.shape == (60000,) and y.dtype == np.uint8
    assert xt.shape == (10000, 28, 28) and set(yt[:10]) == set(range(10))
    assert mods["keras.datasets"].fashion_mnist.load_data()[0][0].shape == (60000, 28, 28)


TRAINED = """
import numpy as np
w = np.zeros((2, 3))
def train(epochs, lr):
    global w
    for _ in range(epochs):
        g = np.ones((2, 3))
        w = w - lr * g
train(5, 0.1)
"""


def test_a_global_declaration_does_not_stop_the_body_running_as_the_script():
    stmts = ast.parse(TRAINED).body
    out = mainbody.inline_entry(stmts, lambda body: any(isinstance(s, ast.For) for s in body))
    assert out is not None and out[1] == "train"
    spliced = ast.Module(body=out[0], type_ignores=[])
    assert not any(isinstance(s, ast.Global) for s in out[0])  # the function's own stays in its definition
    ns: dict = {}
    exec(compile(ast.fix_missing_locations(spliced), "<t>", "exec"), ns)
    assert np.allclose(ns["w"], -0.5)  # five steps of the module's own weights


def test_labels_index_an_output_kept_as_columns():
    out_cols, out_rows = np.zeros((10, 4)), np.zeros((4, 10))
    labels = np.array([3, 0, 9, 1])
    assert scriptdata._label_classes(labels, out_rows) == 1
    assert scriptdata._label_classes(labels, out_cols) == 0
    assert scriptdata._label_classes(np.array([3, 0, 12, 1]), out_cols) is None
    assert scriptdata._label_classes(np.array([0.5, 1, 2, 3]), out_rows) is None


def test_rows_in_and_columns_out_are_told():
    X, fwd = np.zeros((32, 784)), np.zeros((10, 32))
    assert _turned_inside(X, np.zeros((10, 32)), fwd)
    assert not _turned_inside(X, np.zeros((32, 10)), np.zeros((32, 10)))  # rows throughout


def test_a_loss_returned_beside_its_gradient_is_read_either_way():
    gap = np.ones((3, 2))
    assert scalar((gap, 1.5)) == 1.5
    assert scalar((np.float64(2.0), gap)) == 2.0
    assert scalar((gap, gap)) is None


CALLED = """
import numpy as np
w = np.zeros((2, 3))
def grads(x):
    return np.ones((2, 3))
def train(epochs, lr):
    global w
    for _ in range(epochs):
        g = grads(1.0)
        w = w - lr * g
train(5, 0.1)
"""


def test_globals_updated_with_what_a_function_returns_stay_a_call():
    """That function is the backward, audited as such: the body is not run as the script."""
    stmts = ast.parse(CALLED).body
    assert mainbody.inline_entry(stmts, lambda body: any(isinstance(s, ast.For) for s in body)) is None


ACTIVATED = """
import numpy as np
syn0 = np.zeros((3, 1))
X = np.ones((4, 3))
def nonlin(x):
    return 1 / (1 + np.exp(-x))
def train(epochs):
    global syn0
    for _ in range(epochs):
        l1 = nonlin(X @ syn0)
        syn0 += X.T @ (l1 * (1 - l1))
train(3)
"""


def test_an_update_reading_an_activations_result_computes_its_gradient_inline():
    """``l1 = nonlin(...)`` is no gradient function: the body still runs as the script."""
    stmts = ast.parse(ACTIVATED).body
    out = mainbody.inline_entry(stmts, lambda body: any(isinstance(s, ast.For) for s in body))
    assert out is not None and out[1] == "train"
