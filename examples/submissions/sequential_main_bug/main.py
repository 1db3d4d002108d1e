import numpy as np

from tinynet.layers import Dense, Softmax, Tanh
from tinynet.losses import CrossEntropy
from tinynet.model import Sequential


def load(path="iris.csv"):
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    x, labels = data[:, :4], data[:, 4].astype(int)
    return (x - x.mean(0)) / x.std(0), np.eye(3)[labels]


def main():
    x, y = load()
    layers = [Dense(4, 8), Tanh(), Dense(8, 3), Softmax()]
    model = Sequential(layers)
    loss_fn = CrossEntropy()
    model.train(x, y, loss_fn, epochs=200, learning_rate=0.1)
    print("accuracy", np.mean(model.predict(x).argmax(1) == y.argmax(1)))


if __name__ == "__main__":
    main()
