"""gradcheck.audit.adapters: path helpers, argument binding, constructor-size inference,
matching returned arrays to parameters, and the less common submission shapes run
end to end through the worker (in-process): retries with another backward method,
updates without a learning rate, returned updated parameters, spec errors."""

from __future__ import annotations

import json
import sys
import textwrap
import threading
import types

import numpy as np
import pytest

from gradcheck.audit import spec, worker
from gradcheck.audit.adapters import calling, names, paths, sizes, target
from gradcheck.audit.adapters import params as aparams
from gradcheck.audit.adapters import step as astep
from gradcheck.audit.adapters.readers import returned, spec_grads, stored
from gradcheck.audit.loader import AuditError, StudentCodeError

RNG = np.random.default_rng(7)
X = RNG.normal(size=(6, 3))
Y = RNG.normal(size=(6, 2))


def audit(tmp_path, monkeypatch, source: str, spec: dict | None = None, data: bool = True) -> dict:
    """Run the worker in-process on ``source``; the result as JSON would hold it."""
    (tmp_path / "student.py").write_text(textwrap.dedent(source))
    req = {"submission": "student.py", "spec": spec or {}, "lrs": [1e-3, 2e-3]}
    if data:
        req.update(X=X.tolist(), Y=Y.tolist())
    (tmp_path / "req.json").write_text(json.dumps(req))
    monkeypatch.chdir(tmp_path)
    assert worker.main(["worker", "req.json"]) == 0
    return json.loads((tmp_path / "result.json").read_text())


def true_linear_grads(result: dict) -> list[np.ndarray]:
    """d/dW, d/db of sum((X W + b - Y)^2) / (2 N) at the reported parameters."""
    W, b = (np.asarray(p["data"], float) for p in result["params"])
    d = (X @ W + b - Y) / len(X)
    return [X.T @ d, d.sum(0)]


def grads_of(result: dict) -> list[np.ndarray]:
    return [np.asarray(g["data"], float) for g in result["grads"]]


HEAD = """
import numpy as np

class Net:
    def __init__(self, n_in, n_out):
        rng = np.random.default_rng(0)
        self.W1 = rng.normal(size=(n_in, n_out))
        self.b1 = np.zeros(n_out) + 0.1

    def forward(self, X):
        self.X = X
        self.out = X @ self.W1 + self.b1
        return self.out

    def _slopes(self, Y):
        d = (self.out - Y) / len(self.X)
        return self.X.T @ d, d.sum(0)
"""


# --------------------------------------------------------------------------- paths


class Obj:
    pass


def test_resolve_follows_attributes_items_and_calls():
    o = Obj()
    o.layers = [types.SimpleNamespace(parameters=lambda: {"w": 5})]
    assert paths.resolve(o, (("attr", "layers"), ("item", 0), ("call", "parameters"), ("item", "w"))) == 5


def test_assign_in_place_keeps_aliases_else_replaces():
    o = Obj()
    o.W = np.zeros(3)
    alias = o.W
    paths.assign(o, (("attr", "W"),), np.ones(3))
    assert alias is o.W and alias.tolist() == [1, 1, 1]
    o.L = [1.0, 2.0]  # not an array: replaced by a copy
    value = np.array([3.0, 4.0])
    paths.assign(o, (("attr", "L"),), value)
    assert isinstance(o.L, np.ndarray) and o.L is not value and o.L.tolist() == [3, 4]
    d = {"W": np.zeros(2)}
    paths.assign(d, (("item", "W"),), np.ones((2, 2)))  # other shape: replaced
    assert d["W"].shape == (2, 2)
    paths.assign(o, (("attr", "missing"),), np.ones(1))  # not there yet: created
    assert o.missing.tolist() == [1.0]


def test_fmt_path_with_calls_and_globals():
    assert paths.fmt_path("self", (("attr", "layers"), ("item", 0), ("call", "weight"))) == "self.layers[0].weight()"
    assert paths.fmt_path("", (("call", "params"), ("item", "W1"))) == "params()['W1']"
    assert paths.fmt_path("", (("item", 3),)) == "[3]"


def test_parse_path_negative_index_and_calls():
    assert paths.parse_path("self.layers[-1].weight") == (
        "self",
        (("attr", "layers"), ("item", -1), ("attr", "weight")),
    )
    assert paths.parse_path("model.parameters()[0]") == (
        None,
        (("name", "model"), ("call", "parameters"), ("item", 0)),
    )
    assert paths.parse_path("return['dW']") == ("ret", (("item", "dW"),))


