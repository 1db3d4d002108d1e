"""Stand-ins for scikit-learn's toy data sets (gradcheck.audit.toydata): scikit-learn's shapes and label kinds."""

from __future__ import annotations

import numpy as np
import pytest

from gradcheck.audit import toydata


@pytest.mark.parametrize(
    "make,kwargs,shape,classes",
    [
        (toydata.make_blobs, {"n_samples": 200, "centers": 2, "cluster_std": 0.3, "random_state": 42}, (200, 2), 2),
        (toydata.make_blobs, {"n_samples": 30, "n_features": 4}, (30, 4), 3),
        (toydata.make_blobs, {"n_samples": 10, "centers": [[0, 0], [5, 5]]}, (10, 2), 2),
        (toydata.make_moons, {"n_samples": 50, "noise": 0.1, "random_state": 0}, (50, 2), 2),
        (toydata.make_circles, {"n_samples": 40, "factor": 0.5}, (40, 2), 2),
        (toydata.make_classification, {"n_samples": 60, "n_features": 5, "n_classes": 3}, (60, 5), 3),
    ],
)
def test_shapes_and_labels(make, kwargs, shape, classes):
    X, y = make(**kwargs)
    assert X.shape == shape and y.shape == (shape[0],)
    assert y.dtype.kind == "i" and sorted(set(y.tolist())) == list(range(classes))
    assert np.isfinite(X).all()


def test_same_random_state_same_draw():
    a, _ = toydata.make_moons(n_samples=20, noise=0.2, random_state=5)
    b, _ = toydata.make_moons(n_samples=20, noise=0.2, random_state=5)
    c, _ = toydata.make_moons(n_samples=20, noise=0.2, random_state=6)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_module_holds_the_generators():
    ds = toydata.module()
    assert ds.__name__ == "sklearn.datasets"
    assert {n for n in dir(ds) if n.startswith("make_")} == {
        "make_blobs",
        "make_moons",
        "make_circles",
        "make_classification",
    }
