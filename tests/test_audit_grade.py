"""grade(): verdicts from hand-built worker results (no sandbox), against the reference MLP."""

import numpy as np
import pytest

from gradcheck.audit.grade import Extracted, grade
from gradcheck.audit.spec import AuditSpec, parse_spec
from reference_nets.activations import get_activation
from reference_nets.mlp import MLP, MLPConfig

N = 16
TENSOR_KEYS = {"name", "shape", "status", "max_abs_error", "max_rel_error", "worst_index", "analytic", "numeric"}


def _data(n_in, n_out, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, n_in))
    Y = (rng.random((N, n_out)) > 0.5).astype(float)
    return X, Y


def _net(sizes=(3, 5, 2), hidden="tanh", loss="bce"):
    net = MLP(MLPConfig(sizes, (hidden,) * (len(sizes) - 2), output="sigmoid", loss=loss))
    return net, net.init_params(seed=3)


def _names(layout, i):
    if layout == "in_out":
        return f"self.W{i}", f"self.b{i}"
    return f"weights[{i - 1}]", f"biases[{i - 1}]"


def _student(ref: dict, layout: str) -> dict:
    """Reference form -> student form: W in x out or out x in, biases (1, out)."""
    out = {}
    i = 1
    while f"W{i}" in ref:
        w, b = _names(layout, i)
        out[w] = ref[f"W{i}"] if layout == "in_out" else ref[f"W{i}"].T
        out[b] = ref[f"b{i}"].reshape(1, -1)
        i += 1
    return out


def _result(params: dict, grads: dict, forward) -> dict:
    return {
        "ok": True,
        "shape": "grads-dict",
        "entry": "Net.backward",
        "notes": ["from a test"],
        "params": [{"name": k, "data": v.tolist()} for k, v in params.items()],
        "grads": [{"param": k, "data": v.tolist(), "rule": "returned"} for k, v in grads.items()],
        "forward": None if forward is None else np.asarray(forward).tolist(),
        "samples_as_columns": False,
        "error": None,
    }


def _case(layout, *, sizes=(3, 5, 2), hidden="tanh", loss="bce", plant=None, forward_delta=0.0):
    """(worker result dict, X, Y) for a reference net in the student's layout, optionally with a planted bug."""
    net, params = _net(sizes, hidden, loss)
    X, Y = _data(sizes[0], sizes[-1])
    yhat, cache = net.forward(params, X)
    grads = net.backward(params, cache, Y) if plant is None else plant(net, params, cache, X, Y)
    res = _result(_student(params, layout), _student(grads, layout), yhat + forward_delta)
    return res, X, Y


def _tanh_at_activation(net, params, cache, X, Y):
    """Hidden delta with tanh'(tanh(z)) = 1 - tanh(tanh z)^2 instead of tanh'(z)."""
    act = get_activation("tanh")
    delta = net._output_delta(cache, Y)
    grads = {"W2": cache.activations[1].T @ delta, "b2": delta.sum(axis=0)}
    da = delta @ params["W2"].T
    delta1 = da * act.prime(cache.activations[1])  # f'(f(z)): the bug
    grads["W1"] = X.T @ delta1
    grads["b1"] = delta1.sum(axis=0)
    return grads


def _scaled(factor):
    def plant(net, params, cache, X, Y):
        return {k: factor * v for k, v in net.backward(params, cache, Y).items()}

    return plant


BCE = parse_spec({"loss": {"name": "bce"}})
MSE = parse_spec({"loss": {"name": "mse"}})


@pytest.mark.parametrize("layout", ["in_out", "out_in"])
def test_correct_gradient_passes_with_forward_match(layout):
    res, X, Y = _case(layout)
    r = grade(res, X, Y, BCE, path="student.py")
    assert r.status == "pass", r.to_dict()
    assert r.passed and r.error is None and r.diagnoses == ()
    assert r.forward is not None and r.forward.status == "match"
    assert r.forward.max_abs_error <= 1e-12
    assert r.forward.network == "3-5-2 tanh|sigmoid"
    assert "inferred" in r.forward.note
    names = [n for i in (1, 2) for n in _names(layout, i)]
    assert [t.name for t in r.tensors] == names
    for t in r.tensors:
        assert t.status == "pass"
        assert TENSOR_KEYS <= set(t.to_dict())
    assert r.loss == "bce (mean)"
    assert r.path == "student.py" and r.entry == "Net.backward" and r.shape == "grads-dict"
    assert "from a test" in r.notes


