"""A single tanh unit fitted to three-way targets (-1, 0, 1), weights from zero, the loss the mean squared error."""
import numpy as np

features = np.array(
    [[1, 2, 0, 1], [1, -1, 3, 0], [1, 0, -2, 2], [1, 3, 1, -1], [1, -2, -1, 1], [1, 1, 1, 1]], dtype=np.float64
)
targets = np.array([1, -1, 0, 1, -1, 0], dtype=np.float64)
weights = np.zeros(4)
step = np.ones(4)
rate = 0.1
count = len(features)

rounds = 0
while np.max(np.abs(step)) > 1e-6 and rounds < 20000:
    guess = np.tanh(features @ weights)
    step = (2 / count) * ((guess - targets) * (1 - guess**2)) @ features
    weights = weights - rate * step
    rounds += 1

print("weights", weights, "after", rounds, "rounds")
