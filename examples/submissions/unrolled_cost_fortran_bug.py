"""Bug: Octave port of nnCostFunction: unrolled in column-major order (order='F'), labels 1..K,
regularized; delta2 takes the sigmoid gradient of the activation a2 instead of z2."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoidGradient(z):
    return sigmoid(z) * (1 - sigmoid(z))


def nnCostFunction(nn_params, input_layer_size, hidden_layer_size, num_labels, X, y, Lambda):
    Theta1 = np.reshape(
        nn_params[: hidden_layer_size * (input_layer_size + 1)], (hidden_layer_size, input_layer_size + 1), order="F"
    )
    Theta2 = np.reshape(
        nn_params[hidden_layer_size * (input_layer_size + 1) :], (num_labels, hidden_layer_size + 1), order="F"
    )
    m = X.shape[0]
    Y = np.zeros((m, num_labels))
    Y[np.arange(m), y - 1] = 1  # labels are 1..K

    a1 = np.column_stack([np.ones(m), X])
    z2 = a1.dot(Theta1.T)
    a2 = sigmoid(z2)
    a2b = np.column_stack([np.ones(m), a2])
    h = sigmoid(a2b.dot(Theta2.T))

    J = (1.0 / m) * np.sum(-Y * np.log(h) - (1 - Y) * np.log(1 - h))
    J = J + Lambda / (2.0 * m) * (np.sum(np.square(Theta1[:, 1:])) + np.sum(np.square(Theta2[:, 1:])))

    d3 = h - Y
    d2 = d3.dot(Theta2[:, 1:]) * sigmoidGradient(a2)
    Theta1_grad = d2.T.dot(a1) / m
    Theta2_grad = d3.T.dot(a2b) / m
    Theta1_grad[:, 1:] = Theta1_grad[:, 1:] + (Lambda / m) * Theta1[:, 1:]
    Theta2_grad[:, 1:] = Theta2_grad[:, 1:] + (Lambda / m) * Theta2[:, 1:]

    grad = np.concatenate([Theta1_grad.ravel(order="F"), Theta2_grad.ravel(order="F")])
    return J, grad