@pytest.mark.parametrize("hidden", ["sigmoid", "relu", "tanh"])
def test_hidden_activation_inferred_from_forward(hidden):
    res, X, Y = _case("in_out", hidden=hidden, loss="mse")
    r = grade(res, X, Y, MSE, path="s.py")
    assert r.forward.status == "match"
    assert r.forward.network == f"3-5-2 {hidden}|sigmoid"
    assert r.status in ("pass", "kink"), r.to_dict()


def test_a_sigmoid_output_with_no_loss_anywhere_is_not_a_pass():
    """BCE and MSE both fit a sigmoid output: a gradient exact for one of them is inconclusive, and says which."""
    res, X, Y = _case("in_out", loss="mse")
    r = grade(res, X, Y, AuditSpec(), path="s.py")
    assert r.status == "inconclusive"
    assert r.loss == "mse (mean)"
    top = r.diagnoses[0]
    assert top.code == "loss_undetermined"
    assert "exactly that of mse (mean)" in top.message and "under BCE it is wrong" in top.message
    assert '[loss] name = "mse", reduction = "mean"' in top.message
    declared = grade(res, X, Y, parse_spec({"loss": {"name": "mse"}}), path="s.py")
    assert declared.status == "pass" and not declared.diagnoses


def test_the_loss_in_the_code_settles_a_sigmoid_output():
    res, X, Y = _case("in_out", loss="mse")
    net, params = _net(loss="mse")
    value = float(np.mean((net.forward(params, X)[0] - Y) ** 2))
    res["student_losses"] = [{"source": "the student's loss()", "value": value, "tier": 2}]
    r = grade(res, X, Y, AuditSpec(), path="s.py")
    assert r.status == "pass" and r.loss == "mse (mean)" and not r.diagnoses
    assert any("loss read off the student's loss()" in n for n in r.notes)


@pytest.mark.parametrize("layout", ["in_out", "out_in"])
def test_derivative_at_activation_named_on_student_tensors(layout):
    res, X, Y = _case(layout, plant=_tanh_at_activation)
    r = grade(res, X, Y, BCE, path="s.py")
    assert r.status == "fail"
    assert r.forward.status == "match"
    assert r.diagnoses[0].code == "derivative_at_activation", [d.code for d in r.diagnoses]
    w1, b1 = _names(layout, 1)
    w2, b2 = _names(layout, 2)
    status = {t.name: t.status for t in r.tensors}
    assert status[w1] == "fail" and status[b1] == "fail"
    assert status[w2] == "pass" and status[b2] == "pass"
    student = {w1, b1, w2, b2}
    # tensor: null, one student name, or several joined by ", " (a layer's W and b)
    for d in r.diagnoses:
        assert d.tensor is None or set(d.tensor.split(", ")) <= student, d
    top = r.diagnoses[0]
    assert set(top.tensor.split(", ")) == {w1, b1}


def test_missing_batch_mean_factor_16():
    res, X, Y = _case("in_out", sizes=(3, 5, 1), loss="mse", plant=_scaled(float(N)))
    r = grade(res, X, Y, MSE, path="s.py")
    assert r.status == "fail"
    assert r.diagnoses[0].code == "missing_batch_mean", [d.code for d in r.diagnoses]
    assert all(t.status == "fail" for t in r.tensors)


def test_forward_perturbed_is_forward_mismatch_and_fail():
    res, X, Y = _case("in_out", forward_delta=0.01)
    r = grade(res, X, Y, BCE, path="s.py")
    assert r.forward.status == "mismatch"
    assert r.forward.max_abs_error == pytest.approx(0.01, rel=1e-6)
    assert r.status == "fail"
    assert not r.passed
    assert r.diagnoses[0].code == "forward_mismatch"
    assert r.diagnoses[0].tensor is None
    assert "forward" in r.diagnoses[0].message.lower()
    # the gradient itself is right
    assert all(t.status == "pass" for t in r.tensors)