def test_parse_path_syntax_error():
    with pytest.raises(AuditError, match=r"spec path 'self.W\[' is not a valid attribute/index expression"):
        paths.parse_path("self.W[")


def test_parse_path_unsupported_expression():
    with pytest.raises(AuditError, match=r"only names, .attributes, \[constant\] indexes and \(\)-calls are supported"):
        paths.parse_path("self.W[i]")


def test_is_bias_looks_through_data():
    assert names.is_bias("layers[0].bias.data") is True
    assert names.is_bias("layers[0].weight.data") is False


# --------------------------------------------------------------------------- discovery


def test_discover_params_depth_limit_skipped_objects_and_namespace_objects():
    class Param:
        def __init__(self, data):
            self.data, self.grad = data, np.zeros_like(data)

    net = Obj()
    net.W1 = np.ones((2, 2))
    net.optimizer = Param(np.ones((2, 2)))  # an optimizer's copy is not a parameter
    net.deep = {"a": {"b": {"c": {"d": {"W9": np.ones((2, 1))}}}}}  # deeper than 4 levels
    net.weight = Param(np.ones((3, 1)))
    found = aparams.discover_params(net)
    assert [t.name for t in found] == ["W1", "weight"]
    assert found[1].steps == (("attr", "weight"), ("attr", "data")) and found[1].param_obj == (("attr", "weight"),)
    ns = {"W1": np.ones((2, 2)), "model": net, "b1": np.zeros(2)}
    assert [t.name for t in aparams.discover_params(ns, root_is_namespace=True)] == ["W1", "b1"]


# --------------------------------------------------------------------------- binding


def test_role_lookup_through_builtins_without_signature():
    assert calling.accepts_role(min, "X") is None
    args, kwargs, used = calling.bind_args(min, {"X": lambda: 1, "Y": lambda: 2}, ["X", "Y", "lr"], "min")
    assert (args, kwargs, used) == ([1, 2], {}, ["X", "Y", "lr"])


def test_accepts_role_uses_spec_lr_arg():
    def train(X, Y, step):
        pass

    assert calling.accepts_role(train, "lr") is None
    assert calling.accepts_role(train, "lr", lr_arg="step") == "step"


def test_bind_args_keyword_only_and_defaults():
    def backward(X, *, y, alpha=0.1, note="n"):
        pass

    args, kwargs, used = calling.bind_args(
        backward, {"X": lambda: "x", "Y": lambda: "y", "lr": lambda: 0.5}, ["X", "Y"], "backward"
    )
    assert (args, kwargs, used) == (["x"], {"y": "y", "alpha": 0.5}, ["X", "Y", "lr"])


def test_bind_args_unknown_required_argument():
    def backward(X, mystery):
        pass

    # the key that binds it, not [entry] backward again (naming the backward binds nothing new)
    with pytest.raises(
        AuditError,
        match=r"cannot tell what to pass as argument 'mystery' of bw\(X, mystery\): set \[entry\] backward_args = "
        r"\{ mystery = \"\.\.\.\" \}, what the argument is: one of X, Y, out, dout, cache, lr, params",
    ):
        calling.bind_args(backward, {"X": lambda: 1}, ["X"], "bw")
    assert calling.ARG_ROLES == spec.ARG_ROLES  # (the worker's copy of the roles the spec accepts)


def test_call_student_lets_keyboard_interrupt_through():
    def stop():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        calling.call_student("backward", stop)


def test_call_student_wraps_system_exit():
    with pytest.raises(StudentCodeError, match=r"SystemExit: 4") as info:
        calling.call_student("backward", sys.exit, 4)
    assert info.value.where == "backward" and isinstance(info.value.original, SystemExit)


# --------------------------------------------------------------------------- constructor sizes


def _sizes(fn, n_in=3, n_out=2):
    return sizes.infer_call_sizes(fn, "Net", sizes.Sizes(n_in, n_out), X, Y, 0.05)


def test_constructor_taking_the_data_and_training_settings():
    def init(self, X, y, learning_rate, epochs, seed, verbose, hidden=4):
        pass

    args, kwargs, notes = _sizes(init)
    assert args[:2] == [X, Y] and args[2:] == [0.05, 1, 0, False] and kwargs == {}
    assert notes == ["Net called with inferred arguments ['X', 'Y', 0.05, 1, 0, False]"]


def test_constructor_without_signature():
    assert sizes.infer_call_sizes(min, "Net", sizes.Sizes(3, 2), X, Y, 0.1) == ([], {}, [])


