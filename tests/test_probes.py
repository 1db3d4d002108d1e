"""The second point, the repeat and the watch on the backward's calls (gradcheck.audit.probes, run by
the worker) and how the grader judges them (gradcheck.audit.consistency). Submissions are written
the way students write them: a numerical gradient through scipy, one through a copied params dict,
a per-sample loop, an updater that moves a bias before calling its helpers.

PYTEST_DONT_REWRITE: the watch takes a frame for a library's only when its file compiles to its code
(gradcheck.audit.genuinecode); the frames of a test module pytest rewrote are not, and would be watched
as the submission's."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import numpy as np
import pytest
from sandbox_util import bwrap_or_skip

from gradcheck.audit import consistency, probes
from gradcheck.audit.batch import audit_batch
from gradcheck.audit.grade import SubmissionResult
from gradcheck.audit.sandbox import Limits
from gradcheck.audit.spec import AuditSpec, parse_spec

HEAD = """
import numpy as np

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))
"""

SUBMISSIONS = {
    # approx_fprime on the flattened weights: a numerical gradient in disguise
    "scipy_fprime.py": HEAD
    + """
from scipy.optimize import approx_fprime

class Net:
    def __init__(self, n_in=3, n_h=4, n_out=2):
        rng = np.random.default_rng(0)
        self.W1, self.b1 = rng.normal(size=(n_in, n_h)) * 0.5, np.zeros(n_h)
        self.W2, self.b2 = rng.normal(size=(n_h, n_out)) * 0.5, np.zeros(n_out)

    def forward(self, X):
        return sigmoid(sigmoid(X @ self.W1 + self.b1) @ self.W2 + self.b2)

    def backward(self, X, Y):
        names = ["W1", "b1", "W2", "b2"]
        shapes = [getattr(self, n).shape for n in names]
        flat = np.concatenate([getattr(self, n).ravel() for n in names])

        def loss(theta):
            parts, i = [], 0
            for s in shapes:
                k = int(np.prod(s))
                parts.append(theta[i:i + k].reshape(s))
                i += k
            W1, b1, W2, b2 = parts
            out = sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)
            return np.mean((out - Y) ** 2)

        g = approx_fprime(flat, loss, 1e-7)
        grads, i = {}, 0
        for n, s in zip(names, shapes):
            k = int(np.prod(s))
            grads["d" + n] = g[i:i + k].reshape(s)
            i += k
        return grads
""",
    # functions with a params dict: finite differences on a copied dict
    "dict_copy_fd.py": HEAD
    + """
import copy

def init_params(n_in=3, n_h=4, n_out=2):
    rng = np.random.default_rng(1)
    return {"W1": rng.normal(size=(n_in, n_h)) * 0.5, "b1": np.zeros((1, n_h)),
            "W2": rng.normal(size=(n_h, n_out)) * 0.5, "b2": np.zeros((1, n_out))}

def forward(params, X):
    h = sigmoid(X @ params["W1"] + params["b1"])
    return sigmoid(h @ params["W2"] + params["b2"])

def compute_loss(params, X, Y):
    return np.mean((forward(params, X) - Y) ** 2)

def backward(params, X, Y):
    grads = {}
    for k in params:
        g = np.zeros_like(params[k])
        for idx in np.ndindex(params[k].shape):
            p = copy.deepcopy(params)
            p[k][idx] += 1e-5
            up = compute_loss(p, X, Y)
            p[k][idx] -= 2e-5
            g[idx] = (up - compute_loss(p, X, Y)) / 2e-5
        grads["d" + k] = g
    return grads
""",
    # backprop one sample at a time, calling forward per sample: NOT a numerical gradient
    "per_sample.py": HEAD
    + """
