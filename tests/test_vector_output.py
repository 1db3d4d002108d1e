"""Per-sample classes whose output weight is a vector (``w2`` of shape (n_hid,)) and whose bias is a Python float."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np

from gradcheck.audit import adapters, loading, probes
from gradcheck.audit.adapters.params import discover_params
from gradcheck.audit.adapters.paths import assign
from gradcheck.audit.adapters.sizes import size_candidates
from gradcheck.diagnose.layout import infer_layouts

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"


def _net() -> SimpleNamespace:
    return SimpleNamespace(w1=np.ones((4, 3)), b1=np.zeros(4), w2=np.ones(4), b2=0.0, lr=0.1, beta=0.9, b_lr=0.01)


def test_a_float_bias_is_a_parameter_of_shape_empty_and_stays_a_float():
    net = _net()
    found = discover_params(net)
    # beta (a momentum) and b_lr (a rate) are floats named with a b, not biases
    assert [(t.name, t.shape) for t in found] == [("w1", (4, 3)), ("b1", (4,)), ("w2", (4,)), ("b2", ())]
    assign(net, found[3].steps, np.asarray(0.25))
    assert type(net.b2) is float and net.b2 == 0.25  # the student's float stays a float


def test_a_vector_output_weight_means_one_output():
    found = discover_params(_net())
    assert size_candidates(found)[0] == (3, 1)
    (layout,) = infer_layouts({t.name: t.shape for t in found}, 3, 1)[:1]
    assert layout.sizes == (3, 4, 1) and layout.layers[-1].bias == "b2"
    ref = layout.to_reference({"w1": np.ones((4, 3)), "b1": np.zeros(4), "w2": np.arange(4.0), "b2": np.asarray(0.5)})
    assert ref["W2"].shape == (4, 1) and ref["b2"].shape == (1,) and ref["W1"].shape == (3, 4)


def _samples(name: str) -> tuple[dict, list[dict]]:
    loaded = loading.load(FOLDER / name)
    partial: dict = {"notes": []}
    found = adapters.audit(loaded, None, None, [1e-3, 2e-3], {}, partial)
    ctx = {**partial["probe_context"], "spec": {}, "lrs": [1e-3, 2e-3], "root": str(FOLDER)}
    return found, probes.run_probes(ctx, found["shape"], 7, found.get("update"))["samples"]


def test_the_negative_label_bug_shows_on_the_negative_samples_only():
    good, ok = _samples("vector_output_float_bias_correct.py")
    _, wrong = _samples("vector_output_float_bias_neglabel_bug.py")
    assert [g["shape"] for g in good["grads"]][-1] == []  # the float bias's gradient is one number
    assert [s["index"] for s in ok] == [s["index"] for s in wrong] and ok
    labels = {float(np.ravel(s["Y"])[0]) for s in ok}
    assert labels == {0.0, 1.0}
    for right, planted in zip(ok, wrong):
        same = all(np.allclose(a, b) for a, b in zip(right["grads"], planted["grads"]))
        assert same == (float(np.ravel(right["Y"])[0]) == 1.0)
