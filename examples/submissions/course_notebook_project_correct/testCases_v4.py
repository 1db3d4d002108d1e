"""Fixed inputs for the notebook's self-checks (weights made here, never returned as a model)."""
import numpy as np


def linear_backward_test_case():
    rng = np.random.RandomState(3)
    dZ = rng.randn(3, 4)
    A = rng.randn(5, 4)
    W = rng.randn(3, 5)
    b = rng.randn(3, 1)
    return dZ, (A, W, b)


def L_model_backward_test_case():
    rng = np.random.RandomState(3)
    AL = rng.rand(1, 2)
    Y = np.array([[1, 0]])
    A1 = rng.randn(4, 2)
    W1 = rng.randn(3, 4)
    b1 = rng.randn(3, 1)
    Z1 = rng.randn(3, 2)
    A2 = rng.randn(3, 2)
    W2 = rng.randn(1, 3)
    b2 = rng.randn(1, 1)
    Z2 = rng.randn(1, 2)
    return AL, Y, [((A1, W1, b1), Z1), ((A2, W2, b2), Z2)]
