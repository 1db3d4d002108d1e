import numpy as np

from activations import Softmax, Tanh
from dense import Dense
from network import Network


def main():
    data = np.loadtxt("iris.csv", delimiter=",", skiprows=1)
    x_all = data[:, :4].reshape(-1, 4, 1)
    y_all = np.eye(3)[data[:, 4].astype(int)].reshape(-1, 3, 1)

    n_classes = 3
    h1 = Dense(4, 8, Tanh)
    h2 = Dense(h1.n_out, 6, Tanh)
    out = Dense(h2.n_out, n_classes, Softmax)
    layers = np.array([h1, h2, out])
    net = Network(layers)

    for epoch in range(20):
        for x, y in zip(x_all, y_all):
            y_hat = net.forward(x)
            net.backpropagation(y_hat, y, learning_rate=0.05)
    correct = sum(np.argmax(net.forward(x)) == np.argmax(y) for x, y in zip(x_all, y_all))
    print("accuracy", correct / len(x_all))


if __name__ == "__main__":
    main()
