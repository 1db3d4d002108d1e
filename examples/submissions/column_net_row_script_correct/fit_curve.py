"""Fits y = sin(x1) + x2 with the column regressor; the data is kept as rows here."""

import numpy as np

from regressor import Regressor

if __name__ == "__main__":
    rng = np.random.default_rng(4)
    points = rng.uniform(-2, 2, size=(200, 2))
    values = (np.sin(points[:, 0]) + points[:, 1]).reshape(-1, 1)
    net = Regressor(2, [6, 5], 1)
    for epoch in range(300):
        out = net.predict(points.T)
        grads = net.gradients(points.T, values.T)
        net.step(grads, 0.05)
        loss = np.mean((out - values.T) ** 2)
        if epoch % 100 == 0:
            print(epoch, loss)
