"""The newer layers' mutants model the bugs students write, and the checker names them.

Each bug is written independently in tests/user_bugs.py (plain numpy, the
student's habits).  Its gradient must equal the catalogued mutant's at the same
point (the mutant is the bug, not a look-alike), and ``check_gradients`` given
the reference network must fail it and name the expected code and mutant.
"""

import numpy as np
import pytest
import user_bugs as B

from gradcheck import Context, check_gradients
from reference_nets.mlp import MLP, MLPConfig
from reference_nets.zoo import MUTANTS, candidates, zoo_cases
from reference_nets.zoo_bce import BCE_MUTANTS
from reference_nets.zoo_layers import LATE_LAYER_MUTANTS, LAYER_MUTANTS


def _params(sizes, rng):
    out = {}
    for l, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        out[f"W{l}"] = rng.normal(0, 1.0, (a, b))
        out[f"b{l}"] = 0.2 * rng.normal(size=b)
    return out


def _softmax_case(rng):
    config = MLPConfig((4, 6, 3), "relu", output="softmax", loss="ce", labels="int")
    X, y = rng.normal(size=(10, 4)), rng.integers(0, 3, 10)
    y[:3] = [0, 1, 2]  # every class present, label 0 included
    return config, X, y, B.cs231n_softmax


def _tanh_case(rng):
    config = MLPConfig((3, 5, 2), "leaky_relu", output="tanh", over_outputs="sum", half=True, leaky_slope=0.1)
    return config, rng.normal(size=(9, 3)), rng.uniform(-0.9, 0.9, (9, 2)), B.leaky_tanh_out


def _elu_case(rng):
    config = MLPConfig((3, 5, 2), "elu", output="identity", elu_alpha=0.5)
    return config, rng.normal(size=(8, 3)), rng.normal(size=(8, 2)), B.elu_regression


def _softmax_mse_case(rng):
    config = MLPConfig((3, 4, 3), "tanh", output="softmax", loss="mse")
    return config, rng.normal(size=(6, 3)), rng.dirichlet(np.ones(3), 6), B.softmax_mse


def _summed_case(rng):
    config = MLPConfig((3, 4, 2), "sigmoid", output="identity", over_samples="sum", over_outputs="sum")
    return config, rng.normal(size=(7, 3)), rng.normal(size=(7, 2)), B.summed_mse


def _long_bce_case(rng):
    config = MLPConfig((3, 5, 2), "tanh", output="sigmoid", loss="bce")
    return config, rng.normal(size=(8, 3)), (rng.random((8, 2)) > 0.5).astype(float), B.long_way_bce


# student's bug -> (case, catalogued mutant, layer)
BUGS = {
    "no-mean": (_softmax_case, "sum-over-batch", None),
    "jacobian-again": (_softmax_case, "ce-softmax-jacobian-again", None),
    "diagonal-again": (_softmax_case, "ce-softmax-diagonal-again", None),
    "labels-as-onehot": (_softmax_case, "ce-labels-as-onehot", None),
    "off-by-one": (_softmax_case, "ce-label-off-by-one", None),
    "columns-all-rows": (_softmax_case, "ce-label-columns-all-rows", None),
    "tanh-missing": (_tanh_case, "tanh-output-derivative-missing", None),
    "tanh-at-activation": (_tanh_case, "tanh-output-derivative-at-activation", None),
    "tanh-at-z": (_tanh_case, "tanh-output-derivative-at-preactivation", None),
    "tanh-sigmoid": (_tanh_case, "tanh-output-sigmoid-derivative", None),
    "slope-dropped": (_tanh_case, "leaky-relu-slope-dropped", 1),
    "leaky-ones": (_tanh_case, "leaky-relu-derivative-ones", 1),
    "relu-cached": (_tanh_case, "leaky-relu-cached-as-relu", 2),
    "elu-at-activation": (_elu_case, "elu-derivative-at-activation", 1),
    "elu-alpha-dropped": (_elu_case, "elu-derivative-alpha-dropped", 1),
    "elu-output-form-at-z": (_elu_case, "elu-derivative-output-form-at-z", 1),
    "elu-is-elu": (_elu_case, "elu-derivative-is-elu", 1),
    "sigmoid-prime-is-sigmoid": (_summed_case, "activation-as-derivative", 1),
    "mean-in-gradient": (_summed_case, "mean-over-batch-in-gradient", None),
    "softmax-diagonal": (_softmax_mse_case, "softmax-mse-diagonal-jacobian", None),
    "sigmoid-backward-on-z": (_long_bce_case, "bce-output-derivative-at-preactivation", None),
    "sigmoid-backward-at-activation": (_long_bce_case, "bce-output-derivative-at-activation", None),
    "sigmoid-backward-skipped": (_long_bce_case, "bce-output-derivative-missing", None),
}


