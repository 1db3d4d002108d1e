"""Neural Networks from Scratch, chapter-9 style: softmax and the loss as separate objects.

One pass, no loop: forward through two dense layers, sigmoid hidden, softmax
output, categorical cross-entropy; backward through the loss, the softmax's
Jacobian, and the layers.

Bug: Loss_CategoricalCrossentropy.backward forgets to divide by the number of
samples, while calculate() takes the mean.
"""

import numpy as np

np.random.seed(7)


class Layer_Dense:
    def __init__(self, n_inputs, n_neurons):
        self.weights = 0.5 * np.random.randn(n_inputs, n_neurons)
        self.biases = np.zeros((1, n_neurons))

    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.dot(inputs, self.weights) + self.biases

    def backward(self, dvalues):
        self.dweights = np.dot(self.inputs.T, dvalues)
        self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
        self.dinputs = np.dot(dvalues, self.weights.T)


class Activation_Sigmoid:
    def forward(self, inputs):
        self.inputs = inputs
        self.output = 1 / (1 + np.exp(-inputs))

    def backward(self, dvalues):
        self.dinputs = dvalues * (1 - self.output) * self.output


class Activation_Softmax:
    def forward(self, inputs):
        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)

    def backward(self, dvalues):
        self.dinputs = np.empty_like(dvalues)
        for index, (single_output, single_dvalues) in enumerate(zip(self.output, dvalues)):
            single_output = single_output.reshape(-1, 1)
            jacobian_matrix = np.diagflat(single_output) - np.dot(single_output, single_output.T)
            self.dinputs[index] = np.dot(jacobian_matrix, single_dvalues)


class Loss_CategoricalCrossentropy:
    def calculate(self, output, y):
        samples = len(output)
        clipped = np.clip(output, 1e-7, 1 - 1e-7)
        if len(y.shape) == 1:
            confidences = clipped[range(samples), y]
        else:
            confidences = np.sum(clipped * y, axis=1)
        return np.mean(-np.log(confidences))

    def backward(self, dvalues, y_true):
        labels = len(dvalues[0])
        if len(y_true.shape) == 1:
            y_true = np.eye(labels)[y_true]
        self.dinputs = -y_true / dvalues


X = np.random.randn(60, 3)
y = np.random.randint(0, 4, size=60)

dense1 = Layer_Dense(3, 5)
activation1 = Activation_Sigmoid()
dense2 = Layer_Dense(5, 4)
activation2 = Activation_Softmax()
loss_function = Loss_CategoricalCrossentropy()

dense1.forward(X)
activation1.forward(dense1.output)
dense2.forward(activation1.output)
activation2.forward(dense2.output)
loss = loss_function.calculate(activation2.output, y)
print("loss:", loss)

loss_function.backward(activation2.output, y)
activation2.backward(loss_function.dinputs)
dense2.backward(activation2.dinputs)
activation1.backward(dense2.dinputs)
dense1.backward(activation1.dinputs)

print(dense1.dweights, dense1.dbiases)
print(dense2.dweights, dense2.dbiases)
