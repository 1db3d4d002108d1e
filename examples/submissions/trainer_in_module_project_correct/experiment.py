"""Train the classifier on two moons for a few hidden sizes and print the final loss."""

from network import *
from sklearn.datasets import make_moons

np.random.seed(1)
points, labels = make_moons(n_samples=120, noise=0.15, random_state=3)

for n_hidden in (2, 3, 5):
    params = fit_network(points, labels, n_hidden, epochs=2000)
    print(n_hidden, cross_entropy(params, points, labels))