class Net:
    def __init__(self, n_in=3, n_h=4, n_out=2):
        rng = np.random.default_rng(2)
        self.W1, self.b1 = rng.normal(size=(n_in, n_h)) * 0.5, np.zeros(n_h)
        self.W2, self.b2 = rng.normal(size=(n_h, n_out)) * 0.5, np.zeros(n_out)

    def forward(self, X):
        self.h = sigmoid(X @ self.W1 + self.b1)
        return sigmoid(self.h @ self.W2 + self.b2)

    def backward(self, X, Y):
        n = X.shape[0]
        g = {k: np.zeros_like(getattr(self, k)) for k in ("W1", "b1", "W2", "b2")}
        for i in range(n):
            x, y = X[i:i + 1], Y[i:i + 1]
            out = self.forward(x)
            d2 = 2 * (out - y) / (n * Y.shape[1]) * out * (1 - out)
            d1 = (d2 @ self.W2.T) * self.h * (1 - self.h)
            g["W2"] += self.h.T @ d2
            g["b2"] += d2[0]
            g["W1"] += x.T @ d1
            g["b1"] += d1[0]
        return {"d" + k: v for k, v in g.items()}
""",
    # an updater that moves the (1, 1) output bias first, then calls its helpers: NOT numerical
    "bias_first.py": HEAD
    + """
class Net:
    def __init__(self, n_in=3, n_h=4):
        rng = np.random.default_rng(3)
        self.W1, self.b1 = rng.normal(size=(n_in, n_h)) * 0.5, np.zeros((1, n_h))
        self.W2, self.b2 = rng.normal(size=(n_h, 1)) * 0.5, np.zeros((1, 1))

    def forward(self, X):
        self.h = sigmoid(X @ self.W1 + self.b1)
        self.out = sigmoid(self.h @ self.W2 + self.b2)
        return self.out

    def _delta_out(self, Y):
        return 2 * (self.out - Y) / Y.size * self._dsig(self.out)

    def _dsig(self, a):
        return a * (1 - a)

    def backward(self, X, Y, lr=0.1):
        d2 = self._delta_out(Y)
        self.b2 -= lr * d2.sum(axis=0, keepdims=True)
        d1 = (d2 @ self.W2.T) * self._dsig(self.h)
        d1 = d1 * self._dsig(self.h) / self._dsig(self.h)
        self.W2 -= lr * (self.h.T @ d2)
        self.b1 -= lr * d1.sum(axis=0, keepdims=True)
        self.W1 -= lr * (X.T @ d1)
