import numpy as np


class Net:
    def __init__(self):
        self.stack = []

    def add_layer(self, layer):
        self.stack.append(layer)

    def run(self, samples):
        results = []
        for s in samples:
            for layer in self.stack:
                s = layer.forward(s)
            results.append(s)
        return results

    def train_net(self, samples, wanted, epochs, rate):
        for _ in range(epochs):
            total = 0.0
            for s, w in zip(samples, wanted):
                for layer in self.stack:
                    s = layer.forward(s)
                total += squared_error(w, s)
                err = squared_error_der(w, s)
                for layer in reversed(self.stack):
                    err = layer.backward(err, rate)
            print(total / len(samples))


def squared_error(wanted_values, got_values):
    return np.mean((wanted_values - got_values) ** 2)


def squared_error_der(wanted_values, got_values):
    return 2 * (got_values - wanted_values) / wanted_values.size
