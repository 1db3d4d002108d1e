"""The watch's complex-step finder: complex copies of the weights with a tiny imaginary step, nothing else."""

import numpy as np

from gradcheck.audit.complexstep import ComplexSteps
from gradcheck.audit.probes import _complex_held

RNG = np.random.default_rng(4)
W1, b1, W2 = RNG.normal(size=(3, 4)), RNG.normal(size=4), RNG.normal(size=(4, 2))
BASE = [W1, b1, W2]


def _flat():
    return np.concatenate([W1.ravel(), b1.ravel(), W2.ravel()])


def test_one_tensor_with_an_imaginary_step_in_one_entry_is_a_point_and_each_entry_its_own_direction():
    watch = ComplexSteps(BASE)
    seen = set()
    for i in range(W1.size):
        trial = W1.astype(complex)
        trial.flat[i] += 1e-25j
        hit = watch.hit(_complex_held({"W": trial}))
        assert hit is not None and hit[0] == "complex"
        seen.add(hit)
    assert len(seen) == W1.size


def test_every_weight_flattened_in_another_order_along_a_random_direction_is_a_point():
    theta = np.concatenate([W2.ravel(), W1.ravel(), b1.ravel()]).astype(complex)  # another order
    v = RNG.normal(size=theta.size)
    assert ComplexSteps(BASE).hit(_complex_held({"t": theta + 1e-20j * v})) is not None
    assert ComplexSteps(BASE).hit(_complex_held({"held": [theta + 1e-20j * v]})) is not None  # inside a list too


def test_what_backpropagation_builds_is_no_point():
    watch = ComplexSteps(BASE)
    assert watch.hit(_complex_held({"W": W1.astype(complex)})) is None  # no imaginary part: a cast, not a step
    assert (
        watch.hit(_complex_held({"W": W1 + 0.5j})) is None
    )  # an imaginary part as large as the weights: the model's own
    assert watch.hit(_complex_held({"b": np.array([0.5, 1e-25j])})) is None  # two entries: a number of the model's
    assert (
        watch.hit(_complex_held({"W": W1, "g": np.ones(3) * 0.5j})) is None
    )  # float arrays and complex ones of the model's own (a tiny imaginary step alone is a bump: a point)
    assert watch.hit(_complex_held({"bump": np.ones(3) * 1e-25j})) is not None
    flat = _flat().astype(complex)
    flat[0] += 1e-25j
    assert watch.hit(_complex_held({"t": flat})) is not None


def test_a_one_entry_tensor_alone_matches_nothing():
    watch = ComplexSteps([np.zeros(1), W1])
    assert watch.hit(_complex_held({"b": np.array([1e-25j])})) is None


def test_a_complex_step_on_an_intermediate_value_is_a_point():
    """The pre-activation Z1 = X W1 + b1 stepped along i h e_j (the weight gradients formed from the result):
    its real part is no weight, yet backpropagation never builds a complex array with a tiny imaginary step."""
    Z1 = RNG.normal(size=(5, 4))
    watch = ComplexSteps(BASE)
    seen = set()
    for j in range(Z1.shape[1]):
        bump = np.zeros_like(Z1, dtype=complex)
        bump[:, j] = 1e-24j * RNG.normal(size=5)
        hit = watch.hit(_complex_held({"z": Z1 + bump}))
        assert hit is not None and hit[0] == "complex"
        seen.add(hit)
    assert len(seen) == Z1.shape[1]