def test_forward_unavailable_is_reported():
    res, X, Y = _case("in_out")
    res["forward"] = None
    r = grade(res, X, Y, BCE, path="s.py")
    assert r.forward.status == "unavailable"
    # the network is the one under which the gradient is right (tanh here, not the first candidate)
    assert r.status == "pass" and r.forward.network == "3-5-2 tanh|sigmoid", r.forward
    assert "no forward output was found: the gradient is right for 3-5-2 tanh|sigmoid" in r.notes


def test_forward_unavailable_and_no_network_fits_is_an_honest_error():
    res, X, Y = _case("in_out", plant=_tanh_at_activation)
    res["forward"] = None
    r = grade(res, X, Y, BCE, path="s.py")
    assert r.status == "error" and "the network cannot be identified" in r.error and "[entry] forward" in r.error
    declared = parse_spec({"network": {"hidden": "tanh", "output": "sigmoid"}, "loss": {"name": "bce"}})
    assert grade(res, X, Y, declared, path="s.py").status == "fail"  # declared: a verdict


def test_accepted_convention_passes_with_note():
    spec = parse_spec({"loss": {"name": "mse", "accept": [0.5]}})
    res, X, Y = _case("in_out", sizes=(3, 5, 1), loss="mse", plant=_scaled(0.5))
    r = grade(res, X, Y, spec, path="s.py")
    assert r.status == "pass", r.to_dict()
    assert r.diagnoses == ()
    assert any("accepted" in n and "0.5" in n and "[loss] accept" in n for n in r.notes), r.notes


def test_half_gradient_without_accept_is_missing_mse_factor():
    res, X, Y = _case("in_out", sizes=(3, 5, 1), loss="mse", plant=_scaled(0.5))
    r = grade(res, X, Y, MSE, path="s.py")
    assert r.status == "fail"
    assert r.diagnoses[0].code == "missing_mse_factor", [d.code for d in r.diagnoses]


def test_accept_other_factor_does_not_excuse_half():
    spec = parse_spec({"loss": {"name": "mse", "accept": [2.0]}})
    res, X, Y = _case("in_out", sizes=(3, 5, 1), loss="mse", plant=_scaled(0.5))
    r = grade(res, X, Y, spec, path="s.py")
    assert r.status == "fail"


def test_declared_scale_and_sum_reduction():
    # a student who differentiates 0.5 * sum-MSE: gradient = 0.5 * N * mean-MSE gradient
    spec = parse_spec({"loss": {"name": "mse", "reduction": "sum", "scale": 0.5}})
    res, X, Y = _case("in_out", sizes=(3, 5, 1), loss="mse", plant=_scaled(0.5 * N))
    r = grade(res, X, Y, spec, path="s.py")
    assert r.status == "pass", r.to_dict()
    assert r.loss == "mse (sum)"


def test_worker_error_dict_is_status_error_with_message():
    res = {
        "ok": False,
        "error": {
            "type": "ZeroDivisionError",
            "message": "division by zero",
            "where": "backward (line 12)",
            "traceback": "...",
        },
    }
    X, Y = _data(2, 1)
    r = grade(res, X, Y, AuditSpec(), path="s.py")
    assert r.status == "error"
    assert r.error == "ZeroDivisionError: division by zero (in backward (line 12))"
    assert r.tensors == () and not r.passed


def test_error_without_details():
    X, Y = _data(2, 1)
    r = grade({"ok": False}, X, Y, AuditSpec(), path="s.py")
    assert r.status == "error"
    assert "could not be run" in r.error


def test_missing_gradient_names_the_tensor():
    res, X, Y = _case("out_in")
    res["grads"] = [g for g in res["grads"] if g["param"] != "biases[1]"]
    r = grade(res, X, Y, BCE, path="s.py")
    assert r.status == "error"
    assert "biases[1]" in r.error
    assert "[network] grads" in r.error


def test_unchainable_params_are_an_error_naming_the_shapes():
    res, X, Y = _case("in_out")
    r = grade(res, X[:, :2], Y, BCE, path="s.py")  # the data has 2 inputs, the net 3
    assert r.status == "error"
    assert "do not chain" in r.error and "self.W1 (3, 5)" in r.error


