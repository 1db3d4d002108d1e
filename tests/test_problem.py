"""Input validation at the public boundary (gradcheck.problem, through check_gradients).

One ``pytest.raises(match=...)`` per message: every message must name the
argument, the tensor and (for non-finite values) the entry.
"""

import re

import numpy as np
import pytest

from gradcheck import GradientShapeError, UserFunctionError, check_gradients
from gradcheck.problem import Problem, normalize_params, validate_gradients
from reference_nets.mlp import MLP, MLPConfig


def _params():
    rng = np.random.default_rng(0)
    return {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=4)}


def _loss(p):
    return float(np.sum(np.sin(p["W"])) + np.sum(p["b"] ** 2))


def _grad(p):
    return {"W": np.cos(p["W"]), "b": 2 * p["b"]}


_DEFAULT = object()


def check(params=_DEFAULT, loss=_loss, grad=_grad, **kw):
    return check_gradients(loss, grad, _params() if params is _DEFAULT else params, **kw)


# ------------------------------------------------------------------ params
@pytest.mark.parametrize("bad, kind", [("abc", "str"), ({1.0, 2.0}, "set"), (None, "NoneType")])
def test_params_not_a_mapping(bad, kind):
    with pytest.raises(TypeError, match=rf"params must be a mapping of name -> array \(or one array\), got {kind}"):
        check(bad)


def test_empty_params():
    with pytest.raises(ValueError, match=r"params is empty: pass at least one named parameter"):
        check({})


def test_non_string_key():
    with pytest.raises(TypeError, match=r"params keys must be strings, got 1"):
        check({1: np.ones(3)})


def test_integer_dtype():
    with pytest.raises(TypeError, match=r"params\['W'\] has integer dtype int64; .*pass W\.astype\(float\)"):
        check({"W": np.arange(6).reshape(2, 3), "b": np.ones(3)})


def test_complex_dtype():
    with pytest.raises(TypeError, match=r"params\['W'\] is complex \(complex128\); pass real float parameters"):
        check({"W": np.ones((2, 3), complex), "b": np.ones(3)})


def test_object_dtype():
    with pytest.raises(TypeError, match=r"params\['W'\] has dtype object; parameters must be float arrays"):
        check({"W": np.array([1.0, None], dtype=object), "b": np.ones(3)})


def test_bool_dtype():
    with pytest.raises(TypeError, match=r"params\['b'\] has dtype bool; parameters must be float arrays"):
        check({"W": np.ones((2, 3)), "b": np.ones(3, bool)})


def test_float16_dtype():
    with pytest.raises(TypeError, match=r"params\['W'\] has dtype float16; use float32 or float64"):
        check({"W": np.ones((2, 3), np.float16), "b": np.ones(3)})


def test_empty_tensor():
    with pytest.raises(ValueError, match=r"params\['W'\] is empty \(shape \(0, 3\)\): nothing to check"):
        check({"W": np.zeros((0, 3)), "b": np.ones(3)})


def test_nan_in_parameter_names_the_entry():
    W1 = np.ones((4, 3))
    W1[2, 0] = np.nan
    with pytest.raises(ValueError, match=re.escape("params['W1'] has a non-finite value nan at W1[2, 0]")):
        check({"W1": W1})


def test_inf_in_parameter_names_the_entry():
    b = np.ones(3)
    b[1] = -np.inf
    with pytest.raises(ValueError, match=re.escape("params['b'] has a non-finite value -inf at b[1]")):
        check({"W": np.ones((3, 4)), "b": b})


def test_normalize_params_copies():
    W = np.ones((2, 2))
    out = normalize_params({"W": W})
    out["W"][0, 0] = 5.0
    assert W[0, 0] == 1.0


def test_single_ndarray_is_named_x():
    x = np.array([0.3, -1.2, 2.0])
    report = check_gradients(lambda v: float(np.sum(v**3)), lambda v: 3 * v**2, x)
    assert report.status == "pass"
    assert [t.name for t in report.tensors] == ["x"]
    assert report.tensors[0].shape == (3,)


def test_single_ndarray_failure_location_uses_x():
    x = np.array([0.3, -1.2, 2.0])
    report = check_gradients(lambda v: float(np.sum(v**3)), lambda v: 3 * v**2 * [1, -1, 1], x)
    assert report.status == "fail"
    assert report.tensors[0].location == "x[1]"


def test_single_list_and_scalar_params():
    assert check_gradients(lambda v: float(np.sum(np.exp(v))), lambda v: np.exp(v), [0.1, 0.2]).passed
    report = check_gradients(lambda v: float(np.exp(v)), lambda v: np.exp(v), 0.5)
    assert report.passed and report.tensors[0].location == "x"