def test_constructor_argument_that_cannot_be_inferred_names_the_spec_keys():
    with pytest.raises(AuditError, match=r"constructor argument 'mystery' of Net: set \[entry\] init_args"):
        _sizes(lambda self, n_in, mystery: None)


@pytest.mark.parametrize(
    ("init", "args", "invented"),
    [
        (lambda self, layers: None, [[3, 4, 2]], "layers = [3, 4, 2]"),
        (lambda self, n_in, n_hidden: None, [3, 4], "n_hidden = 4"),
        (lambda self, input_size, hidden_size, output_size, std=1e-4: None, [3, 4, 2], "hidden_size = 4"),
        (lambda self, n_in, hidden_layer_sizes: None, [3, [4]], "hidden_layer_sizes = [4]"),
    ],
)
def test_missing_hidden_sizes_are_invented_with_a_note(init, args, invented):
    got, kwargs, notes = _sizes(init)
    assert got == args and kwargs == {}
    assert f"Net: {invented} invented (the gradient check does not depend on sizes)" in notes


def test_constructor_with_default_layer_sizes_gets_the_data_sizes():
    def init(self, layers=(5, 8, 8, 1), *, seed=1):
        pass

    args, kwargs, _ = _sizes(init)
    assert args == [[3, 8, 8, 2]] and kwargs == {}


def test_constructor_needing_sizes_without_data():
    def init(self, n_in, n_out):
        pass

    with pytest.raises(AuditError, match=r"Net needs 'n_in' but no data was given") as info:
        sizes.infer_call_sizes(init, "Net", None, None, None, 0.1)
    assert info.value.type == "NeedsSizes"  # the driver then invents sizes


def test_object_that_cannot_be_deep_copied_is_rebuilt():
    notes: list[str] = []
    base = types.SimpleNamespace(lock=threading.Lock())
    made = []
    fresh = target.deepcopy_or(base, lambda: made.append(1) or "rebuilt", notes)
    assert fresh() == "rebuilt" and fresh() == "rebuilt"
    assert len(made) == 2
    assert notes == ["the object cannot be deep-copied (TypeError); a new one is built (seed 0) for each run"]


# --------------------------------------------------------------------------- matching returned arrays


def _t(name, shape):
    return aparams.Tensor(name, (("attr", name),), shape)


def test_match_by_unique_shape_when_names_do_not_help():
    params = [_t("W1", (3, 2)), _t("b1", (2,))]
    entries = [("foo", "ret['foo']", np.ones(2)), ("bar", "ret['bar']", np.ones((3, 2)))]
    grads, rule = returned.match_entries(entries, params, named=True)
    assert rule == "shape" and [(g.param, g.path) for g in grads] == [(1, "ret['foo']"), (0, "ret['bar']")]


def test_match_by_position_when_shapes_repeat():
    params = [_t("W1", (2, 2)), _t("W2", (2, 2)), _t("b", (2,))]
    entries = [("", "ret[0]", np.ones((2, 2))), ("", "ret[1]", np.ones((2, 2))), ("", "ret[2]", np.ones((1, 2)))]
    grads, rule = returned.match_entries(entries, params, named=False)
    assert rule == "position" and [g.param for g in grads] == [0, 1, 2]


def test_no_match():
    params = [_t("W1", (2, 2)), _t("W2", (2, 2))]
    assert returned.match_entries([("", "ret[0]", np.ones(5))], params, named=False) == ([], "")


def test_returned_gradients_with_other_shapes_are_flagged():
    params = [_t("W1", (3, 2)), _t("b1", (2,))]
    grads, shape, notes = returned.grads_from_return((np.ones((3, 2)), np.ones((1, 2))), params)
    assert shape == "grads-tuple" and [g.param for g in grads] == [0, 1]
    assert notes == ["returned gradients matched to the parameters by position although some shapes differ"]


def test_returned_parameter_objects_and_loss_value():
    class P:
        def __init__(self, data):
            self.data, self.grad = data, None

    params = [_t("W1", (3, 2))]
    grads, shape, notes = returned.grads_from_return((0.25, [P(np.full((3, 2), 2.0))]), params)
    assert shape == "loss-and-grads" and grads[0].path == "ret[1][0].data"
    assert notes == ["backward returned a loss value (0.25) and gradients"]
    assert returned.grads_from_return(np.ones(4), params) == ([], None, [])
    assert returned.grads_from_return({"note": "nothing here"}, params) == ([], None, [])


def test_name_match_rules():
    w = _t("layers[0].weight", (2, 2))
    assert returned.name_match("", w, True) is False
    assert returned.name_match("dweight[1]", w, True) is False  # other layer
    assert returned.name_match("dweight", w, True) is False  # an index on one side only
    assert returned.name_match("grad_weight[0]", w, False) is True