def test_non_finite_entries_are_decoded():
    res, X, Y = _case("in_out")
    res["grads"][0]["data"][0][0] = "nan"
    res["grads"][1]["data"][0][1] = "-inf"
    ex = Extracted.from_result(res)
    assert np.isnan(ex.grads["self.W1"][0, 0])
    assert ex.grads["self.b1"][0, 1] == -np.inf


def test_non_finite_gradient_is_a_verdict_not_a_crash():
    """A student gradient with a NaN (overflow, 0/0) must be judged, not raise out of grade().

    In a batch, an exception here propagates out of audit_batch and stops every other submission.
    """
    res, X, Y = _case("in_out")
    res["grads"][0]["data"][0][0] = "nan"
    r = grade(res, X, Y, BCE, path="s.py")
    assert r.status in ("fail", "error")
    assert not r.passed
    assert "self.W1" in (r.error or "") or {t.name: t.status for t in r.tensors}.get("self.W1") == "fail"


def test_to_dict_contract():
    res, X, Y = _case("in_out", plant=_tanh_at_activation)
    d = grade(res, X, Y, BCE, path="s.py").to_dict()
    assert {"path", "status", "tensors", "diagnoses", "forward", "error"} <= set(d)
    for t in d["tensors"]:
        assert TENSOR_KEYS <= set(t)
    for x in d["diagnoses"]:
        assert {"code", "tensor", "message", "confidence"} <= set(x)


def test_a_misshaped_gradient_in_a_transposed_layout_is_a_fail_not_our_error(tmp_path, clean_imports):
    """Samples as columns, W out x in, db = 1/m * np.sum(dZ) (a number): the checker must be given the
    student's layout to map the other tensors (it once guessed the network and fed it W1 untransposed)."""
    import textwrap
    from pathlib import Path

    from gradcheck.audit.worker import run_request

    (tmp_path / "s.py").write_text(
        textwrap.dedent("""
        import numpy as np
        def init_params(n_in=8, n_hidden=16, n_out=3):
            return (np.random.randn(n_hidden, n_in), np.zeros((n_hidden, 1)),
                    np.random.randn(n_out, n_hidden), np.zeros((n_out, 1)))
        def forward_prop(X, W1, b1, W2, b2):
            Z1 = W1 @ X + b1
            A1 = np.maximum(Z1, 0)
            Z2 = W2 @ A1 + b2
            return Z1, A1, Z2
        def backward_prop(Z1, A1, Z2, W2, X, Y):
            m = X.shape[1]
            dZ2 = 2 * (Z2 - Y) / Y.size
            dZ1 = W2.T @ dZ2 * (Z1 > 0)
            return dZ1 @ X.T, np.sum(dZ1), dZ2 @ A1.T, np.sum(dZ2)
    """)
    )
    _, result = run_request({"submission": "s.py", "X": None, "Y": None}, Path(tmp_path))
    assert result["ok"], result["error"]
    r = grade(result, np.asarray(result["X"]), np.asarray(result["Y"]), AuditSpec(), path="s.py")
    assert r.status == "fail", r.error
    # both biases are summed to one number (np.sum(dZ1), np.sum(dZ2)): named together, as the catalogue's bug
    assert any(d.code == "shape_mismatch" and "b1" in d.tensor.split(", ") for d in r.diagnoses), r.diagnoses


def test_a_loss_imposed_is_not_chosen_again(monkeypatch):
    """Graded again under the first point's loss (the grader's second point, other samples), a wrong gradient
    is judged under that loss alone: the other conventions are not tried (each costs a diagnosis search)."""
    from gradcheck.audit import judge as judge_module

    res, X, Y = _case("in_out", plant=_tanh_at_activation)
    tried = []
    real = judge_module.conventions_tried
    monkeypatch.setattr(judge_module, "conventions_tried", lambda *a, **k: tried.append(1) or real(*a, **k))
    first = grade(res, X, Y, AuditSpec(), path="x.py")
    assert first.status == "fail" and first.loss_choice.source == "auto" and tried  # still to choose: tried
    tried.clear()
    again = grade(res, X, Y, AuditSpec(), path="x.py", loss=first.loss_choice)
    assert again.status == "fail" and again.loss_choice == first.loss_choice and not tried
