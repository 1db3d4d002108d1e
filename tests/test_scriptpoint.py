"""A training script run again at weights the grader chose (gradcheck.audit.scriptpoint in the worker,
gradcheck.audit.scriptagain in the grader).

The scripts are written the way students write them: weights initialised at the top (seeded or not),
a training loop whose first iteration computes the gradient, then the update. Each gradient the second
run captures is recomputed here from a hand-derived formula of the network (numpy, in the test), never
from the project's own gradient code.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from gradcheck.audit import consistency, probes, scriptagain
from gradcheck.audit.grade import SubmissionResult, grade
from gradcheck.audit.spec import AuditSpec

SPEC = {
    "mode": "script",
    "params": ["W1", "b1", "W2", "b2"],
    "grads": ["dW1", "db1", "dW2", "db2"],
    "forward_output": "out",
    "data": {"X": "X", "Y": "Y"},
}

HEAD = """
import numpy as np

{init}
X = np.linspace(-1, 1, 24).reshape(8, 3)
Y = (X.sum(axis=1, keepdims=True) > 0).astype(float)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))

"""

SEEDED = "rng = np.random.default_rng(5)\nW1 = rng.normal(size=(3, 4)) * 0.5\nW2 = rng.normal(size=(4, 1)) * 0.5"
UNSEEDED = "W1 = np.random.randn(3, 4) * 0.5\nW2 = np.random.randn(4, 1) * 0.5"
BIASES = "\nb1 = np.zeros((1, 4))\nb2 = np.zeros((1, 1))"

BACKPROP = """
for epoch in range(50):
    h = np.tanh(X @ W1 + b1)
    out = sigmoid(h @ W2 + b2)
    loss = -np.mean(Y * np.log(out) + (1 - Y) * np.log(1 - out))
    dz2 = (out - Y) / len(X)
    dW2 = h.T @ dz2
    db2 = dz2.sum(axis=0, keepdims=True)
    dz1 = dz2 @ W2.T * (1 - h**2)
    dW1 = X.T @ dz1
    db1 = dz1.sum(axis=0, keepdims=True)
    W1 -= 0.1 * dW1
    b1 -= 0.1 * db1
    W2 -= 0.1 * dW2
    b2 -= 0.1 * db2
"""

#: The end of a training loop whose gradients are collected in ``grads``: the update.
UPDATE = """    dW1, db1, dW2, db2 = grads
    W1 -= 0.1 * dW1
    b1 -= 0.1 * db1
    W2 -= 0.1 * dW2
    b2 -= 0.1 * db2
"""

NUMERICAL = (
    """
def cost_of(W1, b1, W2, b2):
    p = sigmoid(np.tanh(X @ W1 + b1) @ W2 + b2)
    return -np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p))


for epoch in range(50):
    out = sigmoid(np.tanh(X @ W1 + b1) @ W2 + b2)
    loss = cost_of(W1, b1, W2, b2)
    grads = []
    for P in (W1, b1, W2, b2):
        G = np.zeros_like(P)
        for i in np.ndindex(P.shape):
            keep = P[i]
            P[i] = keep + 1e-6
            up = cost_of(W1, b1, W2, b2)
            P[i] = keep - 1e-6
            down = cost_of(W1, b1, W2, b2)
            P[i] = keep
            G[i] = (up - down) / 2e-6
        grads.append(G)
"""
    + UPDATE
)

COMPLEX_STEP = (
    """
for epoch in range(50):
    out = sigmoid(np.tanh(X @ W1 + b1) @ W2 + b2)
    loss = -np.mean(Y * np.log(out) + (1 - Y) * np.log(1 - out))
    grads = []
    for k, P in enumerate((W1, b1, W2, b2)):
        G = np.zeros_like(P)
        for i in np.ndindex(P.shape):
            Pc = [a.astype(complex) for a in (W1, b1, W2, b2)]
            Pc[k][i] += 1e-20j
            p = sigmoid(np.tanh(X @ Pc[0] + Pc[1]) @ Pc[2] + Pc[3])
            G[i] = (-np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p))).imag / 1e-20
        grads.append(G)
