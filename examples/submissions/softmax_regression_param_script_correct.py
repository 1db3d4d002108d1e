"""Softmax regression on four measured features, three species.

A column of ones is put in front of the features so that the bias is the first
row of the single weight matrix ``param``; cross-entropy summed over the samples.
"""

import numpy as np

rng = np.random.default_rng(11)
features = rng.normal(size=(120, 4))
species = rng.integers(0, 3, size=120)

design = np.hstack([np.ones((len(features), 1)), features])
targets = np.eye(3)[species]
param = np.zeros((5, 3))

for epoch in range(500):
    scores = design @ param
    scores -= scores.max(axis=1, keepdims=True)
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    loss = -np.sum(targets * np.log(probs))
    grad = design.T @ (probs - targets)
    param -= 0.002 * grad

print("loss", loss)
