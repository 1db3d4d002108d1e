"""End-to-end tests of the audit worker: ``python -m gradcheck.audit.worker req.json`` on
student-style submissions (tests/submissions/), run as a subprocess in a temp dir.

Every extracted gradient is compared with an independent reference: central
differences of the student's own loss, re-implemented here in plain numpy on the
parameter values the worker reported.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

SUBMISSIONS = Path(__file__).parent / "submissions"
RNG = np.random.default_rng(1)
X = RNG.normal(size=(5, 3))
Y = RNG.uniform(0.1, 0.9, size=(5, 2))
LRS = [1e-3, 2e-3]


def run_worker(
    tmp_path: Path,
    name: str,
    spec: dict | None = None,
    source: str | None = None,
    request: dict | None = None,
    timeout: float = 30,
) -> tuple[dict, subprocess.CompletedProcess]:
    """Copy a submission into a fresh dir, write req.json, run the worker there, read the result."""
    work = tmp_path / "work"
    work.mkdir()
    if source is not None:
        (work / name).write_text(source)
    elif (SUBMISSIONS / name).is_dir():  # a multi-file submission: copy the folder
        shutil.copytree(SUBMISSIONS / name, work, dirs_exist_ok=True)
        name = "train.py"
    else:
        shutil.copy(SUBMISSIONS / name, work / name)
    req = {
        "submission": name,
        "result": "result.json",
        "X": X.tolist(),
        "Y": Y.tolist(),
        "lrs": LRS,
        "spec": spec or {},
    }
    if request is not None:
        req = request
    (work / "req.json").write_text(json.dumps(req))
    proc = subprocess.run(
        [sys.executable, "-m", "gradcheck.audit.worker", "req.json"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads((work / "result.json").read_text()), proc


# ----------------------------------------------------------------------------- reference
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def ident(z):
    return z


def net(params: list[np.ndarray], x: np.ndarray, acts: list, layout: str = "rows", biases: bool = True) -> np.ndarray:
    """Forward pass with samples as rows; returns (N, n_out) whatever the parameter layout."""
    step = 2 if biases else 1
    a = x
    for i, act in enumerate(acts):
        W = params[i * step]
        b = params[i * step + 1] if biases else 0.0
        if layout == "rows":  # x @ W + b, W (in, out)
            a = act(a @ W + b)
        elif layout == "outxin":  # x @ W.T + b, W (out, in)
            a = act(a @ W.T + b)
        else:  # columns: W @ x + b, b (out, 1)
            a = act((W @ a.T + b).T)
    return a


def mse_half_mean(out, y):
    return 0.5 * np.sum((out - y) ** 2) / len(y)


def sse_half(out, y):
    return 0.5 * np.sum((out - y) ** 2)


def mse_mean_all(out, y):
    return np.mean((out - y) ** 2)


def bce_mean(p, y):
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / len(y)


def numgrad(f, arrays: list[np.ndarray], h: float = 1e-6) -> list[np.ndarray]:
    grads = []
    for arr in arrays:
        g = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            old = arr[idx]
            arr[idx] = old + h
            fp = f(arrays)
            arr[idx] = old - h
            fm = f(arrays)
            arr[idx] = old
            g[idx] = (fp - fm) / (2 * h)
        grads.append(g)
    return grads


def assert_grads_match(result: dict, loss, sign: float = 1.0) -> None:
    params = [np.array(p["data"], dtype=float) for p in result["params"]]
    ref = numgrad(loss, params)
    assert [g["param"] for g in result["grads"]] == [p["name"] for p in result["params"]]
    for g, r, p in zip(result["grads"], ref, result["params"]):
        got = np.array(g["data"], dtype=float)
        assert got.shape == r.shape, (g["param"], got.shape, r.shape)
        np.testing.assert_allclose(got, sign * r, rtol=1e-5, atol=1e-8, err_msg=p["name"])


# name, spec, shape, rule, entry, columns, loss(params) , sign
CASES = [
    (
        "sgd_inplace.py",
        {},
        "inplace-update",
        "update",
        "NeuralNetwork.backward",
        False,
        lambda p: mse_half_mean(net(p, X, [sigmoid, ident]), Y),
        1.0,
    ),
    (
        "ascent_form.py",
        {},
        "inplace-update",
        "update",
        "Network.backprop",
        False,
        lambda p: mse_half_mean(net(p, X, [np.tanh, ident]), Y),
        1.0,
    ),
    (
        "wrong_sign.py",
        {},
        "inplace-update",
        "update",
        "MLP.train_step",
        False,
        lambda p: mse_half_mean(net(p, X, [sigmoid, ident]), Y),
        -1.0,
    ),
    (
        "momentum.py",
        {},
        "inplace-update",
        "update",
        "NeuralNet.backward",
        False,
        lambda p: mse_half_mean(net(p, X, [np.tanh, ident]), Y),
        1.0,
    ),
    (
        "returns_dict.py",
        {},
        "grads-dict",
        "name",
        "MLP.backward",
        False,
        lambda p: bce_mean(net(p, X, [sigmoid, sigmoid]), Y),
        1.0,
    ),
    (
        "functions_tuple.py",
        {},
        "grads-tuple",
        "position",
        "backward",
        False,
        lambda p: mse_half_mean(net(p, X, [np.tanh, ident]), Y),
        1.0,
    ),
    (
        "stores_attrs.py",
        {},
        "grads-attributes",
        "name",
        "Net.backprop",
        False,
        lambda p: mse_half_mean(net(p, X, [sigmoid, ident]), Y),
        1.0,
    ),
    (
        "cs231n.py",
        {"init_kwargs": {"input_size": 3, "hidden_size": 6, "output_size": 2}},
        "loss-and-grads",
        "name",
        "TwoLayerNet.loss",
        False,
        lambda p: mse_half_mean(net(p, X, [np.tanh, ident]), Y),
        1.0,
    ),
    (
        "params_dict.py",
        {},
        "grads-attributes",
        "name",
        "Model.backward",
        False,
        lambda p: mse_half_mean(net(p, X, [np.tanh, ident]), Y),
        1.0,
    ),
    (
        "nielsen_lists.py",
        {},
        "grads-tuple",
        "name",  # return (nabla_b, nabla_w): each list matched by its name, entry by entry
        "Network.backprop",
        True,
        lambda p: sse_half(net(p, X, [sigmoid, sigmoid], "columns"), Y),
        1.0,
    ),
    (
        "layer_stack.py",
        {},
        "parameter-objects",
        "name",
        "MLP.backward",
        False,
        lambda p: mse_mean_all(net(p, X, [sigmoid, sigmoid], "outxin"), Y),
        1.0,
    ),
    (
        "nobias.py",
        {"init_args": [3, 4, 5, 2]},
        "inplace-update",
        "update",
        "NeuralNetwork.backward",
        False,
        lambda p: sse_half(net(p, X, [sigmoid] * 3, biases=False), Y),
        -1.0,
    ),
    (
        "dlai_columns.py",
        {},
        "grads-dict",
        "name",
        "backward_propagation",
        True,
        lambda p: bce_mean(net(p, X, [np.tanh, sigmoid], "columns"), Y),
        1.0,
    ),
    (
        "dense_list.py",
        {},
        "inplace-update",
        "update",
        "Network.backward",
        False,
        lambda p: mse_mean_all(net(p, X, [np.tanh, ident]), Y),
        1.0,
    ),
    (
        "globals_script.py",
        {},
        "inplace-update",
        "update",
        "backward_pass",
        False,
        lambda p: mse_half_mean(net(p, X, [sigmoid, ident]), Y),
        1.0,
    ),
]


@pytest.mark.parametrize("name,spec,shape,rule,entry,columns,loss,sign", CASES, ids=[c[0] for c in CASES])
def test_extracts_true_gradient(tmp_path, name, spec, shape, rule, entry, columns, loss, sign):
    result, proc = run_worker(tmp_path, name, spec)
    assert result["ok"], result["error"]
    assert result["error"] is None
    assert result["shape"] == shape
    assert result["entry"] == entry
    assert result["samples_as_columns"] is columns
    assert {g["rule"] for g in result["grads"]} == {rule}
    assert result["forward"] is not None
    assert "TOPLEVEL-RAN" not in proc.stdout
    assert_grads_match(result, loss, sign)


def test_param_names_and_paths(tmp_path):
    result, _ = run_worker(tmp_path, "layer_stack.py")
    assert [p["name"] for p in result["params"]] == ["linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias"]
    assert result["params"][0]["path"] == "self.linear1.weight.data"
    assert result["params"][0]["shape"] == [5, 3]  # out x in, reported as is
    assert result["grads"][0]["path"] == "self.linear1.weight.grad"
    assert any("MSELoss" in n for n in result["notes"])
    assert np.array(result["forward"]).shape == (5, 2)


def test_nielsen_lists_in_layer_order(tmp_path):
    result, _ = run_worker(tmp_path, "nielsen_lists.py")
    assert [p["name"] for p in result["params"]] == ["weights[0]", "biases[0]", "weights[1]", "biases[1]"]
    assert [g["path"] for g in result["grads"]] == ["ret[1][0]", "ret[0][0]", "ret[1][1]", "ret[0][1]"]
    assert np.array(result["forward"]).shape == (2, 5)  # as returned: columns


def test_layer_list_gets_dout_from_loss_derivative(tmp_path):
    result, _ = run_worker(tmp_path, "dense_list.py")
    assert [p["path"] for p in result["params"]][:2] == ["self.layers[0].W", "self.layers[0].b"]
    assert any("mse_prime" in n for n in result["notes"])
    assert result["forward_path"] == "Network.predict"


def test_sibling_module_loaded_without_its_toplevel(tmp_path):
    result, proc = run_worker(tmp_path, "multi")
    assert result["ok"] and result["shape"] == "grads-attributes" and result["entry"] == "Net.backward"
    assert "TOPLEVEL" not in proc.stdout and "LOOP-RAN" not in proc.stdout
    assert any(n.startswith("model: top-level code was not run") for n in result["notes"])
    W = np.array(result["params"][0]["data"])
    np.testing.assert_allclose(result["grads"][0]["data"], X.T @ (X @ W - Y) / len(X))


def test_inplace_update_is_linear_and_reports_lr(tmp_path):
    result, _ = run_worker(tmp_path, "sgd_inplace.py")
    upd = result["update"]
    assert upd["linear"] is True and upd["lrs"] == LRS
    assert upd["via"] == "argument 'learning_rate'"
    assert upd["max_nonlinearity"] < 1e-6
    assert result["grads"][0]["path"] == "(self.W1 before - after) / lr"


@pytest.mark.parametrize(
    "name,via",
    [
        ("ascent_form.py", "attribute self.lr"),
        ("globals_script.py", "global learning_rate"),
        ("wrong_sign.py", "argument 'eta'"),
    ],
)
def test_learning_rate_is_set_where_the_student_reads_it(tmp_path, name, via):
    result, _ = run_worker(tmp_path, name)
    assert result["update"]["via"] == via


def test_momentum_update_is_flagged_not_linear(tmp_path):
    result, _ = run_worker(tmp_path, "momentum.py")
    upd = result["update"]
    assert upd["linear"] is False and upd["stateful"] is True
    assert "momentum" in upd["note"]


def test_toplevel_training_loop_is_skipped(tmp_path):
    t0 = time.monotonic()
    result, proc = run_worker(tmp_path, "sgd_inplace.py")
    assert time.monotonic() - t0 < 20  # the script sleeps 100 s
    assert "TOPLEVEL-RAN" not in proc.stdout
    assert any("top-level code was not run: lines 41-47" in n for n in result["notes"])


def test_toplevel_runs_when_spec_asks(tmp_path):
    src = (SUBMISSIONS / "stores_attrs.py").read_text() + textwrap.dedent("""
        print("TOPLEVEL-RAN")
        if __name__ == "__main__":
            print("MAIN-RAN")
    """)
    result, proc = run_worker(tmp_path, "s.py", {"run_toplevel": True}, source=src)
    assert result["ok"]
    assert "TOPLEVEL-RAN" in proc.stdout and "MAIN-RAN" in proc.stdout
    assert any("run_toplevel" in n for n in result["notes"])


def test_failing_import_is_skipped_with_note(tmp_path):
    result, _ = run_worker(tmp_path, "globals_script.py")
    assert any("line 4" in n and "ModuleNotFoundError" in n for n in result["notes"])


def test_spec_params_and_grads(tmp_path):
    spec = {"params": ["W1", "self.W2"], "grads": ["dW1", "self.dW2"]}
    result, _ = run_worker(tmp_path, "stores_attrs.py", spec)
    assert result["ok"] and result["shape"] == "spec"
    assert [g["rule"] for g in result["grads"]] == ["spec", "spec"]
    assert [p["name"] for p in result["params"]] == ["W1", "W2"]
    (tmp_path / "b").mkdir()
    full, _ = run_worker(tmp_path / "b", "stores_attrs.py")
    np.testing.assert_array_equal(result["grads"][1]["data"], full["grads"][2]["data"])


def test_spec_grads_from_return_value(tmp_path):
    spec = {"grads": ["ret['dW1']", "ret['db1']", "ret['dW2']", "ret['db2']"]}
    result, _ = run_worker(tmp_path, "returns_dict.py", spec)
    assert result["ok"]
    assert_grads_match(result, lambda p: bce_mean(net(p, X, [sigmoid, sigmoid]), Y))


# ----------------------------------------------------------------------------- notebooks
def notebook(cells: list[tuple[str, str]]) -> str:
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [
                {
                    "cell_type": t,
                    "metadata": {},
                    "source": s.splitlines(True),
                    **({"outputs": [], "execution_count": None} if t == "code" else {}),
                }
                for t, s in cells
            ],
        }
    )


NB_CELLS = [
    ("markdown", "# Backprop lab"),
    ("code", "%matplotlib inline\nimport numpy as np\n!pip install numpy\nimport time"),
    ("code", "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))"),
    (
        "code",
        textwrap.dedent("""\
        class Perceptron:
            def __init__(self, input_size, output_size, hidden_size=4):
                self.W1 = np.random.randn(input_size, hidden_size)
                self.b1 = np.zeros(hidden_size) + 0.1
                self.W2 = np.random.randn(hidden_size, output_size)
                self.b2 = np.zeros(output_size)

            def forward(self, X):
                self.a1 = sigmoid(X @ self.W1 + self.b1)
                self.out = self.a1 @ self.W2 + self.b2
                return self.out

            def backward(self, X, y, lr):
                d = (self.out - y) / len(X)
                dW2, db2 = self.a1.T @ d, d.sum(0)
                dz = d @ self.W2.T * self.a1 * (1 - self.a1)
                self.W1 -= lr * (X.T @ dz)
                self.b1 -= lr * dz.sum(0)
                self.W2 -= lr * dW2
                self.b2 -= lr * db2
        """),
    ),
    ("code", "%%time\nprint('TOPLEVEL-RAN')"),
    ("code", "net = Perceptron(3, 2)\nprint('TOPLEVEL-RAN')\ntime.sleep(100)"),
]


def test_notebook_with_magics(tmp_path):
    result, proc = run_worker(tmp_path, "lab.ipynb", source=notebook(NB_CELLS))
    assert result["ok"], result["error"]
    assert result["shape"] == "inplace-update" and result["entry"] == "Perceptron.backward"
    assert "TOPLEVEL-RAN" not in proc.stdout
    notes = " | ".join(result["notes"])
    assert "notebook read with" in notes
    assert "cell 2: 2 IPython magic/shell line(s) removed" in notes
    assert "cell 5: cell magic %%time skipped" in notes
    assert "cell 6 (lines 1-3)" in notes
    assert_grads_match(result, lambda p: mse_half_mean(net(p, X, [sigmoid, ident]), Y))


def test_notebook_error_reports_cell(tmp_path):
    cells = NB_CELLS[:3] + [
        (
            "code",
            textwrap.dedent("""\
        class Net:
            def __init__(self, input_size, output_size):
                self.W1 = np.random.randn(input_size, output_size)

            def forward(self, X):
                return X @ self.W1

            def backward(self, X, y):
                raise ValueError("shapes not aligned")
        """),
        )
    ]
    result, _ = run_worker(tmp_path, "lab.ipynb", source=notebook(cells))
    assert not result["ok"]
    assert result["error"]["type"] == "ValueError"
    assert result["error"]["where"] == "backward (cell 4, line 9)"
    assert "(cell 4, line 9)" in result["error"]["traceback"]


# ----------------------------------------------------------------------------- errors
def test_syntax_error_reports_line(tmp_path):
    result, _ = run_worker(tmp_path, "syntax_error.py")
    assert not result["ok"]
    assert result["error"]["type"] == "SyntaxError"
    assert "line 5" in result["error"]["message"] and "line 5" in result["error"]["where"]


def test_missing_class_names_spec_entry(tmp_path):
    result, _ = run_worker(tmp_path, "helpers_only.py")
    assert not result["ok"]
    assert result["error"]["type"] == "EntryNotFound"
    assert "[entry] class or [entry] function" in result["error"]["message"]


def test_backward_raising_reports_type_and_where(tmp_path):
    result, _ = run_worker(tmp_path, "raises.py")
    assert not result["ok"]
    err = result["error"]
    assert err["type"] == "ZeroDivisionError"
    assert err["where"] == "backward (line 15)"
    assert "scale = 1 / n_batches" in err["traceback"]
    assert "call_student" not in err["traceback"]
    assert [p["name"] for p in result["params"]] == ["W1", "W2"]  # partial info kept


def test_hidden_sizes_are_invented_each_its_own(tmp_path):
    result, _ = run_worker(tmp_path, "nobias.py")
    assert result["ok"], result["error"]
    assert "NeuralNetwork: hidden_size1 = 4 invented (the gradient check does not depend on sizes)" in result["notes"]
    assert "NeuralNetwork: hidden_size2 = 5 invented (the gradient check does not depend on sizes)" in result["notes"]
    assert [p["shape"][0] for p in result["params"]] == [3, 4, 5]


def test_two_model_classes_need_spec_entry(tmp_path):
    src = (SUBMISSIONS / "stores_attrs.py").read_text() + textwrap.dedent("""

        class OtherNet:
            def forward(self, X):
                return X

            def backward(self, X, y):
                return None
    """)
    result, _ = run_worker(tmp_path, "two.py", source=src)
    assert not result["ok"]
    assert "Net and OtherNet" in result["error"]["message"]
    assert "set [entry] class" in result["error"]["message"]
    (tmp_path / "b").mkdir()
    fixed, _ = run_worker(tmp_path / "b", "two.py", {"entry": "Net"}, source=src)
    assert fixed["ok"] and fixed["entry"] == "Net.backprop"


def test_system_exit_in_student_code_still_writes_result(tmp_path):
    src = textwrap.dedent("""
        import sys
        import numpy as np
        class Net:
            def __init__(self, n_in, n_out):
                self.W = np.ones((n_in, n_out))
            def forward(self, X):
                return X @ self.W
            def backward(self, X, y):
                sys.exit(3)
    """)
    result, _ = run_worker(tmp_path, "s.py", source=src)
    assert not result["ok"] and result["error"]["type"] == "SystemExit"
    assert result["error"]["message"] == "the submission called sys.exit(3) in backward"


def test_non_finite_values_are_strings(tmp_path):
    src = textwrap.dedent("""
        import numpy as np
        class Net:
            def __init__(self, n_in, n_out):
                self.W = np.ones((n_in, n_out))
            def forward(self, X):
                return X @ self.W
            def backward(self, X, y):
                g = np.zeros_like(self.W)
                g[0, 0], g[0, 1], g[1, 0] = np.nan, np.inf, -np.inf
                return {"dW": g}
    """)
    result, _ = run_worker(tmp_path, "s.py", source=src)
    assert result["ok"]
    assert result["grads"][0]["data"][0][:2] == ["nan", "inf"]
    assert result["grads"][0]["data"][1][0] == "-inf"


def test_bad_request_still_writes_result(tmp_path):
    result, _ = run_worker(tmp_path, "sgd_inplace.py", request={"result": "result.json"})
    assert not result["ok"] and result["error"]["type"] == "RequestError"
    assert "'submission'" in result["error"]["message"]


@pytest.mark.parametrize(
    "name,spec,sizes",
    [
        ("nobias.py", {"init_args": [3, 4, 5, 2]}, (3, 2)),
        ("globals_script.py", {}, (3, 2)),
        ("layer_stack.py", {"init_args": [4, 1]}, (4, 1)),  # out x in weights
        ("nielsen_lists.py", {"init_args": [[2, 3, 1]]}, (2, 1)),  # columns
    ],
)
def test_without_data_sizes_come_from_the_weights(tmp_path, name, spec, sizes):
    request = {"submission": name, "result": "result.json", "X": None, "Y": None, "lrs": LRS, "spec": spec, "n": 7}
    result, _ = run_worker(tmp_path, name, request=request)
    assert result["ok"], result["error"]
    Xr, Yr = np.array(result["X"]), np.array(result["Y"])
    assert Xr.shape == (7, sizes[0]) and Yr.shape == (7, sizes[1])
    assert set(np.unique(Yr)) <= {0.0, 1.0}
    assert any("read off the weights" in n for n in result["notes"])


def test_without_data_constructor_sizes_are_invented(tmp_path):
    request = {"submission": "sgd_inplace.py", "result": "result.json", "X": None, "Y": None}
    result, _ = run_worker(tmp_path, "sgd_inplace.py", request=request)
    assert result["ok"], result["error"]
    assert np.shape(result["X"]) == (16, 3) and np.shape(result["Y"]) == (16, 1)
    assert any(n.startswith("no data and no sizes given: 3 inputs and 1 output(s) invented") for n in result["notes"])


def test_os_exit_in_student_code_leaves_provisional_result(tmp_path):
    src = textwrap.dedent("""
        import os
        import numpy as np
        class Net:
            def __init__(self, n_in, n_out):
                self.W = np.ones((n_in, n_out))
            def forward(self, X):
                return X @ self.W
            def backward(self, X, y):
                os._exit(0)
    """)
    result, _ = run_worker(tmp_path, "s.py", source=src)
    assert not result["ok"] and result["error"]["type"] == "WorkerDidNotFinish"


def test_spec_paths_for_function_style(tmp_path):
    spec = {
        "entry": "backward",
        "params": ["params['W1']", "params['b1']", "params['W2']", "params['b2']"],
        "grads": ["ret[0]", "ret[1]", "ret[2]", "ret[3]"],
    }
    result, _ = run_worker(tmp_path, "functions_tuple.py", spec)
    assert result["ok"], result["error"]
    assert {g["rule"] for g in result["grads"]} == {"spec"}
    assert_grads_match(result, lambda p: mse_half_mean(net(p, X, [np.tanh, ident]), Y))
