"""Layouts course repositories hand in: notebooks and files whose names no import can use, a course's
test scaffolding beside the student's work, a folder that is itself a package, several scripts each
training with its own loss, and a bias gradient summed down to one number."""

from __future__ import annotations

import ast
import importlib.util
import json
import textwrap
from pathlib import Path

import numpy as np
import pytest

from gradcheck.audit import projectnames, projects
from gradcheck.audit.adapters import loss
from gradcheck.audit.adapters.params import Tensor
from gradcheck.audit.adapters.readers.returned import grads_from_return
from gradcheck.audit.batch import audit_batch
from gradcheck.audit.loader import AuditError
from gradcheck.audit.sandbox import Limits
from gradcheck.audit.spec import AuditSpec


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def notebook(*cells: str) -> str:
    return json.dumps(
        {
            "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": c} for c in cells],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


@pytest.mark.parametrize(
    "stem, scaffold",
    [
        ("testCases_v3", True),
        ("testCases", True),
        ("test_cases", True),
        ("public_tests", True),
        ("test_utils", True),
        ("grader_tests", True),
        ("network", False),
        ("contest", False),
        ("test_net", False),  # left to the test_ prefix rule of project_files
        ("testing_ground", False),
    ],
)
def test_scaffolding_stems(stem, scaffold):
    assert projectnames.is_scaffolding(stem) is scaffold


def test_safe_module_names():
    assert projectnames.safe_module_name("Week 4 - Step by Step v8") == "Week_4___Step_by_Step_v8"
    assert projectnames.safe_module_name("4-backward_propagation") == "_4_backward_propagation"


def test_a_spaced_notebook_and_numbered_files_load_and_the_scaffolding_stays_out(tmp_path, clean_imports):
    root = tmp_path / "week4"
    write(root / "nn_helpers.py", "def act(x):\n    return 2 * x\n")
    write(root / "testCases_v2.py", "def backward_test_case():\n    W1 = 1.0\n    return W1\n")
    write(root / "4-backward.py", "def helper_four():\n    return 4\n")
    head = "from nn_helpers import act\nfrom testCases_v2 import *\n"
    nb = notebook(head, "def L_model_backward(x):\n    return act(x)\n")
    write(root / "Week 4 - Step by Step.ipynb", nb)
    loaded = projects.load_folder(root)
    ns = loaded.module.__dict__
    assert ns["L_model_backward"](3) == 6, loaded.notes  # the notebook, under a made-up name, imports its helper
    assert "backward_test_case" not in ns  # star-imported scaffolding is never a candidate entry
    assert ns["helper_four"]() == 4
    assert __import__("4-backward").helper_four() == 4  # the only way to import such a file still works
    assert "Week 4 - Step by Step.ipynb: not an importable module name; loaded as Week_4___Step_by_Step" in loaded.notes
    assert not any(n.startswith("a project folder") and "testCases_v2" in n for n in loaded.notes)


def test_a_package_folder_resolves_its_relative_imports(tmp_path, clean_imports):
    pkg = tmp_path / "neural_net"
    write(pkg / "__init__.py", "from .layers import Dense\nfrom .network import Network\n")
    write(pkg / "layers.py", "class Dense:\n    size = 3\n")
    body = "class Network:\n    def first(self):\n        return layers.Dense()\n"
    write(pkg / "network.py", "from . import layers\n\n" + body)
    loaded = projects.load_folder(pkg)
    ns = loaded.module.__dict__
    assert ns["Network"]().first().size == 3, loaded.notes
    assert any("the folder is a package" in n for n in loaded.notes)
    assert not any("attempted relative import" in n for n in loaded.notes)


def test_a_bias_gradient_kept_as_one_number_is_read_on_every_entry():
    params = [Tensor("W1", (), (2, 3)), Tensor("b1", (), (2, 1)), Tensor("W2", (), (1, 2)), Tensor("b2", (), (1, 1))]
    ret = {
        "dA1": np.ones((2, 4)),
        "dW1": np.full((2, 3), 0.1),
        "db1": np.float64(0.7),
        "dW2": np.full((1, 2), 0.2),
        "db2": np.float64(-0.3),
    }
    grads, shape, notes = grads_from_return(ret, params)
    got = {params[g.param].name: g.data for g in grads}
    assert shape == "grads-dict" and sorted(got) == ["W1", "W2", "b1", "b2"]
    assert np.array_equal(got["b1"], np.full((2, 1), 0.7)) and np.array_equal(got["b2"], np.full((1, 1), -0.3))
    assert notes == [
        "ret['db1'] is one number, not an array of b1's shape (2, 1): it is taken on every entry of b1, "
        "as the update b1 - lr * db1 applies it"
    ]


