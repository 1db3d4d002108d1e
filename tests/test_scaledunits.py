"""Copies of a weight matrix with its units reordered and rescaled (gradcheck.audit.scaledunits).

examples/hostile/rescaled_units_numerical.py: a ReLU layer's units permuted and each scaled by a positive
factor (its outgoing weights divided by it) for every probe, one entry moved by the step; against what
backpropagation and training make of the same matrix: the exact rescaled copy, an update, a max-norm clip,
a dropped connection.
"""

from __future__ import annotations

import numpy as np
import pytest

from gradcheck.audit.scaledunits import ScaledUnits

RNG = np.random.default_rng(21)
H = 1e-5


def _rescaled(m: np.ndarray, axis: int, signs: bool = False) -> np.ndarray:
    """``m`` with its columns (axis 1) or rows (axis 0) permuted and multiplied by factors in [0.5, 2]."""
    n = m.shape[axis]
    order, scale = RNG.permutation(n), RNG.uniform(0.5, 2.0, n) * (RNG.choice([-1.0, 1.0], n) if signs else 1.0)
    return m[:, order] * scale if axis == 1 else m[order, :] * scale[:, None]


@pytest.mark.parametrize("shape", [(3, 5), (4, 4), (6, 3)])
@pytest.mark.parametrize("axis", [0, 1])
def test_each_probe_is_the_entry_it_moved(shape, axis):
    W = RNG.normal(size=shape)
    units = ScaledUnits(1e-3)
    for k in range(W.size):
        moved = W.copy()
        moved.flat[k] += H if k % 2 else -H
        assert units.place(0, _rescaled(moved, axis, signs=k % 3 == 0), W) == (k,)


def test_a_unit_of_two_entries_is_the_place_when_the_entry_cannot_be_told():
    W = RNG.normal(size=(2, 6))  # two inputs: each hidden unit's incoming weights are a 2-vector
    units = ScaledUnits(1e-3)
    for k in range(W.size):
        moved = W.copy()
        moved.flat[k] += H
        assert units.place(0, _rescaled(moved, 1), W) == ("unit", 0, k % 6)


def test_what_training_makes_of_the_matrix_is_no_probe():
    W = RNG.normal(size=(5, 4))
    units = ScaledUnits(1e-3)
    assert units.place(0, _rescaled(W, 1), W) is None  # the same network, nothing moved
    assert units.place(0, W - 1e-4 * RNG.normal(size=W.shape), W) is None  # an update
    clipped = W / np.maximum(1.0, np.linalg.norm(W, axis=0) / 1.5)
    assert units.place(0, clipped, W) is None  # a max-norm clip: columns rescaled, none moved
    dropped = W.copy()
    dropped[2, 1] = 0.0
    assert units.place(0, dropped, W) is None  # a dropped connection: far more than a step
    far = _rescaled(W, 1)
    far[0, 0] *= 1.5
    assert units.place(0, far, W) is None
    three = W.copy()
    three[:3, 0] += H
    assert units.place(0, _rescaled(three, 1), W) is None  # three entries of one unit moved
    assert units.place(0, RNG.normal(size=W.shape), W) is None
    assert units.place(1, RNG.normal(size=(1, 4)), RNG.normal(size=(1, 4))) is None  # a bias says nothing


def test_a_vector_no_entry_of_which_confirms_a_factor_is_no_copy():
    # examples/hostile/deep_square.py at one of the grader's points: a layer's bias gradient db (1 x 3) beside its
    # bias (1 x 3), all entries ~1e-2. Read as one vector, any factor fits one entry and the other two are "moved"
    # by under rtol = 1e-3: a false numerical_gradient at 2 of 40 points. Nothing confirms such a factor.
    bias = np.array([[0.00298068445911009, 0.00343643255012984, -0.00085529478664057]])
    db = np.array([[0.02234713928099991, 0.02219786668250438, -0.00853696769187203]])
    units = ScaledUnits(1e-3)
    assert units.place(0, db, bias) is None
    assert units.place(1, db.T, bias.T) is None
    # with three entries, one moved and two agreeing (one of them confirming the factor), it is a copy
    moved = bias * -2.5
    moved[0, 2] += 1e-5
    assert units.place(2, moved, bias) == (2,)


@pytest.mark.parametrize("probe_seed", [5, 12])
def test_an_honest_deep_network_makes_no_evaluation_at_a_perturbed_point(
    probe_seed, tmp_path, monkeypatch, clean_imports
):
    # the grader's second points at which the degenerate reading above read deep_square.py's bias gradients as
    # copies of its biases: 3 and 4 "evaluations" at 2 places, a numerical_gradient verdict on a sign bug
    import json
    import shutil
    from pathlib import Path

    from gradcheck.audit import worker

    source = Path(__file__).resolve().parents[1] / "examples" / "hostile" / "deep_square.py"
    shutil.copy(source, tmp_path / "deep_square.py")
    (tmp_path / "req.json").write_text(json.dumps({"submission": "deep_square.py", "probe_seed": probe_seed}))
    monkeypatch.chdir(tmp_path)
    assert worker.main(["worker", "req.json"]) == 0
    calls = json.loads((tmp_path / "result.json").read_text())["probes"]["calls"]
    assert calls["perturbed_evaluations"] == 0, calls