def test_params_not_modified_by_check():
    params = _params()
    before = {k: v.copy() for k, v in params.items()}
    check(params)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


# ------------------------------------------------------------------- loss
def test_loss_not_callable():
    with pytest.raises(TypeError, match=r"loss must be callable, got int"):
        check(loss=3)


def test_loss_returns_array():
    with pytest.raises(
        ValueError, match=r"loss\(params\) returned an array of shape \(3, 4\); it must return one scalar"
    ):
        check(loss=lambda p: np.sin(p["W"]))


def test_loss_returns_none():
    with pytest.raises(TypeError, match=r"loss\(params\) returned NoneType \(None\); it must return a real scalar"):
        check(loss=lambda p: None)


def test_loss_returns_string():
    with pytest.raises(TypeError, match=r"loss\(params\) returned str \('1.0'\); it must return a real scalar"):
        check(loss=lambda p: "1.0")


def test_loss_returns_bool():
    with pytest.raises(TypeError, match=r"loss\(params\) returned bool \(True\)"):
        check(loss=lambda p: True)


def test_loss_returns_nan():
    with pytest.raises(ValueError, match=r"loss\(params\) returned nan at the given parameters"):
        check(loss=lambda p: float("nan"))


def test_loss_returns_inf():
    with pytest.raises(ValueError, match=r"loss\(params\) returned inf at the given parameters"):
        check(loss=lambda p: np.inf)


def test_loss_returns_complex():
    with pytest.raises(TypeError, match=r"loss\(params\) returned a complex number for real parameters"):
        check(loss=lambda p: complex(_loss(p), 1.0))


def test_loss_raising_is_wrapped_with_cause():
    original = ZeroDivisionError("division by zero in my loss")

    def loss(p):
        raise original

    with pytest.raises(
        UserFunctionError, match=r"loss\(params\) raised ZeroDivisionError: division by zero in my loss"
    ) as info:
        check(loss=loss)
    assert info.value.__cause__ is original


def test_loss_modifying_params_in_place():
    def loss(p):
        p["W"] *= 1.0001
        return _loss(p)

    with pytest.raises(UserFunctionError, match=r"loss\(params\) modified params\['W'\] in place"):
        check(loss=loss)


# ------------------------------------------------------------------- grad
def test_grad_raising_is_wrapped_with_cause():
    original = KeyError("W9")

    def grad(p):
        raise original

    with pytest.raises(UserFunctionError, match=r"grad\(params\) raised KeyError: 'W9'") as info:
        check(grad=grad)
    assert info.value.__cause__ is original


def test_grad_returns_non_mapping():
    with pytest.raises(TypeError, match=r"grad\(params\) must return a mapping of name -> array, got list"):
        check(grad=lambda p: [np.cos(p["W"]), 2 * p["b"]])


def test_grad_neither_callable_nor_mapping_names_grad():
    # grad=5 is never called: the message must be about the argument ``grad``
    # (Problem.create has exactly this message), not about what grad(params) returned.
    with pytest.raises(TypeError, match=r"grad must be callable or a mapping of gradients, got int"):
        check(grad=5)


def test_grad_none():
    with pytest.raises(TypeError, match=r"grad is required"):
        check(grad=None)


def test_grad_missing_name():
    with pytest.raises(ValueError, match=r"grad\(params\) returned no gradient for 'b' \(expected: W, b\)"):
        check(grad=lambda p: {"W": np.cos(p["W"])})


def test_grad_extra_name():
    with pytest.raises(ValueError, match=r"grad\(params\) returned 'c', which is not a parameter \(parameters: W, b\)"):
        check(grad=lambda p: {**_grad(p), "c": np.ones(2)})


def test_grad_complex_dtype():
    with pytest.raises(TypeError, match=r"gradient 'W' has dtype complex128; it must be a real float array"):
        check(grad=lambda p: {"W": np.cos(p["W"]).astype(complex), "b": 2 * p["b"]})


def test_grad_nan_names_the_entry():
    def grad(p):
        g = _grad(p)
        g["W"][1, 2] = np.nan
        return g

    with pytest.raises(ValueError, match=re.escape("gradient 'W' has a non-finite value nan at W[1, 2]")):
        check(grad=grad)


def test_grad_as_mapping_is_accepted():
    params = _params()
    assert check(params, grad=_grad(params)).status == "pass"


def test_wrong_shape_transposed_hint():
    with pytest.raises(
        GradientShapeError,
        match=r"gradient 'W' has shape \(4, 3\) but parameter 'W' has shape \(3, 4\)\. "
        r"Same number of entries: reshape it, or check for a transposed layout",
    ) as info:
        check(grad=lambda p: {"W": np.cos(p["W"]).T, "b": 2 * p["b"]})
    assert (info.value.name, info.value.expected, info.value.got) == ("W", (3, 4), (4, 3))