def _setup(bug):
    make, mutant, layer = BUGS[bug]
    rng = np.random.default_rng(sorted(BUGS).index(bug))
    config, X, Y, student = make(rng)
    return config, X, Y, student, _params(config.sizes, rng), mutant, layer


@pytest.mark.parametrize(
    "make", [_softmax_case, _tanh_case, _elu_case, _summed_case, _softmax_mse_case, _long_bce_case]
)
def test_the_correct_student_versions_equal_the_reference(make):
    config, X, Y, student = make(np.random.default_rng(5))
    params = _params(config.sizes, np.random.default_rng(6))
    reference = MLP(config).loss_and_grad(params, X, Y)[1]
    got = student(params, X, Y)
    for k in reference:
        np.testing.assert_allclose(got[k], reference[k], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("bug", BUGS)
def test_the_mutant_is_the_students_bug(bug):
    config, X, Y, student, params, mutant, layer = _setup(bug)
    net = MUTANTS[mutant].build(config, layer)
    modelled = net.closures(X, Y)[1](params)
    written = student(params, X, Y, bug)
    for k in modelled:
        np.testing.assert_allclose(written[k], modelled[k], rtol=1e-12, atol=1e-15, err_msg=k)


@pytest.mark.parametrize("bug", BUGS)
def test_the_checker_names_the_students_bug(bug):
    config, X, Y, student, params, mutant, layer = _setup(bug)
    net = MLP(config)
    loss, _ = net.closures(X, Y)
    report = check_gradients(loss, student(params, X, Y, bug), params, context=Context(net, X, Y))
    assert report.status == "fail"
    top = report.diagnoses[0]
    assert top.code == MUTANTS[mutant].code
    assert top.evidence.get("mutant") == mutant
    assert top.confidence >= 0.9


def test_every_new_mutant_has_a_student_version_here():
    covered = {mutant for _, mutant, _ in BUGS.values()}
    assert {row[0] for row in LAYER_MUTANTS + LATE_LAYER_MUTANTS + BCE_MUTANTS} <= covered


def test_fixes_fill_their_layer_and_mention_no_other_layer_kind():
    for name, *_rest in LAYER_MUTANTS + BCE_MUTANTS:
        spec = MUTANTS[name]
        text = spec.fix.format(l=2, act="x")
        assert text and "{" not in text and "sigma" not in text, name


def test_newer_mutants_apply_only_where_their_layer_is():
    plain = MLPConfig((3, 4, 2), "tanh", output="identity")
    names = {name for name, _, _ in candidates(plain)}
    assert not names & {row[0] for row in LAYER_MUTANTS}
    ce_onehot = MLPConfig((3, 4, 3), "tanh", output="softmax", loss="ce")
    names = {name for name, _, _ in candidates(ce_onehot)}
    assert "ce-softmax-jacobian-again" in names and "ce-label-off-by-one" not in names
    assert "sum-over-batch" in names and "mean-over-batch-in-gradient" not in names
    summed = MLPConfig((3, 4, 3), "tanh", output="softmax", loss="ce", over_samples="sum")
    names = {name for name, _, _ in candidates(summed)}
    assert "sum-over-batch" not in names and "mean-over-batch-in-gradient" in names
    assert not MUTANTS["elu-derivative-alpha-dropped"].applies(MLPConfig((3, 4, 2), "elu"))
    assert not MUTANTS["leaky-relu-slope-dropped"].applies(MLPConfig((3, 4, 2), "leaky_relu", leaky_slope=0.0))
    with pytest.raises(ValueError, match=r"needs loss='ce' with labels='int'"):
        MUTANTS["ce-label-off-by-one"].build(ce_onehot)


def test_zoo_covers_the_newer_layers_at_several_configurations():
    cases = [c for c in zoo_cases() if c.mutant in {row[0] for row in LAYER_MUTANTS}]
    by_mutant = {}
    for c in cases:
        by_mutant.setdefault(c.mutant, set()).add(c.config.label)
    assert all(len(v) >= 2 for v in by_mutant.values()), by_mutant
    labels = {c.config.labels for c in cases if c.config.loss == "ce"}
    assert labels == {"int", "onehot"}
    assert max(c.config.depth for c in cases) >= 5