def test_several_scripts_each_with_a_loss_pick_the_one_the_network_script_reads(tmp_path, clean_imports):
    root = tmp_path / "proj"
    write(
        root / "losses.py",
        """\
        import numpy as np
        def mse_prime(y_true, y_pred):
            return 2 * (y_pred - y_true) / np.size(y_true)
        def bce_prime(y_true, y_pred):
            return ((1 - y_true) / (1 - y_pred) - y_true / y_pred) / np.size(y_true)
        """,
    )
    write(root / "xor.py", "from losses import mse_prime\ngrad = mse_prime(1.0, 0.5)\n")
    write(root / "digits.py", "from losses import bce_prime\ntrain(bce_prime)\n")
    loaded = projects.load_folder(root)
    ns = loaded.module.__dict__
    with pytest.raises(AuditError, match="several losses bce_prime and mse_prime"):
        loss.find_loss(ns, loaded, {})
    name, grad = loss.find_loss(ns, loaded, {}, reads=frozenset({"mse_prime", "grad"}))
    assert name == "mse_prime"


LAYERS = """\
import numpy as np

class Dense:
    def __init__(self, n_in, n_out):
        self.weights = np.random.randn(n_out, n_in)
        self.bias = np.random.randn(n_out, 1)

    def forward(self, x):
        self.x = x
        return self.weights @ x + self.bias

    def backward(self, grad, learning_rate):
        w_grad = grad @ self.x.T
        x_grad = self.weights.T @ grad
        self.weights -= learning_rate * w_grad
        self.bias -= learning_rate * grad
        return x_grad

class Tanh:
    def forward(self, x):
        self.x = x
        return np.tanh(x)

    def backward(self, grad, learning_rate):
        return grad * (1 - np.tanh(self.x) ** 2)

def mse(y_true, y_pred):
    return np.mean((y_true - y_pred) ** 2)

def mse_prime(y_true, y_pred):
    return 2 * (y_pred - y_true) / np.size(y_true)

def bce(y_true, y_pred):
    return -np.mean(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))

def bce_prime(y_true, y_pred):
    return ((1 - y_true) / (1 - y_pred) - y_true / y_pred) / np.size(y_true)
"""


def test_a_project_of_two_scripts_with_two_losses_is_audited_with_the_networks_own(tmp_path):
    """The XOR script trains its layer list with mse_prime; another script (a dataset the sandbox lacks) with bce."""
    root = tmp_path / "proj"
    write(root / "layers.py", LAYERS)
    write(
        root / "xor.py",
        """\
        import numpy as np
        from layers import Dense, Tanh, mse, mse_prime
        X = np.reshape([[0, 0], [0, 1], [1, 0], [1, 1]], (4, 2, 1))
        Y = np.reshape([[0], [1], [1], [0]], (4, 1, 1))
        network = [Dense(2, 3), Tanh(), Dense(3, 1), Tanh()]
        for x, y in zip(X, Y):
            out = x
            for layer in network:
                out = layer.forward(out)
            grad = mse_prime(y, out)
            for layer in reversed(network):
                grad = layer.backward(grad, 0.1)
        """,
    )
    write(
        root / "digits.py",
        """\
        from keras_not_installed import load
        from layers import bce, bce_prime
        def train(network, loss, loss_prime, xs, ys):
            for x, y in zip(xs, ys):
                grad = loss_prime(y, x)
        train([], bce, bce_prime, *load())
        """,
    )
    report = audit_batch([root], AuditSpec(), folder=tmp_path / "out", limits=Limits(wall_seconds=60))
    (s,) = report.submissions
    assert s.status == "pass", (s.error, s.notes)
    assert any("from the student's mse_prime" in n for n in s.notes), s.notes


def test_python2_code_says_so():
    from gradcheck.audit.loader import parse_python

    with pytest.raises(AuditError, match="Python 2 code: the audit runs Python 3") as info:
        parse_python("import numpy as np\nprint 'loss %f' % 1.0\n", Path("old.py"))
    assert info.value.type == "SyntaxError"
    with pytest.raises(AuditError) as other:
        parse_python("def f(:\n", Path("bad.py"))
    assert "Python 2" not in other.value.message