""",
}
EXPECT = {
    "scipy_fprime.py": ("fail", "numerical_gradient"),
    "dict_copy_fd.py": ("fail", "numerical_gradient"),
    "per_sample.py": ("pass", None),
    "bias_first.py": ("pass", None),
}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    bwrap_or_skip()
    folder = tmp_path_factory.mktemp("lookalikes")
    paths = []
    for name, text in SUBMISSIONS.items():
        (folder / name).write_text(textwrap.dedent(text))
        paths.append(folder / name)
    spec = parse_spec({"data": {"n_in": 3, "n_out": 2}, "loss": {"name": "mse"}})
    report = audit_batch(paths, spec, folder=folder / "out", jobs=2, limits=Limits(wall_seconds=60))
    return {os.path.basename(s.path): s for s in report.submissions}


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_lookalike_verdicts(verdicts, name):
    status, code = EXPECT[name]
    got = verdicts[name]
    if name == "bias_first.py":  # its n_out is 1: the spec's n_out = 2 does not fit; the point is no flag
        assert not any(d.code in consistency.AUDIT_CODES for d in got.diagnoses), got.diagnoses
        return
    assert got.status == status, (got.status, got.error, [d.code for d in got.diagnoses])
    if code:
        assert got.diagnoses[0].code == code
        assert got.score == 0.0
    else:
        assert not any(d.code in consistency.AUDIT_CODES for d in got.diagnoses)
        assert "checked again at the same weights and at weights the grader chose" in got.notes


# ----------------------------------------------------------------------------- the pieces


def test_probe_delta_is_reproducible_and_moves_every_tensor():
    p1 = [np.zeros((2, 3)), np.full(4, 5.0)]
    d1 = probes.probe_delta([a.shape for a in p1], p1, seed=7)
    d2 = probes.probe_delta([a.shape for a in p1], p1, seed=7)
    assert all(np.array_equal(a, b) for a, b in zip(d1, d2))
    assert np.std(d1[0]) > 0.01 and np.std(d1[1]) > 0.5  # scaled by max(rms, 0.1)
    assert not np.array_equal(d1[0], probes.probe_delta([(2, 3)], [p1[0]], seed=8)[0])


def test_small_diff_sees_a_step_not_an_update():
    base = np.arange(6.0).reshape(2, 3)
    step = base.copy()
    step[1, 2] += 1e-6
    assert probes._small_diff(step, base) == (5,)
    assert probes._small_diff(base - 1e-3 * np.ones_like(base), base) is None  # every entry: an update
    big = base.copy()
    big[0, 0] += 1.0
    assert probes._small_diff(big, base) is None


def _result(**probe):
    params = [{"name": "W", "path": "self.W", "shape": [2], "data": [1.0, 2.0]}]
    grads = [{"param": "W", "path": "ret", "rule": "name", "shape": [2], "data": [0.5, 0.5]}]
    return {"ok": True, "shape": "grads-dict", "params": params, "grads": grads, "probes": probe or None}


def _verdict():
    from gradcheck.result import TensorResult

    t = TensorResult("W", (2,), "pass", 0.0, 0.0, (0,), 0.5, 0.5, checked=2, size=2, counts={}, evaluations=0)
    return SubmissionResult(path="hw.py", status="pass", tensors=(t,))


def judge(result, seed=11, spec=None):
    X, Y = np.ones((2, 2)), np.ones((2, 1))
    return consistency.judge_probes(_verdict(), result, X, Y, spec or AuditSpec(), seed=0, probe_seed=seed)


def test_an_answer_without_this_runs_probes_is_an_error():
    assert judge(_result()).status == "error"
    assert judge(_result(seed=12, repeat={"grads": []})).status == "error"


def test_a_script_answer_is_checked_at_its_own_weights_only():
    """Only when its source is a script: a worker's answer saying so for a model class is not the worker's own."""
    import dataclasses

    examples = Path(__file__).resolve().parents[1] / "examples" / "submissions"
    r = _result()
    r["shape"] = "script"
    X, Y = np.ones((2, 2)), np.ones((2, 1))

    def judged(name: str) -> SubmissionResult:
        verdict = dataclasses.replace(_verdict(), path=str(examples / name))
        return consistency.judge_probes(verdict, r, X, Y, AuditSpec(), seed=0, probe_seed=11)

    ok = judged("script_correct.py")
    assert ok.status == "pass" and "own weights only" in ok.notes[-1]
    forged = judged("inplace_correct.py")  # a class with a backward: the grader would have probed it
    assert forged.status == "error" and "not the worker's own" in forged.error


def test_student_code_failing_at_the_grader_point_fails():
    r = judge(_result(seed=11, error={"type": "ValueError", "message": "boom"}))
    assert r.status == "fail" and r.diagnoses[0].code == "inconsistent_gradient" and "boom" in r.diagnoses[0].message


def test_a_changed_gradient_on_the_same_weights():
    r = judge(_result(seed=11, repeat={"grads": [[0.5, 0.6]]}, point={}, calls={}))
    assert r.status == "fail" and r.diagnoses[0].code == "nondeterministic_gradient"


def test_weights_not_set_to_the_grader_point():
    r = judge(
        _result(
            seed=11, repeat={"grads": [[0.5, 0.5]]}, point={"params": [[1.0, 2.0]], "grads": [[0.5, 0.5]]}, calls={}
        )
    )
    assert r.status == "fail" and r.diagnoses[0].code == "inconsistent_gradient"
    assert r.diagnoses[0].evidence["weights_not_used"] == ["W"]


def test_perturbed_evaluations_make_a_numerical_gradient():
    calls = {
        "perturbed_evaluations": 8,
        "perturbed_places": 4,
        "perturbed_functions": {"loss": 8},
        "calls": {"loss": 9},
    }
    r = consistency.judge_calls(_verdict(), calls)
    assert r.status == "fail" and r.diagnoses[0].code == "numerical_gradient"
    few = {**calls, "perturbed_places": 1}
    assert consistency.judge_calls(_verdict(), few).status == "pass"


def test_the_watch_counts_calls_and_perturbations(tmp_path):
    base = [np.zeros((2, 2))]
    live = [np.zeros((2, 2))]
    w = probes.CallWatch(str(tmp_path), lambda: [live[0].copy()], base)
    code = compile("def f(v):\n    return v\n", str(tmp_path / "s.py"), "exec")
    ns: dict = {}
    exec(code, ns)
    import sys

    sys.setprofile(w)
    try:
        ns["f"](np.zeros(3))
        for i in range(3):
            live[0] = np.zeros((2, 2))
            live[0].flat[i] = 1e-6
            ns["f"](np.zeros(3))
    finally:
        sys.setprofile(None)
    s = w.summary()
    assert s["calls"]["f"] == 4 and s["perturbed_evaluations"] == 3 and s["perturbed_places"] == 3
    assert json.dumps(s)


def test_the_watch_by_direct_calls(tmp_path):
    """The hook's body, called directly (a profile hook is not traced, so coverage cannot see it run)."""
    import types

    base = [np.zeros((2, 2))]
    live = [base[0].copy()]
    w = probes.CallWatch(str(tmp_path), lambda: [live[0].copy()], base)
    code = compile("def loss(theta, opts=None):\n    return theta\n", str(tmp_path / "s.py"), "exec")
    fcode = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    frame = types.SimpleNamespace(f_code=fcode, f_locals={"theta": np.zeros(4), "opts": {"a": np.ones(2)}})
    w(frame, "call", None)
    frame.f_locals = {"theta": np.array([1e-7, 0, 0, 0]), "opts": None}
    w(frame, "call", None)
    live[0] = np.array([[0.0, 1e-6], [0.0, 0.0]])
    w(frame, "call", None)
    live[0] = np.ones((2, 2))  # an update of every entry: not a probe
    w(frame, "return", None)
    w(types.SimpleNamespace(f_code=json.dumps.__code__, f_locals={}, f_back=None), "call", None)  # a library's
    s = w.summary()
    assert s["calls"] == {"loss": 3} and s["perturbed_evaluations"] == 2 and s["perturbed_places"] == 2
    assert w._params_hit() is None


