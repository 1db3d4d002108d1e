"""A worker's answer over the file-size limit of the result channel: RLIMIT_FSIZE cuts its writes there and the
channel holds a JSON cut short. The verdict says so, with the network's size and the spec key that helps (the
constructor's sizes), not "it exited before reporting (sys.exit or os._exit?)": a CS231n-style class whose
defaults make ~830,000 parameters was refused that way at the default 64 MiB limit. Here the limit is lowered
so that a small network meets it fast."""

from __future__ import annotations

import json
import sys
import textwrap

from sandbox_util import bwrap_or_skip

from gradcheck.audit import batch
from gradcheck.audit.sandbox import Limits, SandboxResult, run_sandboxed
from gradcheck.audit.spec import AuditSpec, parse_spec

#: Written for this test: four layers (ReLU, tanh, sigmoid, softmax cross-entropy), sizes from the defaults.
NET = textwrap.dedent(
    """
    import numpy as np


    class FourLayerNet:
        def __init__(self, input_dim=32, hidden_dim1=16, hidden_dim2=8, hidden_dim3=8, output_dim=4,
                     weight_scale=1e-1, reg=0.0):
            sizes = [input_dim, hidden_dim1, hidden_dim2, hidden_dim3, output_dim]
            rng = np.random.default_rng(0)
            self.reg = reg
            self.params = {}
            for i in range(4):
                self.params["W%d" % (i + 1)] = weight_scale * rng.standard_normal((sizes[i], sizes[i + 1]))
                self.params["b%d" % (i + 1)] = np.zeros(sizes[i + 1])

        def loss(self, X, y=None):
            p = self.params
            z1 = X @ p["W1"] + p["b1"]
            a1 = np.maximum(z1, 0)
            a2 = np.tanh(a1 @ p["W2"] + p["b2"])
            a3 = 1 / (1 + np.exp(-(a2 @ p["W3"] + p["b3"])))
            scores = a3 @ p["W4"] + p["b4"]
            if y is None:
                return scores
            n = len(X)
            e = np.exp(scores - scores.max(axis=1, keepdims=True))
            probs = e / e.sum(axis=1, keepdims=True)
            loss = -np.log(probs[np.arange(n), y]).mean()
            d = probs
            d[np.arange(n), y] -= 1
            d /= n
            grads = {"W4": a3.T @ d, "b4": d.sum(0)}
            d = d @ p["W4"].T * a3 * (1 - a3)
            grads.update(W3=a2.T @ d, b3=d.sum(0))
            d = d @ p["W3"].T * (1 - a2**2)
            grads.update(W2=a1.T @ d, b2=d.sum(0))
            d = d @ p["W2"].T * (z1 > 0)
            grads.update(W1=X.T @ d, b1=d.sum(0))
            return loss, grads
    """
)
#: 32*16+16 + 16*8+8 + 8*8+8 + 8*4+4
N_PARAMS = 772
#: Over the weights' part of the answer (~19 KB), under the whole (~130 KB).
LIMIT = 48 * 1024


def test_an_answer_over_the_limit_is_named_with_the_spec_key_that_helps(tmp_path):
    bwrap_or_skip()
    (tmp_path / "four_layer_net.py").write_text(NET, encoding="utf-8")
    limits = Limits(wall_seconds=60, file_bytes=LIMIT)
    r = batch.audit_one(tmp_path / "four_layer_net.py", AuditSpec(), limits=limits, probe_seed=1)
    assert r.status == "error"
    assert "sys.exit" not in r.error, r.error
    assert r.error == (
        f"no result from the submission: its answer (the weights and gradients of {N_PARAMS:,} parameters, as JSON) "
        "is over the 48 KiB file-size limit of the sandbox's result channel and was cut short: give the constructor "
        "small sizes in the spec ([entry] init_kwargs = {...} or init_args = [...]: a few units per layer)"
    )
    # the key named takes the value it is named with
    parse_spec({"entry": {"init_kwargs": {"input_dim": 4}, "init_args": [4]}})


def test_the_sandbox_says_when_the_channel_reached_the_limit(tmp_path):
    code = "import json, os, sys; fd = json.loads(sys.stdin.read())['fd']; os.write(fd, b'[' + b'1, ' * 5000)"
    r = run_sandboxed(
        [sys.executable, "-I", "-S", "-c", code],
        workdir=tmp_path,
        backend="none",
        limits=Limits(wall_seconds=20, file_bytes=4096),
        stdin=lambda fd: json.dumps({"fd": fd}).encode(),
    )
    assert r.ok and r.channel_full and len(r.channel) == 4096
    small = run_sandboxed(
        [sys.executable, "-I", "-S", "-c", code.replace("5000", "5")],
        workdir=tmp_path,
        backend="none",
        limits=Limits(wall_seconds=20, file_bytes=4096),
        stdin=lambda fd: json.dumps({"fd": fd}).encode(),
    )
    assert small.ok and not small.channel_full and small.channel == b"[" + b"1, " * 5


def _box(channel: bytes, full: bool, status="ok", reason="exited with code 0") -> SandboxResult:
    return SandboxResult(
        status, 0 if status == "ok" else 1, reason, "", "", 0.1, True, channel_full=full, channel=channel
    )


def test_the_verdict_on_a_cut_channel():
    head = (
        b'{"ok": true, "params": [{"name": "W", "path": "self.W", "shape": [300, 20], "data": [[0.5, 1.5]]}, '
        b'{"name": "b", "path": "self.b", "shape": [20], "data": [0.0]}], "grads": [{"param": "W", "shape": [3, 4],'
        b' "data": [[0.1, '
    )
    common = {"path": "hw.py", "command": "python -m gradcheck audit hw.py"}
    r = batch._judge_box(_box(head, True), None, None, AuditSpec(), (0, None), dict(common))
    assert r.status == "error"
    assert "of 6,020 parameters" in r.error and f"{len(head)} B file-size limit" in r.error
    assert "[entry] init_kwargs" in r.error and "sys.exit" not in r.error
    killed = _box(head, True, "error", "killed by SIGKILL (e.g. by the out-of-memory killer)")
    r = batch._judge_box(killed, None, None, AuditSpec(), (0, None), dict(common))
    assert r.error.endswith("; killed by SIGKILL (e.g. by the out-of-memory killer)")
    # a channel under the limit that holds no answer is still the code ending the process
    r = batch._judge_box(_box(b"", False), None, None, AuditSpec(), (0, None), dict(common))
    assert r.error == "no result from the submission: it exited before reporting (sys.exit or os._exit?)"


def test_the_size_read_off_the_head():
    from gradcheck.audit.outcome import cut_answer

    inside = b'{"ok": true, "notes": ["\\"shape\\": [9], \\"data\\": "], "params": [{"shape": [3, 4], "data": [[1'
    assert cut_answer(inside) == "the weights and gradients of at least 12 parameters, as JSON"
    assert cut_answer(b'{"ok": true, "no') == "the weights and gradients, as JSON"
    assert cut_answer(b"\xff" * 100) == "the weights and gradients, as JSON"