def test_stored_gradients_next_to_lists_and_broken_holders():
    net = Obj()
    net.weights = [np.ones((2, 2)), np.ones((2, 1))]
    net.dweights = [np.full((2, 2), 3.0)]  # only the first layer has one
    params = [
        aparams.Tensor("weights[0]", (("attr", "weights"), ("item", 0)), (2, 2)),
        aparams.Tensor("weights[1]", (("attr", "weights"), ("item", 1)), (2, 1)),
        aparams.Tensor("gone.W", (("attr", "gone"), ("attr", "W")), (2, 2)),
    ]
    grads, kind = stored.grads_stored(net, params, "self")
    assert kind == "grads-attributes"
    assert [(g.param, g.path) for g in grads] == [(0, "self.dweights[0]")]
    np.testing.assert_array_equal(grads[0].data, np.full((2, 2), 3.0))


def test_spec_paths_errors_and_fallbacks():
    root = {"W1": np.ones((2, 2)), "lr": 0.1}
    # params['W1'] when the root is the params dict itself: the leading name is dropped
    assert paths.resolve_spec(root, (("name", "params"), ("item", "W1")))[0] == (("item", "W1"),)
    with pytest.raises(AuditError, match=r"\[network\] params\[0\] 'self.W9' not found \(AttributeError"):
        aparams.params_from_spec(["self.W9"], root, "params")
    with pytest.raises(AuditError, match=r"\[network\] params\[0\] 'lr' is a float, not an array"):
        aparams.params_from_spec(["lr"], root, "params")


def test_spec_params_and_grads_on_parameter_objects():
    class P:
        def __init__(self, data):
            self.data, self.grad = data, data * 2

    net = Obj()
    net.fc = P(np.ones((2, 2)))
    (t,) = aparams.params_from_spec(["self.fc"], net, "self")
    assert t.name == "fc" and t.param_obj == (("attr", "fc"),) and t.steps[-1] == ("attr", "data")
    step = astep.Step1(net, [], [], None, None, None, False)
    (g,) = spec_grads.grads_from_spec(["self.fc"], step, [t], "self")
    np.testing.assert_array_equal(g.data, np.full((2, 2), 2.0))
    with pytest.raises(AuditError, match=r"\[network\] grads\[0\] 'self.dfc' not found after backward"):
        spec_grads.grads_from_spec(["self.dfc"], step, [t], "self")


def test_size_candidates_need_a_matrix():
    assert sizes.size_candidates([_t("b1", (3,)), _t("b2", (2,))]) == []
    assert sizes.size_candidates([_t("W1", (4, 3)), _t("W2", (2, 4))]) == [(3, 2), (4, 4)]  # out x in chain: W2 @ W1


# --------------------------------------------------------------------------- finding the model


def test_entry_not_defined(tmp_path, monkeypatch, clean_imports):
    r = audit(tmp_path, monkeypatch, HEAD, {"entry": "model.backward"})
    assert r["error"]["type"] == "EntryNotFound"
    assert r["error"]["message"].startswith(
        "the entry 'model.backward': 'model' is not defined by the submission (an object made by top-level code"
    )
    assert "classes: ['Net'], functions: []" in r["error"]["message"]


def test_entry_class_without_backward(tmp_path, monkeypatch, clean_imports):
    r = audit(tmp_path, monkeypatch, HEAD, {"entry": "Net"})
    assert r["error"]["message"] == "the entry 'Net' has no backward-ish method: set [entry] backward"


def test_entry_that_is_a_number(tmp_path, monkeypatch, clean_imports):
    r = audit(tmp_path, monkeypatch, HEAD + "\nlr = 0.1\n", {"entry": "lr"})
    assert r["error"]["message"] == "the entry 'lr' is neither a class nor a function"


def test_no_parameters_found(tmp_path, monkeypatch, clean_imports):
    source = """
    class Net:
        def __init__(self):
            self.k = 3
        def forward(self, X):
            return X
        def backward(self, X, Y):
            return {}
    """
    r = audit(tmp_path, monkeypatch, source)
    assert r["error"]["type"] == "ParamsNotFound"
    assert r["error"]["message"].startswith("no weight/bias arrays were found on Net (looked for W1/b1")