def _watched(root: str, weights, fn, *args) -> probes.CallWatch:
    """``fn(*args)`` run under a call watch of the submission at ``root`` whose weights are ``weights()``."""
    import sys

    w = probes.CallWatch(root, weights, weights())
    sys.setprofile(w)
    try:
        fn(*args)
    finally:
        sys.setprofile(None)
    return w


def test_the_watch_sees_a_forward_written_out_inline(tmp_path):
    """Finite differences on local copies of the weights, with no call of the submission's own: seen at
    the numpy calls the backward makes (a dict and a list of copies), never at an honest update."""

    src = (
        "import numpy as np\n"
        "def inline_fd(W, b, h=1e-5):\n"
        "    for i in range(W.size):\n"
        "        for s in (h, -h):\n"
        "            w = {'W': W.copy(), 'b': b.copy()}\n"
        "            w['W'].flat[i] += s\n"
        "            np.mean(w['W'])\n"
        "            ws = [W.copy(), b.copy()]\n"
        "            ws[0].flat[i] += s\n"
        "            ws[0].sum()\n"
        "def honest_update(W, b, dW, db, lr=2.0**-10):\n"
        "    W_new, b_new = W - lr * dW, b - lr * db\n"
        "    np.mean(W_new)\n"
        "    return W_new, b_new\n"
    )
    ns: dict = {}
    exec(compile(src, str(tmp_path / "s.py"), "exec"), ns)
    rng = np.random.default_rng(0)
    W, b = rng.standard_normal((3, 2)), np.zeros(1)  # b: one entry, never compared

    def watched(fn, *args):
        return _watched(str(tmp_path), lambda: [W.copy(), b.copy()], fn, *args).summary()

    s = watched(ns["inline_fd"], W, b)
    # every library call made while a perturbed copy is held counts (the copies, the sums): at least the
    # two evaluations of each entry; the places are the entries themselves
    assert s["perturbed_places"] == W.size and s["perturbed_evaluations"] >= 2 * W.size
    assert set(s["perturbed_functions"]) == {"inline_fd"}
    s = watched(ns["honest_update"], W, b, rng.standard_normal((3, 2)), np.ones(1))
    assert s["perturbed_evaluations"] == 0


