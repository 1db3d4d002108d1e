"""Module-global weights also held in a module-level list (``weights = [W_hid, W_out, b_hid, b_out]``) that the
training code refreshes and passes on as ``train_step(x, t, *weights)``: the list holds the fresh weights of each
run (no second copy of the parameters), and ``return cost, (dW_hid, dW_out, err_hid, err_out)`` is read."""

from __future__ import annotations

import json
import textwrap

import numpy as np
from audit_example import assert_judged

from gradcheck.audit import worker

SOURCE = """
import numpy as np

np.random.seed(1)
Wa = np.random.normal(scale=0.5, size=(3, 4))
Wb = np.random.normal(scale=0.5, size=(4, 2))
ba = np.zeros(4) + 0.1
bb = np.zeros(2) - 0.1
held = [Wa, Wb, ba, bb]
by_name = {"Wa": Wa, "bb": bb}

def train_step(x, t, Wa, Wb, ba, bb):
    h = np.tanh(x @ Wa + ba)
    y = h @ Wb + bb
    e = y - t
    eh = (1 - h ** 2) * (Wb @ e)
    return 0.5 * np.sum(e ** 2), (np.outer(x, eh), np.outer(h, e), eh, e)

def fit(X, T):
    for x, t in zip(X, T):
        cost, g = train_step(x, t, *held)
        for j in range(len(held)):
            held[j] = held[j] - 0.1 * g[j]
"""


def _worker(tmp_path, monkeypatch) -> dict:
    (tmp_path / "student.py").write_text(textwrap.dedent(SOURCE))
    (tmp_path / "req.json").write_text(json.dumps({"submission": "student.py", "spec": {}, "lrs": [1e-3, 2e-3]}))
    monkeypatch.chdir(tmp_path)
    assert worker.main(["worker", "req.json"]) == 0
    return json.loads((tmp_path / "result.json").read_text())


def test_a_list_holding_the_globals_is_no_second_set_of_parameters(tmp_path, monkeypatch, clean_imports):
    r = _worker(tmp_path, monkeypatch)
    assert r["ok"], r["error"]
    assert [p["name"] for p in r["params"]] == ["Wa", "ba", "Wb", "bb"]
    assert r["shape"] == "loss-and-grads"
    assert [g["path"] for g in r["grads"]] == ["ret[1][0]", "ret[1][2]", "ret[1][1]", "ret[1][3]"]


def test_the_nested_gradients_are_the_sample_s(tmp_path, monkeypatch, clean_imports):
    r = _worker(tmp_path, monkeypatch)
    Wa, ba, Wb, bb = (np.asarray(p["data"], float) for p in r["params"])
    x, t = np.asarray(r["X"], float)[0], np.asarray(r["Y"], float)[0]
    h = np.tanh(x @ Wa + ba)
    e = h @ Wb + bb - t
    eh = (1 - h**2) * (Wb @ e)
    want = [np.outer(x, eh), eh, np.outer(h, e), e]
    for got, w in zip(r["grads"], want):
        np.testing.assert_allclose(np.asarray(got["data"], float).reshape(w.shape), w, rtol=1e-12)


def test_the_example_pair(tmp_path):
    assert_judged(tmp_path, "globals_list_nested_grads_correct.py", "pass", None)
    assert_judged(tmp_path, "globals_list_nested_grads_scale_bug.py", "fail", "uniform_scale")
