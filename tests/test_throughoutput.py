"""Is the student's own loss a function of the forward's output (gradcheck.audit.throughoutput)?

The worker is stood in for by functions written here: a small network's forward, losses of its output
(squared error, log-cosh, a hinge over ReLU units, with and without an L2 or L1 penalty on the weights),
and losses that run another network than the forward (another activation; a quadratic model kept around
the first weights, as a forged loss would be).
"""

from __future__ import annotations

import numpy as np
import pytest

from gradcheck.audit import throughoutput
from gradcheck.audit.extracted import Extracted
from gradcheck.audit.grade import SubmissionResult
from gradcheck.result import TensorResult

RNG = np.random.default_rng(8)
X = RNG.normal(size=(16, 3))
Y = RNG.normal(size=(16, 1))
SHAPES = {"W1": (3, 8), "b1": (8,), "W2": (8, 1), "b2": (1,)}
BASE = np.concatenate([RNG.normal(size=s).ravel() * 0.7 for s in SHAPES.values()])


def _unflat(flat):
    out, i = {}, 0
    for k, s in SHAPES.items():
        n = int(np.prod(s))
        out[k] = flat[i : i + n].reshape(s)
        i += n
    return out


def _forward(p, act=np.tanh):
    return act(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]


def _softsign(z):
    return z / np.sqrt(1 + z * z)


LOSSES = {
    "mse": lambda p: np.mean((_forward(p) - Y) ** 2),
    "logcosh": lambda p: np.mean(np.log(np.cosh(_forward(p) - Y))),
    "l2": lambda p: np.mean((_forward(p) - Y) ** 2) + 0.05 * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2)),
    "l1": lambda p: np.mean((_forward(p) - Y) ** 2) + 0.01 * np.sum(np.abs(p["W1"])),
}
OTHER = {
    "softsign": lambda p: np.mean((_forward(p, _softsign) - Y) ** 2),
    "anchored": lambda p: _anchored(np.concatenate([v.ravel() for v in p.values()])),
}
SLOPE = RNG.normal(size=BASE.size)


def _anchored(flat):
    """A quadratic model around the first weights met, its slope any vector: a forged loss's values."""
    return 0.3 + SLOPE @ (flat - BASE) + 0.5 * np.sum((flat - BASE) ** 2)


def _asker(loss, forward=_forward):
    def ask(request):
        values, outs = [], []
        for point in request["points"]:
            flat = BASE.copy()
            flat[np.asarray(point["i"], dtype=int)] = point["v"]
            p = _unflat(flat)
            values.append(float(loss(p)))
            outs.append(np.asarray(forward(p)).ravel().tolist())
        return {"own_loss": {"source": "loss", "values": values, "outputs": outs}}

    return ask


def _passed() -> SubmissionResult:
    t = TensorResult("W1", (3, 8), "pass", 0.0, 0.0, (0,), 0.5, 0.5, checked=24, size=24, counts={}, evaluations=0)
    return SubmissionResult(path="hw.py", status="pass", tensors=(t,))


def _ex(params, precision=np.float64):
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    return Extracted(params, grads, {}, None, False, np.dtype(precision))


EX = _ex(_unflat(BASE))


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_a_loss_of_the_output_passes(name):
    r = throughoutput.judged(_passed(), EX, BASE, _asker(LOSSES[name]), "loss", seed=1)
    assert r.status == "pass" and r.notes[-1].endswith(f"over {BASE.size} weights)") and "it is" in r.notes[-1]


@pytest.mark.parametrize("name", sorted(OTHER))
def test_a_loss_of_another_network_fails(name):
    r = throughoutput.judged(_passed(), EX, BASE, _asker(OTHER[name]), "loss", seed=1)
    assert r.status == "fail" and r.diagnoses[0].code == "forward_mismatch"
    assert r.diagnoses[0].evidence["residual"] > 10 * throughoutput.RESIDUAL


def test_a_hinge_over_relu_units_passes_kinks_and_all():
    relu = lambda z: np.maximum(z, 0.0)  # noqa: E731
    signs = np.where(Y > 0, 1.0, -1.0)

    def hinge(p):
        return np.mean(np.maximum(0.0, 1.0 - signs * _forward(p, relu)))

    r = throughoutput.judged(_passed(), EX, BASE, _asker(hinge, lambda p: _forward(p, relu)), "loss", seed=2)
    assert r.status == "pass", r.diagnoses


def test_too_few_weights_for_the_output_is_no_verdict():
    small = _ex({"w": np.ones((3, 1))})
    base = np.ones(3)

    def ask(request):
        return {
            "own_loss": {"values": [1.0] * len(request["points"]), "outputs": [[0.0] * 16] * len(request["points"])}
        }

    r = throughoutput.judged(_passed(), small, base, ask, "loss", seed=0)
    assert r.status == "pass" and "not checked" in r.notes[-1]


def test_a_forward_that_differs_between_calls_is_not_tested():
    calls = iter(range(10**6))
    drawn = lambda p: _forward(p) + 1e-3 * next(calls)  # noqa: E731 - dropout drawn anew on every call
    r = throughoutput.judged(_passed(), EX, BASE, _asker(OTHER["softsign"], drawn), "loss", seed=0)
    assert r.status == "pass" and "differs between two calls" in r.notes[-1]


def test_float32_networks_are_left_alone():
    ex32 = _ex(EX.params, np.float32)
    r = throughoutput.judged(_passed(), ex32, BASE, _asker(OTHER["softsign"]), "loss", seed=0)
    assert r.status == "pass" and not r.notes


def test_a_forward_taking_a_dropout_knob_gives_no_output():
    # the grader runs such a forward with nothing dropped while the loss may call it at the code's default:
    # the output it sees is then not the one the loss is a function of (examples/submissions/
    # dropout_arg_logcosh_correct.py, a correct file this check had failed)
    from gradcheck.audit.adapters.knobs import forward_takes_dropout as _takes_dropout

    assert _takes_dropout(lambda X, keep_prob=0.8: X) and _takes_dropout(lambda X, dropout=0.5: X)
    assert not _takes_dropout(lambda X, training=True: X) and not _takes_dropout(len)


def test_a_loss_returned_through_float32_is_not_tested():
    r = throughoutput.judged(_passed(), EX, BASE, _asker(lambda p: np.float32(OTHER["softsign"](p))), "loss", seed=0)
    assert r.status == "pass" and "float32" in r.notes[-1]
    r = throughoutput.judged(_passed(), EX, BASE, _asker(lambda p: float(np.float32(LOSSES["mse"](p)))), "loss", seed=0)
    assert r.status == "pass" and "float32" in r.notes[-1]