def test_no_data_and_no_matrix_to_read_sizes_from(tmp_path, monkeypatch, clean_imports):
    source = """
    import numpy as np
    class Net:
        def __init__(self):
            self.b1 = np.zeros(3)
        def forward(self, X):
            return X + self.b1
        def backward(self, X, Y):
            return {"b1": np.zeros(3)}
    """
    r = audit(tmp_path, monkeypatch, source, data=False)
    # nothing to read the sizes off: invented ones, the output width taken from the forward
    assert r["ok"] and np.shape(r["Y"]) == (16, 3) and np.shape(r["X"]) == (16, 3)
    assert any(n.startswith("no data and no sizes given: 3 inputs and 3 output(s) invented") for n in r["notes"])


# --------------------------------------------------------------------------- reading the gradient


def test_next_backward_method_is_tried_when_the_first_gives_nothing(tmp_path, monkeypatch, clean_imports):
    source = (
        HEAD
        + """
    def backward(self, X, Y):
        self.seen = True

    def gradients(self, X, Y):
        gW, gb = self._slopes(Y)
        return {"W1": gW, "b1": gb}
"""
    )
    r = audit(tmp_path, monkeypatch, source)
    assert r["ok"], r["error"]
    assert "Net.backward gave no gradients; trying Net.gradients" in r["notes"]
    assert r["entry"] == "Net.gradients"
    for got, want in zip(grads_of(r), true_linear_grads(r)):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_cs231n_loss_is_tried_as_forward_and_backward(tmp_path, monkeypatch, clean_imports):
    source = """
    import numpy as np

    class TwoLayer:
        def __init__(self, n_in, n_out):
            rng = np.random.default_rng(0)
            self.params = {"W1": rng.normal(size=(n_in, n_out)), "b1": np.zeros(n_out) + 0.1}

        def backward(self, X, Y):
            return None

        def loss(self, X, y=None):
            out = X @ self.params["W1"] + self.params["b1"]
            if y is None:
                return out
            d = (out - y) / len(X)
            return 0.5 * np.sum((out - y) ** 2) / len(X), {"W1": X.T @ d, "b1": d.sum(0)}
    """
    r = audit(tmp_path, monkeypatch, source)
    assert r["ok"], r["error"]
    assert r["entry"] == "TwoLayer.loss" and r["shape"] == "loss-and-grads"
    W, b = (np.asarray(p["data"], float) for p in r["params"])
    np.testing.assert_allclose(r["forward"], X @ W + b, rtol=1e-12)  # loss(X) without y is the forward
    for got, want in zip(grads_of(r), true_linear_grads(r)):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_spec_grads_when_backward_also_updates(tmp_path, monkeypatch, clean_imports):
    source = (
        HEAD
        + """
    def backward(self, X, Y):
        self.dW1, self.db1 = self._slopes(Y)
        self.W1 -= 0.1 * self.dW1
"""
    )
    r = audit(tmp_path, monkeypatch, source, {"grads": ["self.dW1", "self.db1"]})
    assert r["ok"] and r["shape"] == "spec"
    assert "backward also changed the weights; gradients read from [network] grads" in r["notes"]
    for got, want in zip(grads_of(r), true_linear_grads(r)):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_returned_gradients_used_when_backward_also_updates(tmp_path, monkeypatch, clean_imports):
    source = (
        HEAD
        + """
    lr = 0.1

    def backward(self, X, Y):
        gW, gb = self._slopes(Y)
        self.W1 = self.W1 - self.lr * gW
        return {"W1": gW, "b1": gb}
"""
    )
    r = audit(tmp_path, monkeypatch, source)
    assert r["ok"] and r["shape"] == "grads-dict"
    assert "backward also changed the weights; the returned gradients are used" in r["notes"]
    for got, want in zip(grads_of(r), true_linear_grads(r)):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_missing_gradient_is_noted(tmp_path, monkeypatch, clean_imports):
    source = (
        HEAD
        + """
    def backward(self, X, Y):
        return {"W1": self._slopes(Y)[0]}
"""
    )
    r = audit(tmp_path, monkeypatch, source)
    assert r["ok"] and [g["param"] for g in r["grads"]] == ["W1"]
    assert "no gradient found for b1" in r["notes"]


def _written_rates(w_update: str, b_update: str) -> str:
    """A backward updating W1 and b1 in place with the updates written out."""
    return (
        HEAD
        + f"""
    def backward(self, X, Y):
        gW, gb = self._slopes(Y)
        {w_update}
        {b_update}
"""
    )


