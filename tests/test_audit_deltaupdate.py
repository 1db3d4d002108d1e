"""Layer lists whose backward stores deltas and a separate update applies them (shapes/deltaupdate.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gradcheck.audit import adapters, loading
from gradcheck.audit.adapters.shapes.deltaupdate import update_function

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"


def _fns(src: str) -> dict:
    ns: dict = {}
    exec(compile(src, "<student>", "exec"), ns)  # noqa: S102 - our own test source
    return {k: v for k, v in ns.items() if callable(v)}


def test_the_update_taking_the_network_and_a_rate_is_found():
    fns = _fns(
        "def backward_propagate(network, expected): pass\n"
        "def update_weights(network, row, l_rate): pass\n"
        "def transfer_derivative(output): pass\n"
    )
    assert update_function(fns, {"backward_propagate"}) == "update_weights"


def test_an_update_fed_returned_gradients_or_without_a_rate_is_not():
    fed = _fns("def update_parameters(parameters, grads, learning_rate): pass\n")
    assert update_function(fed, set()) is None
    no_rate = _fns("def update_network(network, row): pass\n")
    assert update_function(no_rate, set()) is None
    two = _fns("def update_a(net, lr): pass\ndef update_b(net, lr): pass\n")
    assert update_function(two, set()) is None  # which one the loop calls cannot be told


def test_the_gradient_is_read_off_the_update_verified_linear_in_the_rate():
    loaded = loading.load(FOLDER / "delta_layers_update_correct.py")
    partial: dict = {"notes": []}
    found = adapters.audit(loaded, None, None, [1e-3, 2e-3], {}, partial)
    assert found["target_shape"] == "deltaupdate" and found["shape"] == "inplace-update"
    assert found["update"]["linear_in_lr"] and not found["update"]["stateful"]
    assert partial["entry"] == "backward_propagate+update_weights"
    assert [g["param"] for g in found["grads"]] == [f"[{i}].{k}" for i in range(3) for k in ("weights", "biases")]
    assert all(np.any(g["data"]) for g in found["grads"])
