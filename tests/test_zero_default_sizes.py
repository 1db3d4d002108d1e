"""A constructor whose size arguments default to 0 (``hidden_size=0``) as placeholders for the caller's sizes.

Kept, the 0 makes empty weights ((n_in, 0) and (0, n_out)), which no layout chains; it is invented like a
missing size, so the network is checked zero-config.
"""

from __future__ import annotations

import textwrap

from gradcheck.audit.adapters.sizes import infer_call_sizes

SOURCE = textwrap.dedent(
    """
    import numpy as np


    class TwoLayer:
        def __init__(self, input_size=0, hidden_size=0, output_size=0, std=1e-4):
            self.params = {}
            self.params["W1"] = std * np.random.randn(input_size, hidden_size)
            self.params["b1"] = np.zeros((1, hidden_size))
            self.params["W2"] = std * np.random.randn(hidden_size, output_size)
            self.params["b2"] = np.zeros((1, output_size))

        def loss(self, X, y):
            W1, b1 = self.params["W1"], self.params["b1"]
            W2, b2 = self.params["W2"], self.params["b2"]
            n = X.shape[0]
            h = np.maximum(0, X @ W1 + b1)
            scores = h @ W2 + b2
            scores = scores - scores.max(axis=1, keepdims=True)
            p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
            loss = -np.log(p[np.arange(n), y]).sum() / n
            ds = p.copy()
            ds[np.arange(n), y] -= 1
            ds /= n
            grads = {"W2": h.T @ ds, "b2": ds.sum(axis=0, keepdims=True)}
            dh = ds @ W2.T
            dh[h <= 0] = 0
            grads["W1"] = X.T @ dh
            grads["b1"] = dh.sum(axis=0, keepdims=True)
            return loss, grads
    """
)
#: The hidden layer's weight gradient with its sign turned.
SIGN_BUG = SOURCE.replace('grads["W1"] = X.T @ dh', 'grads["W1"] = -(X.T @ dh)')


def test_zero_default_sizes_are_invented(tmp_path, audit_json):
    (tmp_path / "zero_sizes_ok.py").write_text(SOURCE)
    (tmp_path / "zero_sizes_sign_bug.py").write_text(SIGN_BUG)
    res = audit_json([tmp_path / "zero_sizes_ok.py", tmp_path / "zero_sizes_sign_bug.py"], tmp_path / "out")
    ok, bug = res["zero_sizes_ok.py"], res["zero_sizes_sign_bug.py"]
    assert ok["status"] == "pass", (ok.get("error"), ok["notes"])
    assert bug["status"] == "fail", (bug.get("error"), bug["notes"])
    failed = {t["name"] for t in bug["tensors"] if t["status"] == "fail"}
    assert failed == {"params['W1']"}, bug["tensors"]
    assert "sign_flip" in {d["code"] for d in bug["diagnoses"]}, bug["diagnoses"]


def test_a_size_defaulting_to_zero_is_given_a_width():
    def make(self, input_size=0, hidden_size=0, output_size=0, std=1e-4):
        return input_size, hidden_size, output_size, std

    from gradcheck.audit.adapters.sizes import Sizes

    args, kwargs, _ = infer_call_sizes(make, "TwoLayer", Sizes(3, 2, True), None, None, 0.01)
    given = dict(zip(["input_size", "hidden_size", "output_size"], args)) | kwargs
    assert given["input_size"] == 3 and given["output_size"] == 2
    assert given["hidden_size"] > 0
