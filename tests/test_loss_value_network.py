"""A network told by the value of the loss the code returns, a one-entry bias off by N, a loop around a backward.

propagate(w, b, X, Y) -> (grads, cost) with no forward: a wrong gradient is judged under the candidate networks
whose loss has the cost's value (gradcheck.audit.noforward). A one-unit output's bias summed over the batch is
named (gradcheck.diagnose.posts.fit_scale with a named factor); any other factor on one entry tells nothing. A
script whose training function is given the weights and calls propagate() is audited through propagate().
"""

from __future__ import annotations

import ast
import textwrap

from gradcheck import check_gradients
from gradcheck.audit.adapters.shapes.script import _drives_a_backward
from reference_nets.mlp import MLP
from reference_nets.zoo import ZOO_CONFIGS, zoo_data


def test_a_one_unit_bias_summed_over_the_batch_is_named_and_another_factor_is_not():
    name = "sigmoid-bce-d3-square"
    config = ZOO_CONFIGS[name]
    X, Y = zoo_data(name, 0)
    p = MLP(config).init_params(seed=0)
    loss, grad = MLP(config).closures(X, Y)
    last = f"b{len(config.sizes) - 1}"
    assert p[last].size == 1

    def scaled(factor):
        return lambda q: {k: v * factor if k == last else v for k, v in grad(q).items()}

    named = check_gradients(loss, scaled(float(len(X))), p)
    assert [t.name for t in named.tensors if t.status == "fail"] == [last]
    assert (named.diagnoses[0].code, named.diagnoses[0].tensor) == ("missing_batch_mean", last)
    other = check_gradients(loss, scaled(3.7), p)
    assert not any(d.code == "missing_batch_mean" and d.tensor == last for d in other.diagnoses)


def test_a_loop_given_the_weights_around_a_backward_is_not_inlined():
    stmts = ast.parse(
        textwrap.dedent(
            """
            def propagate(w, b, X, Y):
                return {}, 0.0
            def optimize(w, b, X, Y):
                for i in range(3):
                    grads, cost = propagate(w, b, X, Y)
                    w = w - 0.1 * grads["dw"]
                return w, b
            def loop(w, X):
                for i in range(3):
                    dw = X.sum()
                    w = w - 0.1 * dw
                return w
            def train(steps=3):
                w, X = np.ones(3), np.ones(3)
                for i in range(steps):
                    grads, cost = propagate(w, 0.0, X, X)
                    w = w - 0.1 * grads["dw"]
                return w
            """
        )
    ).body
    assert _drives_a_backward(stmts, "optimize")
    assert not _drives_a_backward(stmts, "loop")  # no backward called
    assert not _drives_a_backward(stmts, "train")  # its weights are its own: the script