def test_framework_imports_are_named():
    from gradcheck.audit import frameworks

    notes = [
        "model: model.py line 1: statement raised ModuleNotFoundError: No module named 'torch' while loading; skipped",
        "model: model.py line 2: statement raised ModuleNotFoundError: No module named 'torch.nn' while loading",
        "data: data.py line 1: statement raised ModuleNotFoundError: No module named 'pandas' while loading; skipped",
    ]
    assert frameworks.frameworks_missing(notes) == ["PyTorch"]
    assert frameworks.frameworks_missing(notes[2:]) == []


@pytest.mark.skipif(
    importlib.util.find_spec("torch") is not None, reason="the message for a sandbox without PyTorch: torch is here"
)
def test_torch_only_code_and_a_library_without_its_layers_get_errors_naming_why(tmp_path):
    torch_only = write(
        tmp_path / "torchnet" / "model.py",
        "import torch\nimport torch.nn as nn\n\nclass Net(nn.Module):\n    def forward(self, x):\n        return x\n",
    )
    lib = tmp_path / "lib" / "nets"
    write(lib / "__init__.py", "from .network import Network\n")
    write(lib / "layer.py", LAYERS)
    write(
        lib / "network.py",
        """\
        from . import layer

        class Network:
            def __init__(self, layers):
                self.layers = layers

            def train(self, x, y, lr):
                out = x
                for l in self.layers:
                    out = l.forward(out)
                grad = layer.mse_prime(y, out)
                for l in reversed(self.layers):
                    grad = l.backward(grad, lr)
        """,
    )
    report = audit_batch([torch_only, lib], AuditSpec(), folder=tmp_path / "out", limits=Limits(wall_seconds=60))
    errors = {Path(s.path).name: s.error for s in report.submissions}
    assert "built on PyTorch" in errors["model.py"], errors
    assert "is given its layers by code outside the class" in errors["nets"], errors


def _module(src: str):
    import ast as _ast

    tree = _ast.parse(textwrap.dedent(src))
    ns: dict = {}
    exec(compile(tree, "m.py", "exec"), ns)
    return tree.body, ns


def test_a_hard_coded_batch_size_read_by_the_functions_sizes_the_batch():
    from gradcheck.audit.adapters.batchconst import batch_constant

    body, ns = _module(
        """\
        import numpy as np
        def one_hot(y):
            out = np.zeros((BATCH_SIZE, 10))
            out[np.arange(BATCH_SIZE), y] = 1
            return out
        BATCH_SIZE = 32
        """
    )
    assert batch_constant(body, ns) == ("BATCH_SIZE", 32)
    unread, ns2 = _module("BATCH_SIZE = 32\ndef f(x):\n    return x\n")
    assert batch_constant(unread, ns2) is None  # only a constant the functions read fixes the batch
    huge, ns3 = _module("batch_size = 60000\ndef f(x):\n    return x[:batch_size]\n")
    assert batch_constant(huge, ns3) is None
    other, ns4 = _module("EPOCHS = 32\ndef f(x):\n    return x * EPOCHS\n")
    assert batch_constant(other, ns4) is None


def test_the_invented_batch_takes_the_hard_coded_size_unless_the_spec_gives_one():
    from types import ModuleType, SimpleNamespace

    from gradcheck.audit.adapters.batchconst import invented_n

    body, ns = _module("BATCH_SIZE = 8\ndef one_hot(y):\n    return y[:BATCH_SIZE]\n")
    module = ModuleType("m")
    module.__dict__.update(ns)
    loaded = SimpleNamespace(stmts=body, module=module)
    notes: list[str] = []
    assert invented_n(loaded, None, 16, notes) == 8
    assert notes == ["the code's functions read its module constant BATCH_SIZE = 8: the batch made has that many"]
    assert invented_n(loaded, {"n": 5}, 5, []) == 5
    one, ns1 = _module("BATCH_SIZE = 1\ndef one_hot(y):\n    return y[:BATCH_SIZE]\n")
    module.__dict__.update(ns1)
    said: list[str] = []
    assert invented_n(SimpleNamespace(stmts=one, module=module), None, 16, said) == 16  # one sample hides a 1/N
    assert "a mean over the batch and a sum are the same" in said[0]
    assert invented_n(SimpleNamespace(stmts=one, module=module), {"n": 1}, 1, []) == 1  # the instructor's choice