"""
    + UPDATE
)


def _source(init: str, body: str) -> str:
    return textwrap.dedent(HEAD).format(init=init + BIASES) + body


def _by_hand(p: dict, X: np.ndarray, Y: np.ndarray) -> dict:
    """The gradient of the mean BCE of sigmoid(tanh(X W1 + b1) W2 + b2), derived by hand."""
    h = np.tanh(X @ p["W1"] + p["b1"])
    out = 1 / (1 + np.exp(-(h @ p["W2"] + p["b2"])))
    d2 = (out - Y) / len(X)
    d1 = d2 @ p["W2"].T * (1 - h**2)
    return {"W1": X.T @ d1, "b1": d1.sum(0, keepdims=True), "W2": h.T @ d2, "b2": d2.sum(0, keepdims=True)}


def _worker(work: Path, request: dict) -> dict:
    """The worker's answer to ``request`` (run unsandboxed in a child process: these scripts are the test's own)."""
    (work / "req.json").write_text(json.dumps({"submission": "train.py", "result": "result.json", **request}))
    argv = [sys.executable, "-m", "gradcheck.audit.worker", "req.json"]
    proc = subprocess.run(argv, cwd=work, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads((work / "result.json").read_text())


def _twice(tmp_path: Path, source: str, seed: int = 7) -> tuple[dict, dict, list[np.ndarray]]:
    """The first run's answer, the second's at P2 = P1 + probe_delta(seed), and P2."""
    (tmp_path / "train.py").write_text(source)
    first = _worker(tmp_path, {"spec": SPEC})
    assert first["ok"], first.get("error")
    asked = scriptagain.request(first, seed)
    assert asked is not None
    second = _worker(tmp_path, {"spec": SPEC, **asked})
    return first, second, [np.asarray(v) for v in asked["script_point"]["params"]]


def _arrays(result: dict, key: str) -> dict[str, np.ndarray]:
    name = "name" if key == "params" else "param"
    return {e[name]: np.asarray(e["data"], float) for e in result[key]}


@pytest.mark.parametrize("init", [SEEDED, UNSEEDED], ids=["seeded", "unseeded"])
def test_the_second_run_computes_its_gradient_at_the_grader_weights(tmp_path, init):
    first, second, p2 = _twice(tmp_path, _source(init, BACKPROP))
    assert second["ok"] and second["script_point"]["point_set"], second.get("error")
    got = _arrays(second, "params")
    for name, want in zip(SPEC["params"], p2):
        np.testing.assert_array_equal(got[name], want)
    X, Y = np.asarray(second["X"], float), np.asarray(second["Y"], float)
    want = _by_hand(got, X, Y)
    for name, g in _arrays(second, "grads").items():
        np.testing.assert_allclose(g, want[name], rtol=1e-12, atol=1e-15)
    assert second["script_point"]["calls"]["perturbed_evaluations"] == 0  # backprop evaluates nothing moved
    assert np.max(np.abs(_arrays(first, "params")["W1"] - got["W1"])) > 1e-2  # the point is far from the first


def test_finite_differences_in_the_second_run_are_seen(tmp_path):
    _, second, _ = _twice(tmp_path, _source(SEEDED, NUMERICAL))
    calls = second["script_point"]["calls"]
    assert calls["perturbed_evaluations"] >= 2 * 21 and calls["perturbed_places"] == 21  # 3-4-1: every entry, both ways


def _judged(tmp_path: Path, source: str, seed: int = 7) -> SubmissionResult:
    """The grader's verdict on the script: graded at its own weights, then run again at the grader's."""
    (tmp_path / "train.py").write_text(source)
    first = _worker(tmp_path, {"spec": SPEC})
    X, Y = np.asarray(first["X"], float), np.asarray(first["Y"], float)
    r = grade(first, X, Y, AuditSpec(), path=str(tmp_path / "train.py"), seed=0)
    assert r.status == "pass", (r.status, r.error, r.diagnoses)
    return scriptagain.judged(r, first, AuditSpec(), seed, lambda extra: _worker(tmp_path, {"spec": SPEC, **extra}))


def test_backprop_passes_at_the_grader_weights(tmp_path):
    verdict = _judged(tmp_path, _source(UNSEEDED, BACKPROP))
    assert verdict.status == "pass", (verdict.error, verdict.diagnoses)
    assert "again, in a second run, at weights the grader chose" in verdict.notes[-1]


def test_finite_differences_fail_as_a_numerical_gradient(tmp_path):
    verdict = _judged(tmp_path, _source(SEEDED, NUMERICAL))
    assert verdict.status == "fail" and verdict.diagnoses[0].code == "numerical_gradient", verdict.diagnoses


def test_complex_step_derivatives_fail_as_a_numerical_gradient(tmp_path):
    """No real value moves: complex copies of the weights with a tiny imaginary step, one entry at a time."""
    verdict = _judged(tmp_path, _source(SEEDED, COMPLEX_STEP))
    assert verdict.status == "fail" and verdict.diagnoses[0].code == "numerical_gradient", verdict.diagnoses


def test_a_hard_coded_gradient_is_inconsistent_at_the_grader_weights(tmp_path):
    """The script's own first gradient, pasted in as constants: right at its own weights, wrong at the grader's."""
    (tmp_path / "train.py").write_text(_source(SEEDED, BACKPROP))
    first = _worker(tmp_path, {"spec": SPEC})
    pasted = "".join(f"    {n} = np.array({g['data']!r})\n" for n, g in zip(SPEC["grads"], first["grads"]))
    anchor = "    db1 = dz1.sum(axis=0, keepdims=True)\n"
    verdict = _judged(tmp_path, _source(SEEDED, BACKPROP.replace(anchor, anchor + pasted)))
    assert verdict.status == "fail" and verdict.diagnoses[0].code == "inconsistent_gradient", verdict.diagnoses


def test_a_script_that_puts_its_own_weights_back_is_inconsistent(tmp_path):
    """It sees the grader's weights arrive (they are not the ones it made) and restores its own before its backward."""
    init = SEEDED + "\nmine = [W1.copy(), W2.copy()]"
    restore = "for epoch in range(50):\n    W1[...] = mine[0]\n    W2[...] = mine[1]\n"
    verdict = _judged(tmp_path, _source(init, BACKPROP.replace("for epoch in range(50):\n", restore)))
    assert verdict.status == "fail" and verdict.diagnoses[0].code == "inconsistent_gradient", verdict.diagnoses
    assert verdict.diagnoses[0].evidence.get("weights_not_used")


