import numpy as np

from src.model import Regressor

rng = np.random.default_rng(1)
x = rng.uniform(-3, 3, size=(64, 2))
y = np.sin(x[:, :1]) + 0.5 * x[:, 1:]

net = Regressor()
for epoch in range(500):
    y_hat = net.forward(x)
    net.backward(y_hat, y)
    net.step(0.05)
print("final loss", net.loss(net.forward(x), y))
