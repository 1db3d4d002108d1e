"""Unit tests of the pieces behind the held-out shapes: inline updates, argument roles, loss bindings, inline
losses, parameter pairing and lists, priming, built models, the single-layer refusal, stand-ins."""

from __future__ import annotations

import ast
import textwrap
import types

import numpy as np
import pytest

from gradcheck.audit import hoist
from gradcheck.audit.adapters import argroles, inline, lossfind, prime
from gradcheck.audit.adapters import params as aparams
from gradcheck.audit.adapters.returns import output_index
from gradcheck.audit.adapters.shapes.lists import _keyed
from gradcheck.audit.adapters.sizes import infer_call_sizes, make_batch
from gradcheck.audit.lossfit import LossChoice
from gradcheck.audit.lossverdict import spec_lines
from gradcheck.audit.network import candidates
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.standins import install_fake_sklearn
from reference_nets.mlp import MLPConfig


def _stmts(src: str) -> list[ast.stmt]:
    return ast.parse(textwrap.dedent(src)).body


# --------------------------------------------------------------------------- inline updates (hoist)
@pytest.mark.parametrize(
    "line, param, sign, lr",
    [
        ("syn1 += l1.T.dot(l2_delta)", "syn1", -1.0, None),
        ("synapse_0 -= alpha * (layer_0.T.dot(d))", "synapse_0", 1.0, "alpha"),
        ("w2 += lr * a2.T @ d_out", "w2", -1.0, "lr"),
        ("W = W - 0.5 * X.T @ D", "W", 1.0, "0.5"),
        ("weights_1 = weights_1 + np.dot(h.T, delta) * eta", "weights_1", -1.0, "eta"),
    ],
)
def test_inline_update_read(line, param, sign, lr):
    upd, _ = hoist.inline_update(_stmts(line)[0])
    assert (upd.param, upd.sign, upd.lr) == (param, sign, lr)


@pytest.mark.parametrize("line", ["W1 -= lr * dW1", "count += 1", "theta = theta + step", "total += loss.sum()"])
def test_updates_that_name_their_gradient_or_are_not_weights_are_left_alone(line):
    assert hoist.inline_update(_stmts(line)[0]) is None


def _run(stmts, ns):
    exec(compile(ast.Module(body=stmts, type_ignores=[]), "<s>", "exec"), ns)
    return ns


def test_rewritten_script_computes_the_same_weights_and_names_each_gradient():
    src = """
    import numpy as np
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 3)); y = rng.random((6, 1))
    syn0 = rng.normal(size=(3, 4)); syn1 = rng.normal(size=(4, 1))
    for j in range(3):
        l1 = 1 / (1 + np.exp(-X @ syn0))
        l2 = 1 / (1 + np.exp(-l1 @ syn1))
        d2 = (y - l2) * l2 * (1 - l2)
        d1 = d2 @ syn1.T * l1 * (1 - l1)
        syn1 += l1.T.dot(d2)
        syn0 += 0.5 * X.T.dot(d1)
    """
    stmts = _stmts(src)
    plain = _run(stmts, {})
    rewritten = _run(hoist.rewrite(stmts, ["syn0", "syn1"]), {})
    assert np.array_equal(plain["syn0"], rewritten["syn0"]) and np.array_equal(plain["syn1"], rewritten["syn1"])
    # the last pass's gradients: minus the increment, the learning rate 0.5 divided out
    assert np.allclose(rewritten["__grad_syn1"], -rewritten["l1"].T.dot(rewritten["d2"]))
    assert np.allclose(rewritten["__grad_syn0"], -rewritten["X"].T.dot(rewritten["d1"]))
    assert [(u.param, u.lr) for u in hoist.updates(stmts)] == [("syn1", None), ("syn0", "0.5")]


def test_an_update_reading_a_weight_updated_before_it_is_not_hoisted():
    stmts = _stmts("for i in range(2):\n    W2 += h.T @ d\n    W1 += X.T @ (d @ W2.T)\n")
    body = hoist.rewrite(stmts, ["W1", "W2"])[0].body
    kinds = [ast.unparse(s).split(" ")[0] for s in body]
    assert kinds == ["__grad_W2", "W2", "__grad_W1", "W1"]  # the script's own order is kept


