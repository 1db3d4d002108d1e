"""Shapes met on independently written submissions: a penalty argument, a size list's depth, a kinked start.

- ``backward(..., lambd)`` beside ``cost(..., lambd)``: both get the same penalty, and a total
  loss with its penalty written inline is read as the data loss plus ``(l2 / 2) * sum(W**2)``
  only when l2 is a usual form of that penalty (the examples ``penalty_arg_dims_*`` run it end to end);
- ``initialize_parameters(layer_dims)`` whose forward reads ``parameters["W3"]``: three layers;
- ``return Z1, A1, Z2``: the identity output layer ``Z2`` is the output (tests/test_adapters_heldout.py);
- a ReLU unit exactly at 0 at the student's own weights: the grader's second point decides.
"""

from __future__ import annotations

import ast
import dataclasses
import sys
import textwrap
import types

import numpy as np
import pytest

from gradcheck.audit import lossfit
from gradcheck.audit.adapters import depth, inline
from gradcheck.audit.adapters.calling import bind_args
from gradcheck.audit.adapters.lossfind import bindings_for_names
from gradcheck.audit.adapters.names import PENALTY_VALUE
from gradcheck.audit.consistency import _clear_of_kinks
from gradcheck.audit.grade import SubmissionResult
from gradcheck.result import Diagnosis, TensorResult
from reference_nets.mlp import MLP, MLPConfig


def _module(source: str, name: str) -> types.ModuleType:
    """A module whose source inspect can read back (written to a temporary file)."""
    import importlib.util
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_depth_from_the_codes_own_call_of_the_initializer():
    m = _module(
        """
        def init(layer_dims):
            return {}
        def model(X):
            return init([X.shape[0], 20, 7, 5, 1])
        """,
        "depth_call",
    )
    assert depth.layer_count(m.init, 0, "layer_dims") == 4


def test_depth_from_a_list_bound_to_the_name_the_call_passes():
    m = _module(
        """
        def init(dims):
            return {}
        sizes = [2, 8, 1]
        params = init(dims=sizes)
        """,
        "depth_named",
    )
    assert depth.layer_count(m.init, 0, "dims") == 2


def test_depth_from_a_concatenated_list_whose_middle_the_code_checks():
    # main() builds the sizes as [n_in] + hidden + [n_out] and refuses hidden lists not of length 3
    m = _module(
        """
        import sys
        def make_net(sizes, seed=0):
            return [], []
        def main(hidden):
            if len(hidden) != 3:
                sys.exit("need exactly 3 hidden sizes")
            return make_net([4] + hidden + [2], seed=1)
        """,
        "depth_concat",
    )
    assert depth.layer_count(m.make_net, 0, "sizes") == 4


def test_depth_from_the_highest_weight_key_read():
    m = _module(
        """
        def init(layer_dims):
            return {}
        def forward(X, p):
            return p["W1"] @ X, p['W3'], p["w_2"]
        """,
        "depth_keys",
    )
    assert depth.layer_count(m.init, 0, "layer_dims") == 3


def test_no_depth_where_the_code_says_nothing():
    m = _module("def init(layer_dims):\n    return {}\n", "depth_none")
    assert depth.layer_count(m.init, 0, "layer_dims") is None


def test_a_penalty_argument_gets_the_penalty_and_nothing_else_does():
    def backward(X, Y, cache, lambd):
        return None

    ctx = {"X": lambda: 1, "Y": lambda: 2, "=cache": lambda: 3, "penalty": lambda: PENALTY_VALUE}
    args, _, used = bind_args(backward, ctx, [], "backward")
    assert args == [1, 2, 3, PENALTY_VALUE] and "penalty" in used

    def backward_momentum(X, Y, cache, momentum):
        return None

    with pytest.raises(Exception, match="cannot tell what to pass as argument 'momentum'"):
        bind_args(backward_momentum, ctx, [], "backward")


def _reference(l2: float):
    config = MLPConfig(sizes=(3, 4, 1), hidden=("tanh",), output="sigmoid", loss="bce", l2=l2)
    net = MLP(config)
    rng = np.random.default_rng(3)
    ref = {
        "W1": rng.normal(size=(3, 4)),
        "b1": rng.normal(size=4),
        "W2": rng.normal(size=(4, 1)),
        "b2": rng.normal(size=1),
    }
    X, Y = rng.normal(size=(8, 3)), (rng.random((8, 1)) > 0.5).astype(float)
    return config, net, ref, X, Y


@pytest.mark.parametrize("factor, form", [(1 / 8, "lambd / N"), (1.0, "lambd"), (2.0, "2 lambd")])
def test_a_total_with_the_given_penalty_inline_is_read_as_data_plus_l2(factor, form):
    config, _, ref, X, Y = _reference(0.0)
    total = float(MLP(dataclasses.replace(config, l2=factor * PENALTY_VALUE)).loss(ref, X, Y))
    notes: list[str] = []
    base = lossfit.LossChoice(config, 1.0, "")
    found = lossfit._given_penalty([base], [{"value": total, "source": "cost()"}], ref, X, Y, notes)
    assert found and found[0].config.l2 == pytest.approx(factor * PENALTY_VALUE, rel=1e-9)
    assert f"l2 = {form} =" in notes[0]


