"""A learning rate written as a number inside a matrix product, ``W -= 0.25 * h.T @ g``.

Python reads that as ``(0.25 * h.T) @ g``; the update is linear in the number all the same, so the
number becomes the grader's knob and the gradient is read off the update (verified linear).
"""

import ast
import importlib.util
from pathlib import Path

import numpy as np
import pytest
from auditcheck import assert_verdict

from gradcheck.audit.adapters.readers.constlr import _update_numbers

HERE = Path(__file__).resolve().parent / "submissions" / "written_rate"
#: file: (status, first diagnosis code, the tensors wrong against central differences)
EXPECTED = {
    "matmul_rate_correct.py": ("pass", None, []),
    "matmul_rate_prime_bug.py": ("fail", "derivative_at_activation", ["W1", "b1"]),
}


@pytest.mark.parametrize(
    "line, number",
    [
        ("W -= 0.25 * h.T @ g", 0.25),
        ("W -= h.T @ (g * 0.5)", 0.5),
        ("W = W - 0.1 * X.T @ d", 0.1),
        ("W -= lr * dW", None),  # a name with no number: the rate is an argument, not written
    ],
)
def test_the_number_is_found_inside_a_matrix_product(line, number):
    found = _update_numbers(ast.parse(line))
    assert [c.value for c in found] == ([number] if number is not None else [])


def _truth(name):
    """Which tensors of one backward() step differ from central differences of the file's own MSE."""
    spec = importlib.util.spec_from_file_location(name[:-3], HERE / name)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(6, 3)), rng.uniform(0.1, 0.9, (6, 2))
    net = mod.TinyNet()
    net.init(3, 4, 2)
    names = ["W1", "b1", "W2", "b2"]
    before = {k: getattr(net, k).copy() for k in names}
    net.forward(x)
    net.backward(y)
    claimed = {k: (before[k] - getattr(net, k)) / 0.25 for k in names}
    for k in names:
        setattr(net, k, before[k].copy())
    wrong = []
    for k in names:
        a, g = getattr(net, k), np.zeros_like(before[k])
        for i in np.ndindex(a.shape):
            old = a[i]
            a[i] = old + 1e-6
            up = np.mean((net.forward(x) - y) ** 2)
            a[i] = old - 1e-6
            down = np.mean((net.forward(x) - y) ** 2)
            a[i] = old
            g[i] = (up - down) / 2e-6
        if np.max(np.abs(claimed[k] - g)) > 1e-6 * np.max(np.abs(g)):
            wrong.append(k)
    return wrong


@pytest.fixture(scope="module")
def audited(tmp_path_factory, audit_json):
    return audit_json([HERE / name for name in EXPECTED], tmp_path_factory.mktemp("r"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_written_rate_in_a_matrix_product(audited, name):
    status, code, wrong = EXPECTED[name]
    assert _truth(name) == wrong  # the expectation is the truth, by central differences
    s = audited[name]
    assert_verdict(s, status, code)
    if code is not None:
        assert sorted(t["name"] for t in s["tensors"] if t["status"] == "fail") == sorted(wrong)
