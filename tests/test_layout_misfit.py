"""A candidate layout whose reference network takes another input width than the batch is one that does not fit,
never an internal error of the grader (a public lab's script ended 'internal error while grading')."""

import numpy as np
import pytest

from gradcheck.audit import network
from gradcheck.audit.spec import AuditSpec


def test_a_reference_refusing_the_batch_is_no_fit(monkeypatch):
    rng = np.random.default_rng(0)
    params = {"W1": rng.normal(size=(2, 3)), "b1": np.zeros(3), "W2": rng.normal(size=(3, 1)), "b2": np.zeros(1)}
    X, out = rng.normal(size=(5, 2)), rng.normal(size=(5, 1))

    def refuses(*args, **kwargs):
        raise ValueError("X must have shape (N, 4), got (5, 2)")

    monkeypatch.setattr(network, "_fit_parameter", refuses)
    with pytest.raises(network.LayoutError):
        network.infer_network(params, out, X, 1, AuditSpec())