def test_a_total_off_the_usual_penalty_forms_is_not_read_as_one():
    config, _, ref, X, Y = _reference(0.0)
    total = float(MLP(dataclasses.replace(config, l2=0.37 * PENALTY_VALUE)).loss(ref, X, Y))
    base = lossfit.LossChoice(config, 1.0, "")
    assert lossfit._given_penalty([base], [{"value": total, "source": "cost()"}], ref, X, Y, []) == []


def test_an_inline_loss_reading_the_stored_targets_binds_its_prediction():
    expr = ast.parse("np.sum(-self.one_hot_labels * np.log(probs))", mode="eval").body
    loss = inline.InlineLoss("loss", expr, 1, "nn.py", "Net")
    bindings = list(inline.name_bindings(loss, {"np": np}, set(), {"out", "Y", "X"}, "Net"))
    assert [dict(b) for b in bindings] == [{"np": "", "self": "self", "probs": "out"}]
    # without a stored target, a lone unknown name is never the prediction with no target at all
    assert all(("probs", "out") not in b for b in bindings_for_names(["probs"], set(), set(), {"out", "Y"}))


def _tensor(name: str, status: str) -> TensorResult:
    return TensorResult(name, (2,), status, 0.0, 0.0, (0,), 0.0, 0.0, 2, 2, {}, 0)


def test_a_kink_at_the_students_weights_cleared_at_the_graders_point_passes():
    at_start = SubmissionResult(
        "s.py",
        "kink",
        tensors=(_tensor("W1", "pass"), _tensor("b2", "kink")),
        diagnoses=(Diagnosis("kink", "b2", "on a kink", 0.5),),
    )
    at_p2 = SubmissionResult("s.py", "pass", tensors=(_tensor("W1", "pass"), _tensor("b2", "pass")))
    cleared = _clear_of_kinks(at_start, at_p2)
    assert cleared.status == "pass" and not cleared.diagnoses
    assert [t.status for t in cleared.tensors] == ["pass", "pass"]
    assert "b2 sit on a kink" in cleared.notes[-1]


def test_a_penalty_with_a_default_keeps_it_and_a_module_global_keeps_its_value():
    def loss(X, y=None, reg=0.0):
        return None

    ctx = {"X": lambda: 1, "Y": lambda: 2, "penalty": lambda: PENALTY_VALUE}
    args, kwargs, used = bind_args(loss, ctx, [], "loss")
    assert args == [1, 2] and not kwargs and "penalty" not in used
    # the global ``lambd = 0.7`` an inline loss reads is kept, not replaced by the grader's penalty
    (binding,) = bindings_for_names(["lambd", "A2", "Y"], {"lambd"}, {"A2"}, {"out", "Y", "penalty"})
    assert dict(binding)["lambd"] == ""
    # a function's own ``lambd`` (an argument or local it passes on) is the penalty the backward got too
    (binding,) = bindings_for_names(["lambd", "A2", "Y"], set(), {"A2"}, {"out", "Y", "penalty"})
    assert dict(binding)["lambd"] == "penalty"


def test_the_one_method_named_forward_is_the_forward():
    from gradcheck.audit.adapters.shapes.classes import method_names

    class GlassNet:
        def init(self, X, Y, epochs): ...

        def test_feed_forward(self): ...

        def train(self): ...

    picked = method_names(GlassNet, {})
    assert (picked.forward, picked.backward) == ("test_feed_forward", "train")

    class TwoForwards(GlassNet):
        def forward_batch(self): ...

    assert method_names(TwoForwards, {}).forward is None  # two candidates: none is guessed


def test_a_weight_key_written_but_never_read_says_nothing_of_the_depth():
    m = _module('def init(layer_dims):\n    return {}\nSAVED = {"W9": 0}\n', "depth_literal")
    assert depth.layer_count(m.init, 0, "layer_dims") is None


@pytest.mark.parametrize("factor, form", [(1 / 8, "reg_lambda / N"), (2.0, "2 reg_lambda")])
def test_a_total_with_the_modules_own_penalty_is_read_with_its_name(factor, form):
    """``calculate_loss(model)`` reading the module's ``reg_lambda = 0.01``: the worker reports that strength with
    the value, and the total is read as the data loss plus an L2 penalty of one of its usual forms."""
    config, _, ref, X, Y = _reference(0.0)
    total = float(MLP(dataclasses.replace(config, l2=factor * 0.01)).loss(ref, X, Y))
    notes: list[str] = []
    base = lossfit.LossChoice(config, 1.0, "")
    st = {"value": total, "source": "loss_of()", "penalties": {"reg_lambda": 0.01}}
    found = lossfit._given_penalty([base], [st], ref, X, Y, notes)
    assert found and found[0].config.l2 == pytest.approx(factor * 0.01, rel=1e-9)
    assert f"l2 = {form} =" in notes[0] and "the module's own" in notes[0]
    for junk in ({"reg_lambda": "0.01"}, {"reg_lambda": -0.01}, {"x; y": 0.01}, ["reg_lambda"]):  # untrusted answers
        assert lossfit._given_penalty([base], [{**st, "penalties": junk}], ref, X, Y, []) in ([], found)
    assert lossfit._given_penalty([base], [{**st, "penalties": {"reg_lambda": -0.01}}], ref, X, Y, []) == []
