import numpy as np

from model import MLPClassifier


def one_hot(y, k):
    out = np.zeros((len(y), k))
    out[np.arange(len(y)), y] = 1
    return out


def main():
    data = np.load("data/iris.npz")
    X, y = data["X"], data["y"]
    model = MLPClassifier(4, 16, 3)
    Y = one_hot(y, 3)
    for epoch in range(300):
        loss = model.loss(X, Y)
        model.backward()
        model.sgd(0.1)
        if epoch % 50 == 0:
            print(epoch, loss)


if __name__ == "__main__":
    main()
