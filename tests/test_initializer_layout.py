"""An initializer that sizes the weights from the data it is handed (``init(x_train, y_train)`` making
``np.random.randn(4, x_train.shape[0])``), in code that takes samples as columns: the audit hands it the batch
in the layout it tries, so that the weights fit the forward that layout feeds.

Made with samples as rows whatever the layout (before), the weights took the batch's 16 samples for 16 features
and 16 outputs, and the network audited was not the student's: a public submission of this shape got a forward
that "matches no reference network" with no spec, and a ValueError from its own forward under
``samples_as_columns = true`` (the spec the error asked for).
"""

from __future__ import annotations

import textwrap

import pytest

#: Samples as columns; a dict of weights with names of no known role, sized from the data handed in.
COLUMNS = """
import numpy as np


def initialize(features, labels):
    return {
        "hidden_w": np.random.randn(4, features.shape[0]) * 0.5,
        "hidden_b": np.zeros((4, 1)),
        "out_w": np.random.randn(labels.shape[0], 4) * 0.5,
        "out_b": np.zeros((labels.shape[0], 1)),
    }


def forward(features, net):
    a1 = np.tanh(net["hidden_w"] @ features + net["hidden_b"])
    a2 = 1 / (1 + np.exp(-(net["out_w"] @ a1 + net["out_b"])))
    return a2, {"a1": a1, "a2": a2}


def cost(a2, labels):
    return -np.sum(labels * np.log(a2) + (1 - labels) * np.log(1 - a2)) / labels.shape[1]


def backward(net, cache, features, labels):
    m = features.shape[1]
    dz2 = cache["a2"] - labels
    dz1 = (net["out_w"].T @ dz2) * (1 - cache["a1"] ** 2)
    return {
        "hidden_w": dz1 @ features.T / m,
        "hidden_b": dz1.sum(axis=1, keepdims=True) / m,
        "out_w": dz2 @ cache["a1"].T / m,
        "out_b": dz2.sum(axis=1, keepdims=True) / m,
    }
"""


@pytest.fixture(scope="module")
def audited(tmp_path_factory, audit_json):
    base = tmp_path_factory.mktemp("initializer_layout")
    files = {
        "columns_correct.py": COLUMNS,
        "columns_sign_bug.py": COLUMNS.replace('dz2 = cache["a2"] - labels', 'dz2 = labels - cache["a2"]'),
    }
    for name, text in files.items():
        (base / name).write_text(textwrap.dedent(text))
    return audit_json([base / name for name in files], base / "out")


def _batch(s: dict) -> int:
    note = next(n for n in s["notes"] if " samples made with seed" in n)
    return int(note.split(" samples made")[0].split()[-1])


@pytest.mark.parametrize("name", ["columns_correct.py", "columns_sign_bug.py"])
def test_the_weights_are_sized_from_the_batch_in_the_layout_tried(audited, name):
    s = audited[name]
    shapes = {t["name"]: tuple(t["shape"]) for t in s["tensors"]}
    n_in, n_out = shapes["hidden_w"][1], shapes["out_w"][0]
    assert shapes["hidden_w"][0] == shapes["out_w"][1] == 4 and shapes["out_b"] == (n_out, 1)
    assert _batch(s) not in (n_in, n_out), (shapes, _batch(s))  # no layer as wide as the batch: rows misread
    assert s["forward"]["status"] == "match", s["forward"]


def test_the_verdicts_are_the_code_s(audited):
    assert audited["columns_correct.py"]["status"] == "pass"
    bug = audited["columns_sign_bug.py"]
    assert bug["status"] == "fail" and bug["diagnoses"][0]["code"] == "sign_flip"