def test_an_error_of_code_computing_on_torch_tensors_names_the_framework_first():
    from gradcheck.audit import frameworks

    torch_note = ["line 3: statement raised ModuleNotFoundError: No module named 'torch' while loading; skipped"]
    keras_note = ["line 2: statement raised ModuleNotFoundError: No module named 'keras' while loading; skipped"]
    met = "AttributeError: 'numpy.ndarray' object has no attribute 'mm' (in backward (line 9))"
    said = frameworks.explain(met, torch_note)
    assert said.startswith("the code imports PyTorch") and said.endswith(f"(the error met without it: {met})")
    assert frameworks.explain(said, torch_note) == said  # never said twice
    assert frameworks.explain(met, keras_note) == met  # keras.datasets in numpy code: the error is elsewhere
    assert frameworks.explain(met, []) == met


def test_hand_written_backprop_on_torch_tensors_is_refused_as_torch_code(tmp_path):
    """An EECS-598-style file: numpy-looking backprop whose arrays are torch tensors (x.mm(w), .t())."""
    src = write(
        tmp_path / "fc_torch.py",
        """\
        import torch

        def init(n_in, n_hid, n_out):
            return {"W1": torch.randn(n_in, n_hid) * 0.1, "b1": torch.zeros(n_hid),
                    "W2": torch.randn(n_hid, n_out) * 0.1, "b2": torch.zeros(n_out)}

        def forward_backward(params, X, y):
            h = (X.mm(params["W1"]) + params["b1"]).clamp(min=0)
            scores = h.mm(params["W2"]) + params["b2"]
            d = scores - y
            grads = {"W2": h.t().mm(d), "b2": d.sum(dim=0)}
            dh = d.mm(params["W2"].t()) * (h > 0)
            grads["W1"] = X.t().mm(dh)
            grads["b1"] = dh.sum(dim=0)
            return grads
        """,
    )
    report = audit_batch([src], AuditSpec(), folder=tmp_path / "out", limits=Limits(wall_seconds=60))
    (s,) = report.submissions
    assert s.status == "error"
    assert s.error.startswith("the code imports PyTorch, which the audit's sandbox does not provide"), s.error


def test_a_script_loss_reading_its_targets_transposed_is_bound_to_the_batch_as_written():
    import ast as _ast

    from gradcheck.audit.adapters import inline

    expr = _ast.parse("np.mean((outputs - arr2.T) ** 2)", mode="eval").body
    assert inline.read_transposed(expr) == {"arr2"}
    both = _ast.parse("np.mean((out.T - y) ** 2) + 0 * np.sum(out)", mode="eval").body
    assert inline.read_transposed(both) == set()  # `out` is read both ways: left as it is
    plain = _ast.parse("np.mean((a - y) ** 2)", mode="eval").body
    assert inline.read_transposed(plain) == set()


def test_a_network_file_with_data_loading_scripts_beside_it_is_one_students_folder(tmp_path):
    from gradcheck.audit import helperfiles
    from gradcheck.audit.submissions import discover

    net = "import numpy as np\n\nclass Net:\n    def backprop(self, x, y):\n        return x\n"
    loader = "import numpy as np\n\ndef load_training_image(i):\n    return np.zeros(3)\n\nim = load_training_image(0)"
    student = tmp_path / "class" / "prototype-04"
    write(student / "network.py", net)
    write(student / "load_images.py", loader)
    write(student / "loadLabels.py", "def convert_four(arr):\n    print 'py2'\n")  # a loader that does not parse
    two = tmp_path / "class" / "pair"
    write(two / "alice.py", net)
    write(two / "bob.py", net)
    write(two / "load_data.py", loader)  # the instructor's loader beside two students' files
    named = tmp_path / "class" / "named"
    write(named / "network.py", net)
    write(named / "data_utils.py", "def train_step(x):\n    return x\n")  # a helper's name, a network's code
    found = {p.relative_to(tmp_path / "class").as_posix() for p in discover([tmp_path / "class"])}
    assert found == {
        "prototype-04",
        "pair/alice.py",
        "pair/bob.py",
        "pair/load_data.py",
        "named/network.py",
        "named/data_utils.py",
    }
    assert not helperfiles.defines_network(loader) and helperfiles.defines_network(net)
    assert helperfiles.defines_network("def update_weights(self):\n    pass\n")