# --------------------------------------------------------------------------- argument roles
def test_sizes_by_use_and_rates_by_storage():
    def init_model(d, h, k, seed=0):
        r = np.random.RandomState(seed)
        return {"W1": r.randn(d, h), "b1": np.zeros(h), "W2": r.randn(h, k), "b2": np.zeros(k)}

    class NN:
        def __init__(self, a, b, c, r, reg):
            self.w1 = np.random.uniform(-1, 1, (b, a))
            self.w2 = np.random.uniform(-1, 1, (c, b))
            self.r, self.reg = r, reg

    from gradcheck.audit.adapters.sizes import Sizes

    args, _, notes = infer_call_sizes(init_model, "init_model", Sizes(3, 2, True), None, None, 0.01)
    assert args[0] == 3 and args[2] == 2 and args[1] not in (3, 2)
    args, _, notes = infer_call_sizes(NN.__init__, "NN", Sizes(3, 2, True), None, None, 0.01)
    assert args[0] == 3 and args[2] == 2 and args[3] == 0.01 and args[4] == 0.0, (args, notes)
    assert any("reg = 0 given" in n for n in notes) and any("r = 0.01 given" in n for n in notes)


@pytest.mark.parametrize(
    "names, expected",
    [
        (["inputnodes", "hiddennodes", "outputnodes"], ["n_in", "hidden", "n_out"]),
        (["n_features", "width", "numclasses"], ["n_in", None, "n_out"]),
    ],
)
def test_compound_size_names(names, expected):
    from gradcheck.audit.adapters.names import size_role

    assert [size_role(n) for n in names] == expected


def test_order_sizes_fills_first_last_and_hidden():
    assert argroles.order_sizes({"d": None, "h": "hidden", "k": None}, ["d", "k"], ["d", "h", "k"]) == {
        "d": "n_in",
        "k": "n_out",
    }
    assert argroles.order_sizes({"n_in": "n_in", "a": None}, ["a"], ["n_in", "a"]) == {"a": "n_out"}


def test_objects_are_not_numbers():
    def make(self, layers, activation, lr):
        self.layers, self.activation, self.lr = layers, activation, lr

    assert not argroles.used_as_number(make, "activation") and argroles.used_as_number(make, "lr")


# --------------------------------------------------------------------------- binding a student's loss
@pytest.mark.parametrize(
    "src, orders",
    [
        ("def f(y_true, y_pred): pass", [[("y_true", "Y"), ("y_pred", "out")]]),
        ("def f(a, b): pass", [[("a", "out"), ("b", "Y")], [("a", "Y"), ("b", "out")]]),
        ("def f(params, X, Y): pass", [[("params", "params"), ("X", "X"), ("Y", "Y")]]),
        ("def f(A2, Y): pass", [[("A2", "out"), ("Y", "Y")]]),
        (
            "def f(weights, biases, X, Y): pass",
            [[("weights", "=weights"), ("biases", "=biases"), ("X", "X"), ("Y", "Y")]],
        ),
        ("def f(y): pass", []),  # nothing to predict from
        ("def f(x, y_pred): pass", []),  # no target
    ],
)
def test_loss_bindings(src, orders):
    ns: dict = {}
    exec(src, ns)
    available = {"out", "Y", "X", "params"}
    assert list(lossfind.bindings(ns["f"], {"weights", "biases"}, available)) == orders


def test_a_models_own_method_may_read_its_stored_output():
    def loss(y):
        pass

    assert list(lossfind.bindings(loss, set(), {"out", "Y"}, stateful=True)) == [[("y", "Y")]]


