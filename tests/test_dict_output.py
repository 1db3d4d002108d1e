"""The network's output in a dict of caches a forward returns."""

from __future__ import annotations

import numpy as np
import pytest

from gradcheck.audit.adapters.dictoutput import dict_output
from gradcheck.audit.adapters.outputs import network_output

A = {k: np.full((4, 5), float(i)) for i, k in enumerate(["z1", "a1", "z2", "a2"])}


@pytest.mark.parametrize(
    ("ret", "key"),
    [
        (A, "a2"),  # the highest layer's activation, never z2
        ({"Z1": A["z1"], "A1": A["a1"], "Z2": A["z2"], "A2": A["a2"], "A3": A["z1"]}, "A3"),
        ({"h1": A["a1"], "y_hat": A["a2"], "h2": A["z2"]}, "y_hat"),  # a name of the output wins
        ({"z1": A["z1"], "z2": A["z2"]}, None),  # pre-activations only: no output
        ({"a1": np.zeros((3, 3)), "a2": np.zeros((3, 3))}, None),  # no array with the batch's 5 samples
        ((A["a1"], A["a2"]), None),  # not a dict
    ],
)
def test_the_output_is_the_output_named_entry_else_the_highest_activation(ret, key):
    found = dict_output(ret, 5)
    if key is None:
        assert found is None
    else:
        assert found[0] is ret[key] and repr(key) in found[1]


def test_network_output_reads_a_returned_dict():
    out, how = network_output(None, A, None, 5)
    assert out is A["a2"] and how.startswith("returned dict")
