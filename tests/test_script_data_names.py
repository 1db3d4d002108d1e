"""A script's targets under a name of its own: found where the name reads as targets or the code subtracts
the output from it, else an honest error.

Both scripts are correct (the update is the ascent form of 1/2 SSE on a sigmoid
output) and end with a prediction loop that rebinds the hidden and output
variables to one sample; their printed "loss" is a mean absolute error.
"""

from __future__ import annotations

import numpy as np

SCRIPT = """
import numpy as np

phrases = ["a b", "c d", "e f", "a f", "c e"]
words = sorted(set(" ".join(phrases).split()))


def encode(text):
    v = np.zeros(len(words))
    for w in text.split():
        v[words.index(w)] = 1
    return v


X = np.array([encode(p) for p in phrases])
{targets} = np.array([[1], [0], [1], [1], [0]])


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


rng = np.random.default_rng(3)
w1 = rng.standard_normal((len(words), 5))
b1 = np.zeros((1, 5))
w2 = rng.standard_normal((5, 1))
b2 = np.zeros((1, 1))
for epoch in range(200):
    hidden = sigmoid(X @ w1 + b1)
    out = sigmoid(hidden @ w2 + b2)
    error = {targets} - out
    d_out = error * out * (1 - out)
    d_hid = d_out @ w2.T * hidden * (1 - hidden)
    w2 += hidden.T @ d_out * 0.5
    b2 += d_out.sum(axis=0, keepdims=True) * 0.5
    w1 += X.T @ d_hid * 0.5
    b1 += d_hid.sum(axis=0, keepdims=True) * 0.5
    if epoch % 50 == 0:
        print(epoch, f"loss {{np.mean(np.abs(error)):.4f}}")

for p in phrases:
    v = encode(p).reshape(1, -1)
    hidden = sigmoid(v @ w1 + b1)
    out = sigmoid(hidden @ w2 + b2)
"""


def test_targets_named_y_labels_are_found(tmp_path, audit_json):
    (tmp_path / "labels_script.py").write_text(SCRIPT.format(targets="y_labels"))
    (tmp_path / "answers_script.py").write_text(SCRIPT.format(targets="answers"))
    audited = audit_json([tmp_path / "labels_script.py", tmp_path / "answers_script.py"], tmp_path / "out")
    found = audited["labels_script.py"]
    # the gradient is 1/2 SSE's, the printed loss |error|'s: which loss is meant stays open, honestly
    assert found["status"] == "inconclusive", (found["status"], found["error"])
    assert [d["code"] for d in found["diagnoses"]] == ["loss_undetermined"]
    assert any("Y = y_labels" in n for n in found["notes"]), found["notes"]
    answers = audited["answers_script.py"]
    # 'answers' does not read as targets, but the script subtracts the output from it: found so
    assert answers["status"] == "inconclusive", (answers["status"], answers["error"])
    assert any("Y = answers" in n for n in answers["notes"]), answers["notes"]


def test_targets_nothing_tells_are_an_honest_error(tmp_path, audit_json):
    text = SCRIPT.format(targets="answers").replace("error = answers - out", "error = np.subtract(answers, out)")
    (tmp_path / "answers_script.py").write_text(text)
    unnamed = audit_json([tmp_path / "answers_script.py"], tmp_path / "out")["answers_script.py"]
    # neither its name nor an arithmetic with the output says it holds the targets: an error naming the spec keys
    assert unnamed["status"] == "error", unnamed["status"]
    assert "internal error" not in unnamed["error"], unnamed["error"]
    assert "[entry] data_y" in unnamed["error"], unnamed["error"]


def test_the_label_like_names():
    from gradcheck.audit.scriptdata import _label_like

    ns = {"y_labels": np.ones(2), "train_targets": 1, "Y_onehot": 2, "answers": 3, "y": 4, "_y_private": 5}
    ns |= {"y_pred": 6, "y_hat": 7, "y_out": 8, "Y_all": 9}
    assert _label_like(ns) == ["y_labels", "train_targets", "y_onehot", "y_all"]


TRASK = """
import numpy as np


def squash(v):
    return 1 / (1 + np.exp(-v))


np.random.seed(3)
hidden_weights = 2 * np.random.random((3, 4)) - 1
out_weights = 2 * np.random.random((4, 1)) - 1
samples = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]])
answers = np.array([[0, 1, 1, 0]]).T
for it in range(500):
    l0 = samples
    l1 = squash(np.dot(l0, hidden_weights))
    l2 = squash(np.dot(l1, out_weights))
    l2_error = answers - l2
    l2_delta = l2_error * l2 * (1 - l2)
    l1_delta = l2_delta.dot(out_weights.T) * l1 * (1 - l1)
    out_weights += l1.T.dot(l2_delta)
    hidden_weights += l0.T.dot(l1_delta)
"""


def test_an_output_of_no_known_name_is_what_the_targets_are_subtracted_from(tmp_path, audit_json):
    """``l2_error = answers - l2``: neither name says its role; l2 is computed from the weights, answers is not.
    Every delta is taken before the first update (hoisted to its line): no update is said to come between them."""
    (tmp_path / "trask_script.py").write_text(TRASK)
    s = audit_json([tmp_path / "trask_script.py"], tmp_path / "out")["trask_script.py"]
    assert s["status"] == "inconclusive", (s["status"], s["error"])  # 1/2 SSE's gradient; no loss in the code
    assert [d["code"] for d in s["diagnoses"]] == ["loss_undetermined"]
    assert {t["name"]: t["status"] for t in s["tensors"]} == {"hidden_weights": "pass", "out_weights": "pass"}
    assert any("forward output guessed: l2" in n for n in s["notes"]), s["notes"]
    assert any("Y = answers" in n for n in s["notes"]), s["notes"]
    assert not any("before every gradient was computed" in n for n in s["notes"]), s["notes"]
