import numpy as np

from losses import BinaryCrossEntropy
from network import Network

if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (X[:, :1] * X[:, 1:] > 0).astype(float)
    net, loss = Network(), BinaryCrossEntropy()
    for epoch in range(2000):
        p = net.forward(X)
        value = loss.forward(p, y)
        net.backward(loss.backward())
        for layer in net.layers:
            if hasattr(layer, "W"):
                layer.W -= 1.0 * layer.grad_W
                layer.b -= 1.0 * layer.grad_b
    print("final loss", value)
