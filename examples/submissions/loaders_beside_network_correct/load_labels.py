"""Reads the digit labels of the course's idx file as one-hot columns."""

import numpy as np


def one_hot_columns(path):
    with open(path, "rb") as f:
        raw = f.read()
    digits = np.frombuffer(raw, dtype=np.uint8, offset=8)
    return np.eye(10)[digits].reshape(-1, 10, 1)


labels = one_hot_columns("train-labels-idx1-ubyte")