@pytest.mark.parametrize(
    "name, is_loss",
    [
        ("compute_cost", True),
        ("binary_cross_entropy", True),
        ("mse", True),
        ("mse_prime", False),
        ("accuracy", False),
        ("train_loss", False),
        ("val_loss", False),
        ("cost_derivative", False),
        # losses named for their kind, as regression and margin losses are
        ("squared_hinge", True),
        ("huber", True),
        ("mae", True),
        ("log_cosh", True),
        ("pinball_loss", True),
        ("focal_loss", True),
        ("kl_div", True),
        ("d_huber", False),
        ("hinge_grad", False),
        ("log_softmax", False),
        ("machine", False),
    ],
)
def test_loss_names(name, is_loss):
    assert lossfind.is_loss_name(name) is is_loss


def test_inline_losses_found_and_bound():
    tree = ast.parse(
        textwrap.dedent(
            """
            def train(X, Y):
                for e in range(10):
                    a1, a2 = forward(X)
                    cost = -np.mean(Y * np.log(a2) + (1 - Y) * np.log(1 - a2))
                    l2_error = Y - a2
                    total_error = np.mean(np.abs(l2_error))
            """
        )
    )
    found = list(inline.in_tree(tree, "s.py"))
    # ``l2_error = Y - a2`` is a signed residual, never a loss value: not a candidate
    assert [f.target for f in found] == ["cost", "total_error"]
    cost, total = found
    ns = {"np": np}
    assert list(inline.name_bindings(cost, ns, set(), {"out", "Y", "X"}, None)) == [
        [("np", ""), ("Y", "Y"), ("a2", "out")]
    ]
    assert list(inline.name_bindings(total, ns, set(), {"out", "Y", "X"}, None)) == []  # no target: a metric


def test_a_loss_summed_over_a_list_of_pairs_reads_the_list_as_the_batchs_samples():
    tree = ast.parse(
        textwrap.dedent(
            """
            def total_cost(self, data, lmbda):
                cost = 0.0
                for x, y in data:
                    cost += fn(self.feedforward(x), y) / len(data)
                cost += 0.5 * (lmbda / len(data)) * penalty
                for k in range(3):
                    error += np.sum(data) / n
            """
        )
    )
    found = list(inline.in_tree(tree, "s.py"))
    summed, other = found  # the penalty added after the loop is a term of the loss, no loss on its own
    assert (summed.line, other.line) == (5, 8)
    assert summed.looped == {"data"}  # ``data`` of ``for x, y in data``: len(data) is the number of samples
    assert other.looped == frozenset()  # inside a loop, but not over data
    bindings = list(inline.name_bindings(summed, {"fn": len}, set(), {"out", "Y", "X", "self"}, None))
    assert bindings and all(b[-1] == ("data", inline.SAMPLES) for b in bindings)


# --------------------------------------------------------------------------- parameters
def _t(name, shape):
    return aparams.Tensor(name, (), shape)


def test_biases_paired_with_their_weights():
    found = [_t("w_ih", (4, 3)), _t("w_ho", (1, 4)), _t("b_h", (4, 1)), _t("b_o", (1, 1))]
    assert [t.name for t in aparams.order_params(found)] == ["w_ih", "b_h", "w_ho", "b_o"]
    unpairable = [_t("w_a", (4, 4)), _t("w_b", (4, 4)), _t("b_a", (4,)), _t("b_b", (4,))]
    assert [t.name for t in aparams.order_params(unpairable)] == ["w_a", "w_b", "b_a", "b_b"]


def test_returned_lists_keyed_like_the_parameter_lists():
    root = {"weights": [np.zeros((3, 4)), np.zeros((4, 1))], "biases": [np.zeros(4), np.zeros(1)]}
    dW, db = [np.ones((3, 4)), np.ones((4, 1))], [np.ones(4), np.ones(1)]
    assert _keyed((dW, db), root) == {"weights": dW, "biases": db}
    assert _keyed((db, dW), root) == {"weights": dW, "biases": db}  # Nielsen's (nabla_b, nabla_w)
    per_sample = [np.ones((16, 4)), np.ones((16, 1))]  # not summed: the argument order decides
    assert _keyed((dW, per_sample), root) == {"weights": dW, "biases": per_sample}
    assert _keyed({"W": 1}, root) == {"W": 1}