def test_wrong_shape_per_sample_hint_without_context():
    per_sample = lambda p: {"W": np.cos(p["W"]), "b": np.tile(2 * p["b"], (7, 1)) / 7}  # noqa: E731
    with pytest.raises(
        GradientShapeError,
        match=r"gradient 'b' has shape \(7, 4\) but parameter 'b' has shape \(4,\)\. "
        r"It has one gradient per sample \(7 rows\): sum it over the batch axis \(axis=0\)",
    ) as info:
        check(grad=per_sample)
    assert [d.code for d in info.value.diagnoses][:1] == ["bias_not_summed"]


class _BiasNotSummed(MLP):
    def _bias_grad(self, layer, delta):
        return delta if layer == 1 else super()._bias_grad(layer, delta)


def test_wrong_shape_on_reference_closure_diagnoses_bias_not_summed():
    net = _BiasNotSummed(MLPConfig((3, 5, 2), ("tanh",), output="identity", loss="mse"))
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(16, 3)), rng.normal(size=(16, 2))
    loss, grad = net.closures(X, Y)
    with pytest.raises(
        GradientShapeError,
        match=r"gradient 'b1' has shape \(16, 5\) but parameter 'b1' has shape \(5,\)\. "
        r"It has one gradient per sample \(16 rows\)",
    ) as info:
        check_gradients(loss, grad, net.init_params(seed=0))
    top = info.value.diagnoses[0]
    assert top.code == "bias_not_summed"
    assert "b1" in top.tensor
    assert "sum(axis=0)" in top.message


# -------------------------------------------------------- Problem helpers
def test_problem_properties():
    problem = Problem.create(_loss, _grad, _params())
    assert problem.names == ("W", "b")
    assert problem.size == 16
    assert problem.dtype == np.float64
    assert problem.base_loss() == pytest.approx(_loss(_params()))


def test_problem_dtype_is_the_result_type():
    problem = Problem.create(_loss, _grad, {"W": np.ones((3, 4), np.float32), "b": np.ones(4)})
    assert problem.dtype == np.float64
    problem = Problem.create(_loss, _grad, {"W": np.ones((3, 4), np.float32)})
    assert problem.dtype == np.float32


def test_validate_gradients_casts_to_float64_in_param_order():
    params = normalize_params({"W": np.ones((2, 2), np.float32), "b": np.ones(2, np.float32)})
    out = validate_gradients({"b": np.ones(2, np.float32), "W": np.ones((2, 2), int)}, params)
    assert list(out) == ["W", "b"]
    assert all(v.dtype == np.float64 for v in out.values())


def test_wrong_shape_with_a_kept_axis_says_keepdims_not_per_sample():
    """``np.sum(delta, axis=0, keepdims=True)`` for a bias of shape (4,): summed already, one axis too many."""
    kept = lambda p: {"W": np.cos(p["W"]), "b": (2 * p["b"])[None, :]}  # noqa: E731
    with pytest.raises(GradientShapeError, match=r"has shape \(1, 4\) but parameter 'b' has shape \(4,\)") as info:
        check(grad=kept)
    assert "keepdims=True" in str(info.value) and "per sample" not in str(info.value)
    assert "bias_not_summed" not in [d.code for d in info.value.diagnoses]


def test_a_columns_bias_left_per_sample_is_told_which_axis_to_sum():
    """b of shape (5, 1) with samples as columns: its gradient (5, N) is summed over axis 1, kept as a column."""
    err = GradientShapeError("b2", (5, 1), (5, 2))
    assert "only along axis 1" in str(err) and "dZ.sum(axis=1, keepdims=True)" in str(err)
    assert "axis 0" in str(GradientShapeError("b1", (1, 4), (7, 4)))
    assert "only along" not in str(GradientShapeError("W", (5, 3), (5, 2)))  # no axis of length 1 left unsummed


def test_a_list_of_weight_arrays_says_to_pass_a_dict():
    """``check_gradients(loss, grad, [W1, b1])``, the way a network's weights are often held, once ended in numpy's
    own "setting an array element with a sequence" from deep inside; it names what to pass instead."""
    import numpy as np
    import pytest

    from gradcheck import check_gradients

    W = [np.ones((2, 2)), np.ones(2)]
    with pytest.raises(TypeError, match=r"params is a list of 2 arrays of different shapes: pass a dict of name"):
        check_gradients(lambda p: 0.0, lambda p: p, W)
    # one array written as nested lists is still one tensor
    assert check_gradients(lambda p: float(np.sum(p**2)), lambda p: 2 * p, [[1.0, 2.0], [3.0, 4.0]]).status == "pass"