def test_the_watch_sees_code_the_submission_compiled_from_a_string(tmp_path):
    """Finite differences compiled from a string at run time (examples/hostile/exec_numerical.py): code of no
    file that a frame of the submission's calls is the submission's, and so is what that code calls; code of no
    file called from a library's frame (a namedtuple's generated method) is not. Code naming one of the
    interpreter's frozen modules is the interpreter's only when that module holds it."""

    fd = (
        "for i in range(W.size):\n"
        "    for s in (h, -h):\n"
        "        w = W.copy()\n"
        "        w.flat[i] += s\n"
        "        np.mean(w)\n"
    )
    src = (
        "import numpy as np\n"
        "def backward(W, src, name):\n"
        "    exec(compile(src, name, 'exec'), {'np': np, 'W': W, 'h': 1e-5})\n"
        "def helper_call(fn):\n"
        "    return fn()\n"
    )
    ns: dict = {}
    exec(compile(src, str(tmp_path / "s.py"), "exec"), ns)
    lib: dict = {}
    library = tmp_path.parent / f"{tmp_path.name}_library.py"  # a library's file: its code compiles from it
    library.write_text("def run(fn):\n    return fn()\n")
    exec(compile(library.read_text(), str(library), "exec"), lib)
    W = np.random.default_rng(1).standard_normal((3, 2))

    def watched(fn, *args):
        w = _watched(str(tmp_path), lambda: [W.copy()], fn, *args)
        return w, w.summary()

    w, s = watched(ns["backward"], W, fd, "<generated>")
    assert s["perturbed_places"] == W.size and s["calls"].get("<module>") == 1 and len(w.adopted) == 1
    for frozen in ("<frozen generated>", "<frozen posixpath>"):  # named as the interpreter's, not its code
        _, s = watched(ns["backward"], W, fd, frozen)
        assert s["perturbed_places"] == W.size, frozen
    gen: dict = {"np": np, "W": W, "h": 1e-5}
    exec(compile("def fd():\n" + "".join("    " + line + "\n" for line in fd.splitlines()), "<string>", "exec"), gen)
    _, s = watched(lib["run"], gen["fd"])  # called by a library's frame only: not the submission's
    assert s["perturbed_places"] == 0
    _, s = watched(ns["helper_call"], gen["fd"])  # called by the submission's frame
    assert s["perturbed_places"] == W.size


def test_the_watch_sees_central_differences_along_directions():
    """Every weight moved at once by a tiny step, then by its exact opposite: a central difference in a
    rotated basis. An update (one way), online updates (further each time) and a probe's return to the
    point are not."""
    rng = np.random.default_rng(1)
    base = [rng.standard_normal((3, 2)), rng.standard_normal(2)]
    live = [b.copy() for b in base]
    w = probes.CallWatch("/nowhere", lambda: [v.copy() for v in live], base)
    q, _ = np.linalg.qr(rng.standard_normal((8, 8)))

    def at(flat: np.ndarray) -> tuple | None:
        live[0], live[1] = flat[:6].reshape(3, 2), flat[6:]
        return w._params_hit()

    theta = np.concatenate([b.ravel() for b in base])
    hits = [(at(theta + 1e-5 * q[:, k]), at(theta - 1e-5 * q[:, k])) for k in range(3)]
    assert all(first is None and second is not None for first, second in hits)
    assert len({second for _, second in hits}) == 3
    online = probes.CallWatch("/nowhere", lambda: [v.copy() for v in live], base)
    w = online
    step = theta.copy()
    for _ in range(5):  # five online updates, each from where the last one left the weights
        step = step - 1e-6 * rng.standard_normal(8)  # small and dense, like a probe's move
        assert at(step) is None
    assert at(theta) is None