def _verdict() -> SubmissionResult:
    from gradcheck.result import TensorResult

    t = TensorResult("W1", (2,), "pass", 0.0, 0.0, (0,), 0.5, 0.5, checked=2, size=2, counts={}, evaluations=0)
    return SubmissionResult(path="train.py", status="pass", tensors=(t,))


FIRST = {
    "ok": True,
    "shape": "script",
    "params": [{"name": "W1", "data": [1.0, 2.0]}],
    "grads": [{"param": "W1", "data": [0.5, 0.5]}],
    "script_weights_from": 3,
}


def test_no_verdict_without_the_grader_weights_set():
    """An answer that never says where the weights were set, or a second run that did not set them: an error,
    never the first point's pass (the submission's process can say anything)."""
    no_where = {k: v for k, v in FIRST.items() if k != "script_weights_from"}
    r = scriptagain.judged(_verdict(), no_where, AuditSpec(), 7, lambda extra: pytest.fail("not run"))
    assert r.status == "error"
    unset = {**FIRST, "script_point": {"point_set": False, "calls": {}}}
    r = scriptagain.judged(_verdict(), FIRST, AuditSpec(), 7, lambda extra: unset)
    assert r.status == "error" and "could not set its weights" in r.error
    assert scriptagain.judged(_verdict(), FIRST, AuditSpec(), 7, lambda extra: None).status == "error"


def test_the_second_run_failing_is_a_failure_at_the_grader_point():
    crashed = {"ok": False, "shape": "script", "error": {"type": "ValueError", "message": "weights moved"}}
    r = scriptagain.judged(_verdict(), FIRST, AuditSpec(), 7, lambda extra: crashed)
    assert r.status == "fail" and r.diagnoses[0].code == "inconsistent_gradient"


def test_the_request_moves_every_weight_as_probe_delta_says():
    asked = scriptagain.request(FIRST, 7)["script_point"]
    assert asked["at"] == 3
    p1 = np.array([1.0, 2.0])
    np.testing.assert_array_equal(asked["params"][0], p1 + probes.probe_delta([(2,)], [p1], 7)[0])
    assert consistency.POINT_RTOL < 1e-3  # the grader compares what the second run used with this, far below the move


def test_the_script_container_that_takes_the_point_is_watched():
    """A weight the worker cannot write in place is stored through the script's own container: that code sees the
    grader's weights first, and is watched like the rest (finite differences in a list's __setitem__)."""
    import sys

    from gradcheck.audit import hookguard
    from gradcheck.audit.scriptpoint import PointSetter

    seen = []

    class Weights(list):
        def __setitem__(self, i, value):
            # the hook as it is: once the guard is installed (by an earlier test in this process) sys.getprofile
            # answers None to the submission while the watch holds it
            seen.append(hookguard._ORIGINAL.get("sys.getprofile", sys.getprofile)())
            super().__setitem__(i, value)

    frozen = np.zeros((2, 2))
    frozen.flags.writeable = False
    ns = {"weights": Weights([frozen, np.zeros(2)])}
    point = [np.ones((2, 2)), np.ones(2)]
    setter = PointSetter(ns, ["weights[0]", "weights[1]"], 3, point, "/nowhere", lambda n: ns["weights"][int(n[-2])])
    assert setter.arrive(3)
    try:
        assert seen and seen[0] is setter.watch
    finally:
        setter.close()
    assert np.array_equal(ns["weights"][0], point[0])