def test_update_with_a_hard_coded_learning_rate_reads_the_gradient(tmp_path, monkeypatch, clean_imports):
    r = audit(tmp_path, monkeypatch, _written_rates("self.W1 -= 0.5 * gW", "self.b1 = self.b1 - gb * 0.5"))
    assert r["ok"] and r["shape"] == "inplace-update"
    assert r["update"]["via"] == "the number written in the update" and r["update"]["linear_in_lr"]
    assert any(n.startswith("the update is scaled by the number 0.5 written in Net.backward") for n in r["notes"])
    for got, want in zip(grads_of(r), true_linear_grads(r)):
        np.testing.assert_allclose(got, want, rtol=1e-9)


def test_written_numbers_that_disagree_are_not_a_rate(tmp_path, monkeypatch, clean_imports):
    r = audit(tmp_path, monkeypatch, _written_rates("self.W1 -= 0.5 * gW", "self.b1 -= 0.1 * gb"))
    assert r["update"]["lrs"] == [1.0] and r["update"]["note"] == "learning rate unknown; lr = 1 assumed"
    assert any(n.startswith("the weights changed in place but no learning rate") for n in r["notes"])
    for got, want, scale in zip(grads_of(r), true_linear_grads(r), (0.5, 0.1)):
        np.testing.assert_allclose(got, scale * want, rtol=1e-9)


def test_state_check_skipped_when_a_second_step_fails(tmp_path, monkeypatch, clean_imports):
    source = (
        HEAD
        + """
    calls = 0

    def backward(self, X, Y, lr):
        self.calls += 1
        if self.calls > 1:
            raise RuntimeError("this object was already trained")
        gW, gb = self._slopes(Y)
        self.W1 -= lr * gW
        self.b1 -= lr * gb
"""
    )
    r = audit(tmp_path, monkeypatch, source)
    assert r["ok"] and r["shape"] == "inplace-update"
    assert r["update"]["stateful"] is None and r["update"]["linear_in_lr"] is True
    assert any(n.startswith("second update step for the state check failed (") for n in r["notes"])
    for got, want in zip(grads_of(r), true_linear_grads(r)):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_backward_returning_updated_parameters(tmp_path, monkeypatch, clean_imports):
    source = (
        HEAD
        + """
    def backward(self, X, Y, lr):
        gW, gb = self._slopes(Y)
        return {"W1": self.W1 - lr * gW, "b1": self.b1 - lr * gb}
"""
    )
    r = audit(tmp_path, monkeypatch, source)
    assert r["ok"] and r["shape"] == "returns-updated-params"
    assert r["update"]["linear"] is True and r["update"]["via"] == "argument 'lr'"
    assert "backward returned updated parameters; gradient inferred from (before - returned) / lr" in r["notes"]
    for got, want in zip(grads_of(r), true_linear_grads(r)):
        np.testing.assert_allclose(got, want, rtol=1e-6)


# --------------------------------------------------------------------------- loss of layer stacks

STACK = """
import numpy as np

class Net:
    def __init__(self, n_in, n_out):
        rng = np.random.default_rng(0)
        self.W1 = rng.normal(size=(n_in, n_out))
        self.b1 = np.zeros(n_out) + 0.1

    def forward(self, x):
        self.x = x
        return x @ self.W1 + self.b1

    def backward(self, dout):
        self.dW1 = self.x.T @ dout
        self.db1 = dout.sum(0)
"""


def test_spec_loss_that_does_not_exist(tmp_path, monkeypatch, clean_imports):
    r = audit(tmp_path, monkeypatch, STACK, {"loss": "HuberLoss"})
    assert r["ok"] is False
    assert r["error"]["message"] == "[loss] student 'HuberLoss' is not defined by the submission"


def test_several_loss_derivatives_are_ambiguous(tmp_path, monkeypatch, clean_imports):
    source = (
        STACK
        + """
def mse_prime(y_pred, y):
    return (y_pred - y) / len(y)

def bce_prime(y_pred, y):
    return (y_pred - y) / (y_pred * (1 - y_pred))
"""
    )
    r = audit(tmp_path, monkeypatch, source)
    assert r["error"]["message"] == "found several losses bce_prime and mse_prime: set [loss] student"


def test_loss_lookup_errors_keep_their_type_and_place(tmp_path, monkeypatch, clean_imports):
    # DEFECT: find_loss runs inside call_student("loss gradient", ...) (Runner.step's ctx["dout"]),
    # so the grader's own AuditError(type_="LossNotFound", where="finding the loss") is wrapped
    # as if the student's code had raised it: reported as type "AuditError", where "loss gradient",
    # with a traceback through gradcheck/audit/adapters/.
    r = audit(tmp_path, monkeypatch, STACK)
    assert r["error"]["message"].startswith("backward needs the loss gradient dL/d(output) but no loss class")
    assert (r["error"]["type"], r["error"]["where"]) == ("LossNotFound", "finding the loss")
    assert "gradcheck/audit/adapters" not in r["error"]["traceback"]