def test_methods_written_outside_their_class_are_named_as_such(tmp_path):
    src = write(
        tmp_path / "dedented.py",
        """\
        import numpy as np

        class Network(object):
            \"\"\"Sizes in a list.\"\"\"

        def __init__(self, sizes):
            self.weights = [np.random.randn(n, m) for m, n in zip(sizes[:-1], sizes[1:])]

        def feedforward(self, a):
            for w in self.weights:
                a = 1 / (1 + np.exp(-(w @ a)))
            return a

        def backprop(self, x, y):
            return [np.zeros_like(w) for w in self.weights]
        """,
    )
    report = audit_batch([src], AuditSpec(), folder=tmp_path / "out", limits=Limits(wall_seconds=60))
    (s,) = report.submissions
    assert s.status == "error"
    assert "__init__(self, ...), feedforward(self, ...), backprop(self, ...) take self" in s.error, s.error
    assert "outside class Network" in s.error and "no spec setting repairs" in s.error, s.error


def test_weights_passed_one_number_per_argument_are_named_as_unsupported(tmp_path):
    src = write(
        tmp_path / "scalar_args.py",
        """\
        import math

        def act(z):
            return 1 / (1 + math.exp(-z))

        def forward(x1, x2, w1_1, w1_2, w1_3, w1_4, w2_1, w2_2, b1_1, b1_2, b2_1, y):
            h1 = act(w1_1 * x1 + w1_2 * x2 + b1_1)
            h2 = act(w1_3 * x1 + w1_4 * x2 + b1_2)
            out = act(w2_1 * h1 + w2_2 * h2 + b2_1)
            return out, h1, h2, 0.5 * (y - out) ** 2

        def backward(rate, x1, x2, w2_1, w2_2, b2_1, out, h1, h2, y):
            d = (out - y) * out * (1 - out)
            return w2_1 - rate * d * h1, w2_2 - rate * d * h2, b2_1 - rate * d

        def train():
            w1_1, w1_2, w1_3, w1_4, w2_1, w2_2, b1_1, b1_2, b2_1 = 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.1, 0.1, 0.1
            for _ in range(100):
                out, h1, h2, loss = forward(0.5, 0.2, w1_1, w1_2, w1_3, w1_4, w2_1, w2_2, b1_1, b1_2, b2_1, 0.7)
                w2_1, w2_2, b2_1 = backward(0.1, 0.5, 0.2, w2_1, w2_2, b2_1, out, h1, h2, 0.7)
        """,
    )
    report = audit_batch([src], AuditSpec(), folder=tmp_path / "out", limits=Limits(wall_seconds=60))
    (s,) = report.submissions
    assert s.status == "error"
    assert "forward take each weight as its own number argument" in s.error, s.error
    assert "w1_1, w1_2, w1_3, w1_4, ... (9 in all)" in s.error and "not supported" in s.error, s.error


def test_files_calling_each_others_functions_unimported_are_one_notebooks_cells(tmp_path):
    from gradcheck.audit.submissions import discover

    cells = tmp_path / "class" / "cells"
    write(cells / "init_params.py", "import numpy as np\n\ndef init_params(n):\n    return {'W1': np.ones((n, n))}\n")
    write(cells / "forward.py", "def forward(X, p):\n    return act(p['W1'] @ X)\n")
    write(cells / "act.py", "def act(z):\n    return np.tanh(z)\n")
    write(cells / "model.py", "def model(X):\n    p = init_params(X.shape[0])\n    return forward(X, p)\n")
    pair = tmp_path / "class" / "pair"  # two students' files: each defines its own helpers, one calls a sibling's
    write(pair / "alice.py", "def act(z):\n    return z\n\ndef forward(X):\n    return act(X)\n")
    write(pair / "bob.py", "def act(z):\n    return z\n\ndef model(X):\n    return forward(X)\n")
    found = {p.relative_to(tmp_path / "class").as_posix() for p in discover([tmp_path / "class"])}
    assert found == {"cells", "pair/alice.py", "pair/bob.py"}


