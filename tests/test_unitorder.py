"""The order of the hidden units, checked on a gradient judged against the student's own loss
(gradcheck.audit.unitorder).

The network and its backward are stood in for by code the test writes by hand: a tanh network with
a hinge loss (its gradient derived on paper), the same backward with the tanh derivative taken as
``1 - h`` (a wrong gradient every reordering still carries along), and the lying pair of
examples/hostile/quadratic_own_loss.py: a loss and a gradient answering from one model fixed
around start weights. The reordering itself is checked against forwards written for each storage
of the weights (in x out, out x in, row biases, a bias folded into the weight, a vector output).
"""

from __future__ import annotations

import numpy as np
import pytest

from gradcheck.audit import unitorder
from gradcheck.audit.grade import SubmissionResult
from gradcheck.audit.network import ForwardCheck
from gradcheck.diagnose.layout import infer_layouts
from gradcheck.result import TensorResult

RNG = np.random.default_rng(11)
X = RNG.normal(size=(10, 3))
SIGNS = np.where(RNG.random((10, 1)) > 0.5, 1.0, -1.0)
AT = {"W1": RNG.normal(size=(3, 5)), "b1": RNG.normal(size=5), "W2": RNG.normal(size=(5, 1)), "b2": RNG.normal(size=1)}
MATCH = ForwardCheck("match", 0.0, "3-5-1 tanh|identity")


def _hinge(p: dict, slope=lambda h: 1 - h**2) -> tuple[float, dict]:
    """The mean hinge loss of a tanh net and its gradient, by hand (``slope``: the tanh derivative used)."""
    h = np.tanh(X @ p["W1"] + p["b1"])
    s = h @ p["W2"] + p["b2"]
    active = (1 - SIGNS * s) > 0
    dS = np.where(active, -SIGNS, 0.0) / len(X)
    dH = dS @ p["W2"].T * slope(h)
    grads = {"W1": X.T @ dH, "b1": dH.sum(axis=0), "W2": h.T @ dS, "b2": dS.sum(axis=0)}
    return float(np.mean(np.maximum(0.0, 1 - SIGNS * s))), grads


START = {k: v + 0.3 * RNG.normal(size=v.shape) for k, v in AT.items()}


def _fixed_model(p: dict) -> tuple[float, dict]:
    """value(w0) + g0 . d + mu sum(log cosh d) and its exact gradient: globally consistent, fixed at START."""
    value, g0 = _hinge(START, slope=lambda h: 1 - h)
    d = {k: p[k] - START[k] for k in p}
    loss = value + sum(float(np.sum(g0[k] * d[k]) + 0.05 * np.sum(np.log(np.cosh(d[k])))) for k in p)
    return loss, {k: g0[k] + 0.05 * np.tanh(d[k]) for k in p}


def _asker(pair, seen=None):
    def ask(request):
        if seen is not None:
            seen.append(request)
        cuts = np.cumsum([a.size for a in AT.values()])[:-1]
        values = []
        for flat in request["points"]:
            parts = np.split(np.asarray(flat), cuts)
            values.append(pair({k: c.reshape(a.shape) for (k, a), c in zip(AT.items(), parts)})[0])
        grads = []
        for point in request["grads_at"]:
            got = pair({k: np.asarray(t) for k, t in zip(AT, point)})[1]
            grads.append([got[k].tolist() for k in AT])
        return {"own_loss": {"source": "loss", "values": values, "grads_at": grads}}

    return ask


def _passed(forward=MATCH) -> SubmissionResult:
    t = TensorResult("W1", (3, 5), "pass", 0.0, 0.0, (0,), 0.5, 0.5, checked=15, size=15, counts={}, evaluations=0)
    return SubmissionResult(path="hw.py", status="pass", tensors=(t,), forward=forward)


@pytest.mark.parametrize("seed", range(5))
def test_a_layered_network_passes_right_or_wrong(seed):
    """The check is about the loss answering for the network: a backward with a bug in it is still carried along
    by every reordering (the other checks of the path judge its numbers)."""
    r = unitorder.judged(_passed(), AT, (3, 1), seed, _asker(_hinge), "loss")
    assert r.status == "pass" and "unchanged" in r.notes[-1]
    wrong = _asker(lambda p: _hinge(p, slope=lambda h: 1 - h))
    assert unitorder.judged(_passed(), AT, (3, 1), seed, wrong, "loss").status == "pass"


@pytest.mark.parametrize("seed", range(5))
def test_a_loss_and_gradient_fixed_around_other_weights_fail(seed):
    r = unitorder.judged(_passed(), AT, (3, 1), seed, _asker(_fixed_model), "loss")
    assert r.status == "fail" and r.diagnoses[0].code == "inconsistent_gradient"
    off = r.diagnoses[0].evidence["unit_order"]
    assert max(off["loss"], off["gradient"]) > 1e4 * unitorder.RTOL