def test_spec_loss_picks_the_derivative(tmp_path, monkeypatch, clean_imports):
    source = (
        STACK
        + """
def mse_prime(y_pred, y):
    return (y_pred - y) / len(y)

def bce_prime(y_pred, y):
    return (y_pred - y) / (y_pred * (1 - y_pred))
"""
    )
    r = audit(tmp_path, monkeypatch, source, {"loss": "mse_prime"})
    assert r["ok"], r["error"]
    assert "backward was given dL/d(output) from the student's mse_prime" in r["notes"]
    for got, want in zip(grads_of(r), true_linear_grads(r)):
        np.testing.assert_allclose(got, want, rtol=1e-12)


# --------------------------------------------------------------------------- outputs, positional parameters, projects


def test_network_output_wherever_the_forward_leaves_it():
    from gradcheck.audit.adapters.outputs import network_output, thresholded

    out = np.arange(6.0).reshape(3, 2) / 7

    def fwd(X):
        Z1, A1, Z2, A2 = 1, 2, 3, 4
        return Z1, A1, Z2, A2

    assert network_output(fwd, (out + 1, out + 2, out + 3, out), None, 3)[1] == "returned A2"
    inner = types.SimpleNamespace(output=out)
    holder = type("Model", (), {})()
    holder.dense = type("Dense", (), {})()
    holder.loss_activation = type("Act", (), {})()
    holder.loss_activation.output = out
    found, how = network_output(None, 0.7, holder, 3)  # nnfs: forward returns the loss, the output is stored
    assert how == "stored" and found is out
    assert network_output(None, None, inner, 3)[0] is out  # stored on the object itself
    assert network_output(None, None, {"output": out}, 3)[0] is None  # a dict is not searched
    assert thresholded(np.array([0, 1, 1, 0])) and thresholded(np.array([[2.0], [0.0], [1.0]]))
    assert not thresholded(out) and not thresholded(np.zeros(4))


def test_parameters_from_an_initializer_returning_a_tuple(tmp_path, monkeypatch, clean_imports):
    source = """
    import numpy as np
    def init_params(n_in=3, n_hidden=4, n_out=2):
        W1 = np.random.randn(n_in, n_hidden)
        b1 = np.zeros(n_hidden)
        W2 = np.random.randn(n_hidden, n_out)
        b2 = np.zeros(n_out)
        return W1, b1, W2, b2
    def forward_prop(X, W1, b1, W2, b2):
        Z1 = X @ W1 + b1
        A1 = np.tanh(Z1)
        Z2 = A1 @ W2 + b2
        return Z1, A1, Z2
    def backward_prop(X, Y, Z1, A1, Z2, W2):
        d2 = 2 * (Z2 - Y) / Y.size
        d1 = d2 @ W2.T * (1 - A1 ** 2)
        return X.T @ d1, d1.sum(0), A1.T @ d2, d2.sum(0)
    """
    r = audit(tmp_path, monkeypatch, source)
    assert r["ok"], r["error"]
    assert "parameters from init_params()" in r["notes"]
    assert [p["name"] for p in r["params"]] == ["W1", "b1", "W2", "b2"] and r["shape"] == "grads-tuple"
    W1, b1, W2, b2 = (np.asarray(p["data"]) for p in r["params"])
    A1 = np.tanh(X @ W1 + b1)
    d2 = 2 * (A1 @ W2 + b2 - Y) / Y.size
    assert np.allclose(grads_of(r)[2], A1.T @ d2)


def test_a_forward_returning_layer_lists_gives_the_last_activation():
    """``return pres, acts``: the output is acts[-1], whichever list comes first and however it is named."""
    from gradcheck.audit.adapters.outputs import list_output, network_output

    X = np.ones((5, 3))
    z1, a1, z2 = np.full((5, 4), -1.0), np.full((5, 4), 0.3), np.full((5, 2), 2.0)
    out = 1 / (1 + np.exp(-z2))

    def forward(weights, biases, X):
        pres, acts = [], [X]
        return pres, acts

    found, how = network_output(forward, ([z1, z2], [X, a1, out]), None, 5)
    assert found is out and how == "returned acts[-1]"
    # the activations' list holds the input too: it is the longer one, first or last
    assert list_output(([X, a1, out], [z1, z2]), [], 5)[0] is out
    # equal lengths: the list not named like pre-activations
    assert list_output(([a1, out], [z1, z2]), ["activations", "zs"], 5)[0] is out
    assert list_output(([z1, z2], [a1, out]), ["zs", "activations"], 5)[0] is out
    # lists that are not per-sample arrays are no output
    assert list_output(([np.ones((3, 4)), np.ones((4, 2))], 0.5), [], 5) is None