def test_functions_reading_np_with_numpy_never_imported_are_a_defect_of_the_file(tmp_path):
    from gradcheck.audit.adapters import unimported

    body = "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n\ndef model_backforward(A, Y, caches):\n    return {}\n"
    src = write(tmp_path / "cells.py", "data_dims = [X_train.shape[0], 4, 1]\n\n" + body)
    report = audit_batch([src], AuditSpec(), folder=tmp_path / "out", limits=Limits(wall_seconds=60))
    (s,) = report.submissions
    assert s.status == "error"
    assert "np is read but numpy is never imported" in s.error, s.error
    assert "no spec setting repairs" in s.error and "set [entry]" not in s.error, s.error
    tree = ast.parse("import numpy as np\n" + body)
    assert unimported.numpy_unimported(tree.body) == []
    assert unimported.numpy_unimported(ast.parse("def f(np):\n    return np.sum(1)\n").body) == []


def test_a_backward_left_unwritten_is_said_to_be_unwritten(tmp_path):
    src = write(
        tmp_path / "stub.py",
        """\
        import numpy as np

        class Network:
            def __init__(self, sizes):
                self.weights = [np.random.randn(n, m) for m, n in zip(sizes[:-1], sizes[1:])]

            def feedforward(self, a):
                for w in self.weights:
                    a = np.tanh(w @ a)
                return a

            def backprop(self, x, y):
                \"\"\"Return the gradient of the cost: to do.\"\"\"
                pass
        """,
    )
    report = audit_batch([src], AuditSpec(), folder=tmp_path / "out", limits=Limits(wall_seconds=60))
    (s,) = report.submissions
    assert s.status == "error"
    assert "Network.backprop is not written: its body is only pass" in s.error, s.error


def test_keys_computed_from_a_layer_index_name_a_two_layer_stack():
    from gradcheck.audit.adapters import synth

    src = textwrap.dedent(
        """\
        def forward(X, parameters):
            for l in range(1, len(parameters) // 2 + 1):
                X = parameters[f"W{l}"] @ X + parameters["b" + str(l)]
            return X
        """
    )
    assert sorted(synth.keys_read(src, "parameters")) == ["W1", "W2", "b1", "b2"]
    assert sorted(synth.keys_read(src.replace('f"W{l}"', 'f"layer{l}"'), "parameters")) == ["b1", "b2"]
    assert synth.layered_names(synth.keys_read(src, "parameters")) == ["W1", "b1", "W2", "b2"]


def test_a_penalty_is_never_read_off_two_values_of_the_same_loss_function():
    """A loss function's value on two bindings (probabilities, logits) that happens to differ by some
    positive amount is no data loss plus penalty: the penalty must come from code of its own."""
    from gradcheck.audit.lossfit import LossChoice, _with_penalty
    from reference_nets import MLP, MLPConfig

    rng = np.random.default_rng(3)
    config = MLPConfig((3, 4, 3), ("relu",), output="softmax", loss="ce")
    X, Y = rng.normal(size=(10, 3)), np.eye(3)[rng.integers(0, 3, 10)]
    ref = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=4), "W2": rng.normal(size=(4, 3))}
    ref["b2"] = rng.normal(size=3)
    data = float(MLP(config).loss(ref, X, Y))
    l2 = 0.3
    squares = sum(float(np.sum(v**2)) for k, v in ref.items() if k.startswith("W"))
    penalty = 0.5 * l2 * squares
    found = [LossChoice(config, 1.0, "the student's loss()")]
    total = {"source": "the student's loss()", "value": data + penalty}
    apart = {"source": "the student's reg_loss()", "value": penalty}
    same = {"source": "the student's loss()", "value": penalty}
    picked = _with_penalty(found, [total], [apart], ref, X, Y, [])
    assert picked and abs(picked[0].config.l2 - l2) < 1e-9 * l2
    assert _with_penalty(found, [total], [same], ref, X, Y, []) == []


def test_an_error_of_numpy_code_beside_a_torch_helper_leads_and_the_framework_follows():
    """A course project comparing its numpy gradients with torch's in a helper file (pub31): the sizes of the data
    are what stopped the audit, not PyTorch; the framework is said after the error met, not before it."""
    from gradcheck.audit import frameworks

    torch_note = ["line 1: statement raised ModuleNotFoundError: No module named 'torch' while loading; skipped"]
    met = "NeedsSizes: the weights init() makes take 10 inputs and 3 outputs, not the 3 and 3 invented"
    said = frameworks.explain(met, torch_note)
    assert said.startswith(met) and "the code also imports PyTorch" in said, said
    assert frameworks.explain("NameError: name 'torch' is not defined (line 4)", torch_note).startswith(
        "the code imports PyTorch"
    )
