"""A gradient lacking only its parameter's leading axes of length 1 is compared as the parameter's shape."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from gradcheck.audit.broadcastgrads import broadcast_onto_params
from gradcheck.audit.extracted import Extracted
from gradcheck.audit.grade import grade
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.worker import run_request


def _ex(param_shape, grad_shape) -> Extracted:
    p = np.arange(float(np.prod(param_shape))).reshape(param_shape)
    return Extracted({"b": p}, {"b": np.ones(grad_shape)}, {"b": "?"}, None, False)


@pytest.mark.parametrize(
    ("param", "grad", "mended"),
    [
        ((1, 4), (4,), True),  # b += np.sum(d, axis=0) on a (1, k) row: broadcast entry for entry
        ((1, 1, 3), (3,), True),
        ((1, 1), (1,), True),
        ((4, 1), (4,), False),  # broadcasts to (4, 4): a real wrong shape
        ((1, 4), (4, 1), False),  # transposed: same size, not a broadcast of the row
        ((4,), (1, 4), False),  # the gradient has more axes than its parameter
        ((2, 3), (3,), False),
    ],
)
def test_only_a_gradient_that_broadcasts_onto_its_parameter_unchanged_is_mended(param, grad, mended):
    ex, notes = broadcast_onto_params(_ex(param, grad))
    assert (ex.grads["b"].shape == param) is mended
    assert bool(notes) is mended
    if mended:
        assert f"compared as {param}" in notes[0] and str(grad) in notes[0]
    else:
        assert ex.grads["b"].shape == grad


@pytest.mark.parametrize(("param", "grad"), [((1, 4), ()), ((4, 1), (1,)), ((3, 2), (1, 1))])
def test_one_number_is_spread_on_every_entry_as_the_update_applies_it(param, grad):
    """``db = np.sum(dZ)``: the update ``b - lr * db`` subtracts that number from every entry of ``b``."""
    ex, notes = broadcast_onto_params(_ex(param, grad))
    assert ex.grads["b"].shape == param and np.all(ex.grads["b"] == 1.0)
    assert len(notes) == 1 and "one number" in notes[0] and "every entry" in notes[0]


def test_one_number_for_a_parameter_of_one_entry_is_its_gradient_reshaped():
    ex, notes = broadcast_onto_params(_ex((1,), ()))
    assert ex.grads["b"].shape == (1,) and len(notes) == 1 and "one number" not in notes[0]


SCRIPT = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(size=(12, 3))
y = (X[:, :1] > 0).astype(float)
W1 = rng.normal(size=(3, 4)); b1 = np.zeros((1, 4))
W2 = rng.normal(size=(4, 1)); b2 = np.zeros((1, 1))
for it in range(100):
    h = np.tanh(X @ W1 + b1)
    p = 1 / (1 + np.exp(-(h @ W2 + b2)))
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    d2 = (p - y) / len(X)
    dW2 = h.T @ d2
    db2 = d2.sum(axis=0)
    d1 = d2 @ W2.T * ({deriv})
    dW1 = X.T @ d1
    db1 = d1.sum(axis=0)
    W2 -= 0.1 * dW2
    b2 -= 0.1 * db2
    W1 -= 0.1 * dW1
    b1 -= 0.1 * db1
"""


@pytest.mark.parametrize(("deriv", "status"), [("1 - h**2", "pass"), ("1 - np.tanh(h)**2", "fail")])
def test_a_script_with_flat_bias_gradients_is_judged_on_its_values(tmp_path, deriv, status, clean_imports):
    (tmp_path / "s.py").write_text(textwrap.dedent(SCRIPT.format(deriv=deriv)))
    _, result = run_request({"submission": "s.py", "X": None, "Y": None}, Path(tmp_path))
    assert result["ok"], result["error"]
    r = grade(result, np.asarray(result["X"]), np.asarray(result["Y"]), AuditSpec(), path="s.py")
    assert r.status == status, (r.error, r.diagnoses)
    assert not any(d.code == "shape_mismatch" for d in r.diagnoses)
    if status == "fail":
        assert {t.name for t in r.tensors if t.status == "fail"} == {"W1", "b1"}
    assert any("compared as (1, 4)" in n for n in r.notes)