@pytest.mark.parametrize(
    "names, expected",
    [(["a1", None], 1), ([None, "A1"], 0), (["Z1", "A1", "Z2", "A2"], 3), (["A2", "cache"], 0), ([None, None], 0)]
    + [(["Z1", "A1", "Z2"], 2), (["z1", "a1", "z2", "a2"], 3), (["Z1", "A1", "Z2", "A2", "Z3"], 4)],
)
def test_the_output_among_returned_values(names, expected):
    values = tuple(np.zeros((2, 2)) for _ in names)
    assert output_index(names, values, 2) == expected


def test_a_backward_taking_nothing_is_primed():
    class Net:
        def backward(self):
            pass

    backward = Net().backward

    def backward_lr(lr):
        pass

    def backward_dout(grad):
        pass

    def backward_xy(X, y):
        pass

    def backward_mystery(thing):
        pass

    assert prime.takes_nothing(backward) and prime.takes_nothing(backward_lr)
    assert not any(prime.takes_nothing(f) for f in (backward_dout, backward_xy, backward_mystery))


def test_one_layer_of_weights_is_a_depth_zero_candidate():
    """A logistic regression's (3, 1) weight and bias: reference nets of no hidden layer, every output."""
    params = {"w": np.zeros((3, 1)), "b": np.zeros(1)}
    found = list(candidates(params, np.zeros((5, 3)), 1, AuditSpec({})))
    assert found and {c.depth for _, c in found} == {0} and {c.sizes for _, c in found} == {(3, 1)}
    assert {c.output for _, c in found} == {"identity", "sigmoid", "tanh"}


# --------------------------------------------------------------------------- data, spec lines, stand-ins
def test_invented_batch_one_hot_rows_for_several_outputs():
    X, Y = make_batch(3, 4, 16, 0)
    assert X.shape == (16, 3) and np.all(Y.sum(axis=1) == 1) and np.all(Y.sum(axis=0) == 4)
    _, y = make_batch(3, 1, 16, 0)
    assert set(np.unique(y)) == {0.0, 1.0} and y.shape == (16, 1)


def test_spec_lines_declare_the_convention():
    config = MLPConfig((3, 4, 1), ("tanh",), output="sigmoid", loss="mse", over_samples="sum", half=True)
    assert spec_lines(LossChoice(config, 1.0, "convention")) == 'name = "mse", reduction = "sum", half = true'


def test_sklearn_metrics_stand_in(monkeypatch):
    import importlib.util
    import sys

    if importlib.util.find_spec("sklearn") is not None:
        pytest.skip("scikit-learn is installed: no stand-in")
    for name in ("sklearn", "sklearn.model_selection", "sklearn.metrics"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    assert install_fake_sklearn("from sklearn.metrics import r2_score")
    from sklearn.metrics import r2_score  # type: ignore[import-not-found]

    assert np.isnan(r2_score([1.0], [1.0]))


# --------------------------------------------------------------------------- a network built inside main()
def test_a_call_reading_a_local_list_is_built_from_the_list():
    from gradcheck.audit.adapters.built import _inlined

    tree = ast.parse("def main():\n    x = load()\n    layers = [Dense(2, 3), Tanh()]\n    model = Net(layers)\n")
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "Net")
    ns = {"Net": object, "Dense": object, "Tanh": object, "layers": types.ModuleType("layers")}
    assert ast.unparse(_inlined(call, tree, ns)) == "Net([Dense(2, 3), Tanh()])"
    assert ast.unparse(_inlined(call, tree, {**ns, "layers": [1]})) == "Net(layers)"  # a real value is kept


def test_a_loss_is_known_by_its_base_class():
    from gradcheck.audit.adapters.names import loss_named

    class Loss:
        pass

    class MeanSquared(Loss):
        pass

    class Sequential:
        pass

    assert loss_named(MeanSquared) and loss_named(Loss) and not loss_named(Sequential)