def test_only_the_loss_lying_or_only_the_gradient_fails_too():
    honest_loss = _asker(lambda p: (_hinge(p)[0], _fixed_model(p)[1]))
    honest_grad = _asker(lambda p: (_fixed_model(p)[0], _hinge(p)[1]))
    for ask in (honest_loss, honest_grad):
        assert unitorder.judged(_passed(), AT, (3, 1), 0, ask, "loss").status == "fail"


def test_the_worker_is_asked_at_the_point_and_one_reordering_of_it():
    seen = []
    unitorder.judged(_passed(), AT, (3, 1), 2, _asker(_hinge, seen), "loss")
    (request,) = seen
    assert len(request["points"]) == len(request["grads_at"]) == 2
    flat = np.concatenate([np.ravel(v) for v in AT.values()])
    moved = np.asarray(request["points"][1])
    assert np.array_equal(np.asarray(request["points"][0]), flat)
    assert not np.array_equal(moved, flat) and np.array_equal(np.sort(moved), np.sort(flat))


def test_it_is_skipped_where_the_symmetry_is_not_known_to_hold():
    fixed = _asker(_fixed_model)
    unknown = unitorder.judged(_passed(ForwardCheck("mismatch", 0.3, None)), AT, (3, 1), 0, fixed, "loss")
    assert unknown.status == "pass" and "not checked" in unknown.notes[-1]
    one_layer = {"W": AT["W1"][:, :1], "b": AT["b2"]}
    r = unitorder.judged(_passed(), one_layer, (3, 1), 0, fixed, "loss")
    assert r.status == "pass" and "not checked" in r.notes[-1]
    failed = SubmissionResult(path="hw.py", status="fail")
    assert unitorder.judged(failed, AT, (3, 1), 0, fixed, "loss") is failed


def test_no_answer_is_a_note_and_missing_gradients_a_failure():
    r = unitorder.judged(_passed(), AT, (3, 1), 0, lambda request: {"own_loss": {"error": "no"}}, "loss")
    assert r.status == "pass" and "not checked" in r.notes[-1]

    def holes(request):
        return {"own_loss": {"values": [0.5, 0.5], "grads_at": [[None] * 4 for _ in request["grads_at"]]}}

    assert unitorder.judged(_passed(), AT, (3, 1), 0, holes, "loss").status == "fail"


# ----------------------------------------------------------------------------- the reordering


def _rows_net(p):  # in x out weights, (1, out) biases, two hidden layers
    h1 = np.tanh(X @ p["W1"] + p["b1"])
    h2 = 1 / (1 + np.exp(-(h1 @ p["W2"] + p["b2"])))
    return h2 @ p["W3"] + p["b3"]


def _columns_net(p):  # out x in weights, (out, 1) biases, samples as columns inside
    h = np.maximum(0.0, p["w_ih"] @ X.T + p["b_h"])
    return (p["w_ho"] @ h + p["b_o"]).T


def _folded_net(p):  # a column of ones first at each layer's input, the bias row 0 of each weight
    h = np.tanh(np.hstack([np.ones((len(X), 1)), X]) @ p["theta1"])
    return np.hstack([np.ones((len(X), 1)), h]) @ p["theta2"]


def _vector_net(p):  # a vector output weight (n_hid,) and a scalar bias
    return np.tanh(X @ p["W1"] + p["b1"]) @ p["w2"] + p["c"]


NETS = [
    (_rows_net, {"W1": (3, 4), "b1": (1, 4), "W2": (4, 6), "b2": (1, 6), "W3": (6, 2), "b3": (1, 2)}, 2),
    (_columns_net, {"w_ih": (5, 3), "b_h": (5, 1), "w_ho": (2, 5), "b_o": (2, 1)}, 2),
    (_folded_net, {"theta1": (4, 5), "theta2": (6, 1)}, 1),
    (_vector_net, {"W1": (3, 4), "b1": (4,), "w2": (4,), "c": ()}, 1),
]


@pytest.mark.parametrize(("net", "shapes", "outputs"), NETS, ids=[n[0].__name__ for n in NETS])
def test_a_reordering_leaves_every_storage_of_the_weights_computing_the_same(net, shapes, outputs):
    rng = np.random.default_rng(5)
    p = {k: rng.normal(size=s) for k, s in shapes.items()}
    readings = [lay for lay in infer_layouts(shapes, 3, outputs) if lay.layers[0].folded in (None, 0)]
    kept = []
    for layout in readings:
        moved = unitorder.reordered(p, layout, unitorder.permutations(layout, rng))
        assert {k: v.shape for k, v in moved.items()} == {k: v.shape for k, v in p.items()}
        assert any(not np.array_equal(moved[k], p[k]) for k in p)
        try:
            same = np.allclose(net(moved), net(p), rtol=1e-12, atol=1e-12)
        except ValueError:  # a reading of square weights the net does not compute with
            same = False
        kept.append(same)
    assert any(kept), "the network's own reading of its weights must reorder its units without changing it"
