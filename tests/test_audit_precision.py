"""A network computed in float32 is judged to float32's rounding; nothing else loosens the tolerance."""

import numpy as np

from gradcheck.audit.extracted import precision_of as _precision
from gradcheck.audit.worker import precision


def _result(param_dtype="float64", grad=np.zeros(2), forward=None):
    return {
        "params": [{"name": "W1", "data": np.zeros(2), "dtype": param_dtype}],
        "grads": [{"param": "W1", "data": grad}],
        "forward": forward,
    }


def test_float32_weights_make_a_float32_network():
    assert precision(_result("float32")) == "float32"


def test_a_float32_gradient_or_forward_counts_too():
    assert precision(_result(grad=np.zeros(2, np.float32))) == "float32"
    assert precision(_result(forward=np.zeros(3, np.float32))) == "float32"


def test_float64_everywhere_stays_float64():
    assert precision(_result()) == "float64"
    assert precision({"params": [], "grads": [], "forward": None}) == "float64"


def test_the_grader_accepts_only_float_names_and_never_looser_than_float32():
    assert _precision("float32") == np.float32
    assert _precision("float16") == np.float32  # float32's bounds are the loosest the grader applies
    for name in ("float64", "bogus", None, 3, "int8"):
        assert _precision(name) == np.float64