def _at_grader_point(monkeypatch, status, rel, precision="float64"):
    """The verdict at the grader's point forced to ``status`` with its worst tensor ``rel`` off."""
    from gradcheck.result import TensorResult

    t = TensorResult("W", (2,), status, rel, rel, (0,), 0.5, 0.5, checked=2, size=2, counts={}, evaluations=0)
    at_p2 = SubmissionResult(path="hw.py", status=status, tensors=(t,), precision=precision)
    monkeypatch.setattr(consistency, "_grade_at", lambda *a, **k: at_p2)
    asked = [np.array([1.0, 2.0]) + probes.probe_delta([(2,)], [np.array([1.0, 2.0])], 11)[0]]
    point = {"params": [a.tolist() for a in asked], "grads": [[0.5, 0.5]], "forward": None}
    return judge(_result(seed=11, repeat={"grads": [[0.5, 0.5]]}, point=point, calls={}))


def test_a_gradient_of_other_weights_at_the_grader_point_is_inconsistent(monkeypatch):
    r = _at_grader_point(monkeypatch, "fail", 0.4)  # a cached gradient: off by about the move
    assert r.status == "fail" and r.diagnoses[0].code == "inconsistent_gradient"


@pytest.mark.parametrize("rel", [5e-3, 2e-4])
def test_a_float64_gradient_slightly_wrong_at_the_grader_point_is_inconsistent(monkeypatch, rel):
    """Finite differences where the backward is not watched (its own weights), its own backprop with a stray
    epsilon where it is (0.5% off): no float64 rounding is that large
    (examples/hostile/unwatched_numerical_small_bug.py)."""
    r = _at_grader_point(monkeypatch, "fail", rel)
    assert r.status == "fail" and r.diagnoses[0].code == "inconsistent_gradient"


@pytest.mark.parametrize(
    "status,rel,precision",
    [("fail", 3e-6, "float64"), ("inconclusive", float("nan"), "float64"), ("fail", 5e-3, "float32")],
)
def test_rounding_or_doubt_at_the_grader_point_is_a_note_not_a_failure(monkeypatch, status, rel, precision):
    # a correct tanh net saturated at the grader's point: its own 1 - tanh(z)**2 is off by ~1e-6 (float32: more)
    r = _at_grader_point(monkeypatch, status, rel, precision)
    assert r.status == "pass", (r.status, [d.code for d in r.diagnoses])
    assert any("second point" in n and "not as an inconsistent gradient" in n for n in r.notes), r.notes


@pytest.mark.parametrize(
    "point",
    [None, {}, {"grads": [[0.5, 0.5]]}, "the weights are passed to this code one by one: the grader cannot set them"],
)
def test_an_answer_without_the_second_point_is_not_believed(point):
    """The worker sets the grader's point for every shape: an answer saying it cannot be set was rewritten."""
    probe = {"seed": 11, "repeat": {"grads": [[0.5, 0.5]]}, "point": point, "calls": {}}
    if isinstance(point, str):
        probe.update(point=None, unavailable=point)
    r = judge(_result(**probe))
    assert r.status == "error" and "second point" in r.error and "not the worker's own" in r.error
    assert not any("checked again" in n for n in r.notes)


