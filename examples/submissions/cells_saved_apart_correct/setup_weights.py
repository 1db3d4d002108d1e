import numpy as np


def initialize_parameters(n_in, n_hidden, n_out):
    rng = np.random.default_rng(1)
    return {
        "W1": rng.normal(0, 0.5, (n_hidden, n_in)),
        "b1": np.zeros((n_hidden, 1)),
        "W2": rng.normal(0, 0.5, (n_out, n_hidden)),
        "b2": np.zeros((n_out, 1)),
    }
