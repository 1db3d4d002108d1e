"""Bug: the layer-and-activation-objects tutorial shape, Network.add_layer(Layer(2, 3)), Activation(tanh,
tanh_der), trained one sample at a time by train_network, which updates in place; the loss derivative is a
module function named mean_square_error_der. The activation's backward
takes the derivative at its output (tanh_der(tanh(z))), not at its input."""
import numpy as np


def tanh(x):
    return np.tanh(x)


def tanh_der(x):
    return 1 - np.tanh(x) ** 2


def mean_square_error(y_true, y_pred):
    return np.mean(np.power(y_true - y_pred, 2))


def mean_square_error_der(y_true, y_pred):
    return 2 * (y_pred - y_true) / y_true.size


class Layer:
    def __init__(self, input_size, output_size):
        self.weights = np.random.rand(input_size, output_size) - 0.5
        self.bias = np.random.rand(1, output_size) - 0.5

    def forward_propagation(self, input_data):
        self.input = input_data
        return np.dot(self.input, self.weights) + self.bias

    def backward_propagation(self, output_error, learning_rate):
        input_error = np.dot(output_error, self.weights.T)
        weights_error = np.dot(self.input.T, output_error)
        self.weights -= learning_rate * weights_error
        self.bias -= learning_rate * output_error
        return input_error


class Activation:
    def __init__(self, activation, activation_der):
        self.activation = activation
        self.activation_der = activation_der

    def forward_propagation(self, input_data):
        self.input = input_data
        self.output = self.activation(self.input)
        return self.output

    def backward_propagation(self, output_error, learning_rate):
        return self.activation_der(self.output) * output_error


class Network:
    def __init__(self):
        self.layers = []

    def add_layer(self, layer):
        self.layers.append(layer)

    def predict(self, input_data):
        result = []
        for x in input_data:
            output = x
            for layer in self.layers:
                output = layer.forward_propagation(output)
            result.append(output)
        return result

    def train_network(self, x_train, y_train, epochs, learning_rate):
        for i in range(epochs):
            err = 0
            for j in range(len(x_train)):
                output = x_train[j]
                for layer in self.layers:
                    output = layer.forward_propagation(output)
                err += mean_square_error(y_train[j], output)
                error = mean_square_error_der(y_train[j], output)
                for layer in reversed(self.layers):
                    error = layer.backward_propagation(error, learning_rate)
            print(f"epoch {i + 1}/{epochs} error={err / len(x_train)}")


if __name__ == "__main__":
    x_train = np.array([[[0, 0]], [[0, 1]], [[1, 0]], [[1, 1]]])
    y_train = np.array([[[0]], [[1]], [[1]], [[0]]])
    net = Network()
    net.add_layer(Layer(2, 3))
    net.add_layer(Activation(tanh, tanh_der))
    net.add_layer(Layer(3, 1))
    net.add_layer(Activation(tanh, tanh_der))
    net.train_network(x_train, y_train, epochs=1000, learning_rate=0.1)
    print(net.predict(x_train))
