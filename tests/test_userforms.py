"""Losses written the way people write them (benchmarks/userforms.py), checked against an independent oracle.

Each ``@example`` index is a user-form configuration on which a correct
gradient was once called ``fail``: saturated outputs whose ``log(1 - p)`` or
``1 - a**2`` loses most of float64's digits (in the loss, in the complex step
and in the user's own backprop), ``float()`` casts that leave only real
differences, ReLU layers with many kinks inside a step, float32 backprop. The
oracle (mpmath at 50 digits, or the same mathematics in ``np.longdouble``) is
never this project's gradient code.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gradcheck import check_gradients
from gradcheck.diagnose import CODES

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import userforms as uf  # noqa: E402

#: Once false fails, by class (indices of ``userforms.random_form``).
SATURATED_COMPLEX = [2, 9, 16, 28, 58, 85, 150, 181]  # the complex step and the backprop inherit the cancellation
SATURATED_REAL = [18, 44, 153]  # float() cast: real differences of a loss losing digits
#: float32 backprop of saturated outputs; 164: tanh outputs saturated at |z| ~ 10 whose entries
#: the user's float32 ``1 - a**2`` rounds far off (the float64 run of the same code agrees)
FLOAT32 = [124, 164]
#: Entries below what a cancelling loss resolves, where the loss moves in stairs (457: tanh hidden
#: units at |z| ~ 30, exactly 1 in float64; the user's own entries are off by 1% there)
BELOW_RESOLUTION = [457]
#: ReLU units crossing zero inside the steps; 4625: a float32 ReLU net with a unit 6e-6 from its kink,
#: once failed on one-sided slopes missing the analytic value by 0.3% for their curvature (now
#: inconclusive: a screen over 42 W1 entries the entries checked do not account for)
KINKS = [32, 4625]


def _check(i: int, **kw):
    form = uf.random_form(i)
    loss, grad, params = uf.build(form)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # exp overflow in the user's sigmoid
        return form, loss, grad, params, check_gradients(loss, grad, params, seed=i, **kw)


def _pinned(test):
    for i in reversed(SATURATED_COMPLEX + SATURATED_REAL + FLOAT32 + KINKS + BELOW_RESOLUTION):
        test = example(index=i)(test)
    return test


@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, 199))
@_pinned
def test_a_correct_user_form_gradient_is_never_failed(index):
    form = uf.random_form(index)
    truth = uf.oracle(form)
    if not uf.correct_by_construction(form, truth) or form.n_params > 4000:
        return  # the clip is active (the user's gradient is not the loss's), or too slow for a unit test
    *_, report = _check(index, name_bugs=False)
    failing = [(t.name, t.worst_index) for t in report.tensors if t.status == "fail"]
    assert report.status != "fail", (index, form.label, failing, report.notes)


def test_entries_below_a_cancelling_loss_resolution_are_inconclusive_not_passed():
    # 457: the user's float64 entries are off by ~1% (a saturated tanh rounds to exactly 1) where
    # the loss does not move at all; the check can neither confirm nor refute them
    (index,) = BELOW_RESOLUTION
    form, *_, report = _check(index, name_bugs=False)
    truth = uf.oracle(form)
    assert uf.correct_by_construction(form, truth)
    assert report.status == "inconclusive", report.summary()
    assert any(d.code == "loss_ill_conditioned" for d in report.diagnoses)


def test_the_oracle_agrees_with_50_digit_numerical_differentiation():
    import mpmath

    form = uf.Form((3, 4, 1), ("tanh",), "bce_clip", True, "float64", 5, 1.0, 12.0, 7)
    params, X, Y = uf.data(form)
    truth = uf.oracle(form)
    assert truth.digits == uf.MP_DIGITS

    def loss_at(value):  # the mathematical loss, one entry moved, at 50 digits
        with mpmath.workdps(60):
            W1 = [[mpmath.mpf(float(w)) for w in row] for row in params["W1"]]
            W1[1][2] = value
            total = mpmath.mpf(0)
            for n in range(X.shape[0]):
                h = [
                    mpmath.tanh(sum(mpmath.mpf(float(X[n, i])) * W1[i][k] for i in range(3)) + float(params["b1"][k]))
                    for k in range(4)
                ]
                z = sum(h[k] * float(params["W2"][k, 0]) for k in range(4)) + float(params["b2"][0])
                p = 1 / (1 + mpmath.exp(-z))
                y = float(Y[n, 0])
                total -= y * mpmath.log(p) + (1 - y) * mpmath.log(1 - p)
            return total / X.shape[0]

    with mpmath.workdps(60):  # a central difference at 60 digits: step 1e-20, truncation ~1e-40
        x, h = mpmath.mpf(float(params["W1"][1, 2])), mpmath.mpf("1e-20")
        d = (loss_at(x + h) - loss_at(x - h)) / (2 * h)
    assert abs(float(d) - truth.grad["W1"][1, 2]) <= 1e-15 * abs(truth.grad["W1"][1, 2])


@pytest.mark.parametrize(
    "form",
    [
        uf.Form((4, 6, 5, 2), ("relu", "sigmoid"), "bce_eps", False, "float64", 8, 0.7, 10.0, 3),
        # tanh units and a tanh output saturated at |z| ~ 20: 1 - tanh**2 cancels in longdouble
        uf.Form((3, 5, 4, 2), ("tanh", "tanh"), "tanh_mse", True, "float64", 4, 3.0, 20.0, 5),
        uf.Form((5, 7, 3), ("sigmoid",), "softmax_ce", False, "float32", 16, 2.0, 0.0, 9),
    ],
)
def test_the_longdouble_oracle_agrees_with_the_mpmath_one(form):
    assert np.finfo(np.longdouble).eps < np.finfo(np.float64).eps, "this platform's longdouble is float64"
    params, X, Y = uf.data(form)
    mp = uf._mp_oracle(form, params, X, Y)
    ld = uf._ld_oracle(form, params, X, Y)
    for name in params:
        assert np.allclose(ld.grad[name], mp.grad[name], rtol=1e-12, atol=0), name


def test_the_user_form_gradient_is_exact_where_the_clip_is_inactive():
    form = uf.Form((5, 7, 1), ("sigmoid",), "bce_clip", True, "float64", 16, 0.5, 0.0, 11)
    loss, grad, params = uf.build(form)
    truth = uf.oracle(form)
    assert uf.correct_by_construction(form, truth)
    g = grad(params)
    for name in params:
        assert np.allclose(g[name], truth.grad[name], rtol=1e-12, atol=1e-15), name


def test_a_saturated_bce_gets_the_loss_ill_conditioned_note_naming_the_sample():
    *_, report = _check(150)
    assert report.status != "fail"
    notes = [d for d in report.diagnoses if d.code == "loss_ill_conditioned"]
    assert notes, report.summary()
    (note,) = notes
    assert "sample" in note.message and "logits" in note.message and note.evidence["digits_lost"] > 3
    assert "loss_ill_conditioned" in CODES


@pytest.mark.parametrize("index", [150, 18])
def test_a_planted_error_is_still_caught_on_a_saturated_user_form(index):
    form = uf.random_form(index)
    loss, grad, params = uf.build(form)
    truth = uf.oracle(form)
    name = max(truth.grad, key=lambda n: float(np.max(np.abs(truth.grad[n]))))
    entry = tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(truth.grad[name]))), truth.grad[name].shape))
    bad = uf.plant(grad, name, entry, 1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        report = check_gradients(loss, bad, params, seed=index, name_bugs=False)
    assert report.status == "fail" and report.tensor(name).status == "fail", report.summary()


@pytest.mark.parametrize("index", [100, 108])
def test_float32_one_entry_off_by_1e2_never_passes_in_auto(index):
    form = uf.random_form(index)
    assert form.dtype == "float32"
    loss, grad, params = uf.build(form)
    truth = uf.oracle(form)
    name = max(truth.grad, key=lambda n: truth.grad[n].size)
    flat = np.abs(truth.grad[name]).reshape(-1)
    big = np.flatnonzero(flat >= 0.1 * flat.max())  # a typical entry, not one below float32's resolution
    j = int(big[np.argsort(flat[big])[big.size // 2]])
    entry = tuple(int(i) for i in np.unravel_index(j, truth.grad[name].shape))
    report = check_gradients(loss, uf.plant(grad, name, entry, 1e-2), params, seed=index, name_bugs=False)
    assert report.status != "pass", report.summary()


def test_the_soak_smoke_checks_reports_and_renders():
    import soak_userforms as soak

    rows = [soak.check_one(i) for i in (0, soak.PLANT_EVERY)]  # the second also gets the planted errors
    assert all("status" in r or "excluded" in r for r in rows)
    assert rows[1].get("planted") and {p["delta"] for p in rows[1]["planted"]} == set(soak.PLANTED)
    assert all("code_gap" in r and "oracle_seconds" in r for r in rows if "status" in r)
    soak.by_the_rule(rows)
    assert all("visible_rule" in p for p in rows[1]["planted"])
    summary = soak.summarize(rows)
    text = soak.render(summary, 1.0, ["smoke"])
    assert "false fails: 0" in text and "Detection power" in text
    assert "The user's gradient against the oracle" in text and "Soak time" in text


def soak_parts(soak, n: int) -> list[list[int]]:
    return [soak.shard(list(range(n)), k, 2) for k in range(2)]


def test_soak_shards_partition_the_range_and_the_sample_is_stratified_and_reproducible():
    import soak_userforms as soak

    indices = list(range(100, 400))
    parts = [soak.shard(indices, k, 3) for k in range(3)]
    assert sorted(sum(parts, [])) == indices and all(abs(len(p) - 100) <= 1 for p in parts)
    planted = [sum(i % soak.PLANT_EVERY == 0 for i in p) for p in soak_parts(soak, 10000)]
    assert max(planted) - min(planted) < 0.1 * sum(planted) / 2  # the planted (dearer) ones dealt out evenly
    with pytest.raises(ValueError, match="--shard 3/3"):
        soak.shard(indices, 3, 3)
    a, b = soak.stratified(indices, 60, seed=4), soak.stratified(indices, 60, seed=4)
    assert a == b and a != soak.stratified(indices, 60, seed=5)
    assert set(a) <= set(indices) and len(set(a)) == len(a)
    keys = {soak.form_key(uf.random_form(i)) for i in indices}
    assert {soak.form_key(uf.random_form(i)) for i in a} == keys  # every form keeps at least one


def test_soak_counts_a_configuration_with_one_oracle_unresolvable_tensor_as_unavoidable():
    import soak_userforms_report as soak_report

    row = {"status": "inconclusive", "blind": ["W1", "b2"], "unresolvable": ["W1"], "notes": [], "tensors": []}
    assert soak_report.unavoidable(row) and not soak_report.beyond_the_loss(row)
    assert not soak_report.unavoidable({**row, "unresolvable": []})
    assert not soak_report.unavoidable({**row, "status": "pass"})


def test_the_soak_makes_a_new_output_folder_and_refuses_a_file(tmp_path, monkeypatch, capsys):
    import soak_userforms as soak

    folder = tmp_path / "new" / "run"  # a folder no one made: made, the results written there
    monkeypatch.setattr(sys, "argv", ["soak_userforms.py", "--count", "2", "--output", str(folder)])
    assert soak.main() == 0
    assert (folder / "reliability-userforms-all.json").is_file()
    taken = tmp_path / "a-file"
    taken.write_text("")
    monkeypatch.setattr(sys, "argv", ["soak_userforms.py", "--count", "2", "--output", str(taken)])
    with pytest.raises(SystemExit):
        soak.main()
    err = capsys.readouterr().err
    assert "--output" in err and "is a file" in err
