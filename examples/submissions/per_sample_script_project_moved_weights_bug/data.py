"""Twelve made-up 6-pixel pictures of three kinds, each label one-hot."""
import numpy as np


def get_digits():
    rng = np.random.default_rng(0)
    pictures = rng.random((12, 6)).astype("float32")
    kinds = np.eye(3)[rng.integers(0, 3, 12)]
    return pictures, kinds
