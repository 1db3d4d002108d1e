"""Given by the course: expected cost on a fixed case."""

import numpy as np


def cost_test_case():
    return np.array([[0.5, 0.25, 0.9]]), np.array([1.0, 0.0, 1.0])