def test_parameters_passed_to_methods_and_made_nowhere_are_named_unsupported(tmp_path, monkeypatch, clean_imports):
    source = """
    import numpy as np
    class Model:
        def __init__(self, architecture):
            self.architecture = architecture
        def forward(self, theta, X):
            return theta["W1"] @ X + theta["b1"]
        def backprop(self, theta, X, Y):
            return {"W1": (self.forward(theta, X) - Y) @ X.T, "b1": (self.forward(theta, X) - Y).sum(1, keepdims=True)}
    """
    r = audit(tmp_path, monkeypatch, source)
    assert r["error"]["type"] == "ParamsNotFound"
    message = r["error"]["message"]
    assert message.startswith("Model.backprop is given the parameters as its argument 'theta'")
    assert "no spec setting reaches them" in message


def test_parameters_a_method_makes_are_given_to_the_methods(tmp_path, monkeypatch, clean_imports):
    source = """
    import numpy as np
    class Model:
        def __init__(self, sizes):
            self.sizes = sizes
        def initialize(self):
            return {"W1": np.random.randn(self.sizes[1], self.sizes[0]), "b1": np.zeros((self.sizes[1], 1))}
        def forward(self, params, X):
            return params["W1"] @ X + params["b1"]
        def backward(self, params, X, Y):
            d = (self.forward(params, X) - Y) / X.shape[1]
            return {"dW1": d @ X.T, "db1": d.sum(axis=1, keepdims=True)}
    """
    r = audit(tmp_path, monkeypatch, source)
    assert r["error"] is None, r["error"]
    assert r["shape"] == "grads-dict" and [g["param"] for g in r["grads"]] == ["W1", "b1"]
    assert any("parameters from Model.initialize(), passed to Model.backward" in n for n in r["notes"])


def test_layer_classes_no_model_holds_are_named_not_modelled(tmp_path, monkeypatch, clean_imports):
    source = """
    import numpy as np
    class nn_linear_layer:
        def __init__(self, n_in, n_out):
            self.W = np.ones((n_out, n_in))
        def forward(self, x):
            return self.W @ x
        def backprop(self, x, dy):
            return dy @ x.T
    class nn_activation_layer:
        def forward(self, x):
            return np.tanh(x)
        def backprop(self, x, dy):
            return dy * (1 - np.tanh(x) ** 2)
    """
    r = audit(tmp_path, monkeypatch, source)
    assert r["error"]["type"] == "AmbiguousEntry"
    message = r["error"]["message"]
    assert "they look like layers" in message and "no spec setting assembles them" in message


def test_a_rate_given_a_number_in_the_method_is_read_the_same_way(tmp_path, monkeypatch, clean_imports):
    source = _written_rates("lr = 0.2", "self.W1 -= lr * gW; self.b1 -= lr * gb")
    r = audit(tmp_path, monkeypatch, source)
    assert r["update"]["via"] == "the number written in the update" and r["update"]["linear_in_lr"]
    for got, want in zip(grads_of(r), true_linear_grads(r)):
        np.testing.assert_allclose(got, want, rtol=1e-9)


def test_penalty_and_dropout_defaults_are_neutralised(tmp_path, monkeypatch, clean_imports):
    source = """
    import numpy as np
    class Net:
        def __init__(self, n_in=3, n_out=1, reg_lambda=0.1, keep_prob=0.8, momentum=0.9):
            self.W1 = np.ones((n_in, n_out)); self.b1 = np.zeros(n_out)
            self.reg_lambda, self.keep_prob, self.momentum = reg_lambda, keep_prob, momentum
        def forward(self, X):
            return X @ self.W1 + self.b1
        def backward(self, X, Y):
            d = (self.forward(X) - Y) / len(X)
            return {"W1": X.T @ d + self.reg_lambda * self.W1, "b1": d.sum(0)}
    """
    r = audit(tmp_path, monkeypatch, source)
    notes = " | ".join(r["notes"])
    assert "reg_lambda = 0 given instead of its default 0.1" in notes
    assert "keep_prob = 1 given instead of its default 0.8" in notes
    assert "momentum" not in notes  # not a penalty: its default is kept
