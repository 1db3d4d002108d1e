"""Mutant draws of the reliability soak (``benchmarks/soak.py``) that were missed or misnamed.

A draw is a pure function of its index (:func:`soak.draw`), so each one is a
fixed case: the configuration, parameters, batch and planted bug of
``reports/reliability-p*.json``. The soak accepts any code at the top
confidence (ties) and the code of any mutant identical at that point; the
diagnosis tests below ask for the mutant's own code among the top ones.
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from gradcheck import check_gradients
from gradcheck.diagnose import diagnose
from reference_nets.mlp import MLP, MLPConfig

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_soak", ROOT / "benchmarks" / "soak.py")
soak = importlib.util.module_from_spec(_spec)
sys.modules["bench_soak"] = soak
_spec.loader.exec_module(soak)


def _checked(index):
    cfg, params, X, Y, spec, layer, net = soak.draw(index)
    loss, grad = net.closures(X, Y)
    return spec, check_gradients(loss, grad, params, seed=index)


@pytest.mark.parametrize(
    "index, why",
    [
        (12, "sum-over-batch at batch 2: N and the MSE factor 2 coincide, a tie"),
        (2638, "sum-over-batch at batch 2 with weight decay: only the biases carry the factor"),
        (2737, "missing sigmoid derivative with weight decay: per-tensor factor 4 on the biases"),
        (161, "relu threshold one where no unit reaches 1: layer 1's gradient is exactly zero"),
        (175, "dW from Z on nearly linear tanh units: two entries resolved among 162"),
        (2606, "relu ones on a 2-2-2 net: two wrong entries per tensor"),
        (5020, "derivative at preactivation, float32 weights: one failing entry"),
        (7530, "bias from the first sample where one unit is live: one wrong entry of b3"),
    ],
)
def test_previously_misnamed_draw_is_named(index, why):
    spec, report = _checked(index)
    assert report.status == "fail", why
    assert spec.code in soak._top_codes(report.diagnoses), (why, [(d.code, d.confidence) for d in report.diagnoses])


def test_fingerprints_outrank_signatures():
    # 2638: three bias tensors exactly x2 (a tensor_scale signature each) under sum-over-batch + weight decay
    _, report = _checked(2638)
    prints = [d for d in report.diagnoses if d.evidence.get("matched") == "fingerprint"]
    others = [d for d in report.diagnoses if d.evidence.get("matched") != "fingerprint"]
    assert prints and prints[0] is report.diagnoses[0]
    # the per-tensor x2 symptoms of the bias tensors are not shown beside a bug that explains every entry
    assert all(d.confidence < min(p.confidence for p in prints) for d in others)
    assert not any(d.code == "tensor_scale" for d in report.diagnoses)


def test_batch_two_and_mse_factor_tie_from_numbers_alone():
    config = MLPConfig((3, 4, 2), ("tanh",), output="identity", loss="mse")
    net = MLP(config)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(2, 3)), rng.normal(size=(2, 2))
    params = net.init_params(seed=0)
    loss, grad = net.closures(X, Y)
    doubled = {k: 2.0 * v for k, v in grad(params).items()}
    report = check_gradients(loss, doubled, params, name_bugs=False)
    named = diagnose(report, batch_size=2, loss="mse")  # no params: signatures only
    assert soak._top_codes(named.diagnoses) == {"missing_batch_mean", "missing_mse_factor"}
    at_16 = diagnose(report, batch_size=16, loss="mse")
    assert soak._top_codes(at_16.diagnoses) == {"missing_mse_factor"}


def test_identical_mutants_are_found_by_their_gradients():
    cfg, params, X, Y, spec, _, net = soak.draw(161)
    got = net.closures(X, Y)[1](params)
    assert soak.identical_codes(cfg, params, X, Y, got) == {"wrong_activation_derivative", "zero_gradient"}
    cfg, params, X, Y, spec, _, net = soak.draw(175)
    got = net.closures(X, Y)[1](params)
    assert soak.identical_codes(cfg, params, X, Y, got) == {"wrong_cached_tensor"}


@pytest.mark.parametrize(
    "index, within",
    [
        (2524, True),  # derivative at preactivation on tanh units near 0: 2.4e-9 relative at most
        (5096, True),  # derivative at activation, saturated tanh: 1.2e-12 relative, not identical
        (7540, False),  # derivative at activation: 4.7e-8 relative, three times rtol
        (58, False),  # relu ones: 1e-20 entries that should be 0, wrong by 100% of themselves
    ],
)
def test_equivalence_within_tolerance(index, within):
    cfg, params, X, Y, spec, _, net = soak.draw(index)
    got = net.closures(X, Y)[1](params)
    ref = MLP(cfg).closures(X, Y)[1](params)
    assert not soak.identical(got, ref)
    assert soak.within_tolerance(got, ref) is within


@pytest.mark.parametrize("index", [58, 643, 657, 808, 842])
def test_tiny_wrong_entries_behind_a_tripped_screen_fail(index):
    # the leaves of a tripped complex-step screen are checked with the complex step:
    # central differences (error ~1e-9 there) hid wrong entries of 1e-20 to 1e-10
    _, report = _checked(index)
    assert report.status == "fail"