def test_a_forward_unchanged_at_the_grader_point_is_graded_there(monkeypatch):
    """'The weights set do not reach the computation' (the first point's forward again) is no pass: the
    gradient is graded at the grader's point all the same, and a cached one fails there with no points."""
    from gradcheck.audit.batch import _finish

    graded = []

    def fake_grade(result, X, Y, spec, **kw):
        graded.append(result["params"])
        return SubmissionResult(path="hw.py", status="error", error="the forward pass matches no reference network")

    monkeypatch.setattr(consistency, "grade", fake_grade)
    asked = [np.array([1.0, 2.0]) + d for d in probes.probe_delta([(2,)], [np.array([1.0, 2.0])], 11)]
    r = _result(seed=11, repeat={"grads": [[0.5, 0.5]]}, calls={})
    r["forward"] = [[0.25]]
    r["probes"]["point"] = {"params": [a.tolist() for a in asked], "grads": [[0.5, 0.5]], "forward": [[0.25]]}
    v = judge(r)
    assert graded and v.status == "fail" and v.diagnoses[0].code == "inconsistent_gradient"
    assert _finish(v, AuditSpec(), 0.0).score == 0.0  # its tensors passed only at its own weights


def test_float32_is_believed_only_of_float32_weights():
    """The answer's float32 loosens every tolerance 23,000-fold: one float32 tensor beside float64 ones, or a
    rewritten answer, must not buy it; weights that are all float32 numbers (a float32 network) do."""
    from gradcheck.audit.extracted import believed_precision

    f32 = np.float32([0.1, -0.7]).astype(float).tolist()
    w64 = [0.1, -0.7]  # 0.1 is no float32 number
    result = {"precision": "float32", "params": [{"name": "W1", "data": w64}, {"name": "b2", "data": f32}]}
    said, why = believed_precision(result)
    assert said == "float64" and "W1" in why and "float64's rounding" in why
    assert believed_precision({**result, "params": [{"name": "W1", "data": f32}]}) == ("float32", None)
    assert believed_precision({"precision": "float64", "params": []}) == ("float64", None)


def test_a_second_call_on_the_same_network_must_agree():
    """State kept in the network between calls (a per-object counter, self.dW += ... never reset): a fresh
    object's first call is right again, only the same object's second call shows it."""
    fresh = {"grads": [[0.5, 0.5]], "same_object": [[1.0, 1.0]]}
    r = judge(_result(seed=11, repeat=fresh, point={}, calls={}))
    assert r.status == "fail" and r.diagnoses[0].code == "nondeterministic_gradient"
    assert "same network" in r.diagnoses[0].message and "+=" in r.diagnoses[0].message
    steady = {"grads": [[0.5, 0.5]], "same_object": [[0.5, 0.5]]}
    agreed = judge(_result(seed=11, repeat=steady, point={}, calls={}))
    assert not any(d.code == "nondeterministic_gradient" for d in agreed.diagnoses)


def test_a_code_object_is_a_library_s_only_when_its_file_compiles_to_it():
    """The watch tells a library's frames by the file their code names: a relabelled code object
    (``co_filename=numpy.__file__``, even with a real function's name and first line) is not numpy's."""
    from gradcheck.audit.genuinecode import genuine

    def helper(x):
        return x + 1e-5

    real = np.zeros_like.__wrapped__.__code__ if hasattr(np.zeros_like, "__wrapped__") else np.mean.__code__
    assert genuine(real) and genuine(json.dumps.__code__)
    assert genuine(helper.__code__)  # this test file is its file
    assert not genuine(helper.__code__.replace(co_filename=np.__file__))
    forged = helper.__code__.replace(
        co_filename=real.co_filename, co_name=real.co_name, co_firstlineno=real.co_firstlineno
    )
    assert not genuine(forged)
    assert not genuine(real.replace(co_names=tuple(f"mine_{n}" for n in real.co_names)))  # its bytecode, my globals
    assert not genuine(helper.__code__.replace(co_filename="/nonexistent/site-packages/numpy/core/numeric.py"))
    import posixpath

    assert genuine(posixpath.join.__code__) and posixpath.join.__code__.co_filename == "<frozen posixpath>"
    assert not genuine(helper.__code__.replace(co_filename="<frozen posixpath>"))  # the watch left these alone
    assert not genuine(helper.__code__.replace(co_filename="<frozen nothing_frozen>"))
