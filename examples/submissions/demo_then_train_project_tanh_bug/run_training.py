import numpy as np

from homework_layers import Linear, SquaredError, Tanh

np.random.seed(1)
inputs = np.random.uniform(-1, 1, (64, 3))
targets = np.stack([np.sin(inputs[:, 0]), inputs[:, 1] * inputs[:, 2]], axis=1)

first = Linear(3, 10)
squash = Tanh()
second = Linear(10, 2)
criterion = SquaredError()

for step in range(1000):
    h = first.forward(inputs)
    z = squash.forward(h)
    pred = second.forward(z)
    loss = criterion.forward(pred, targets)
    grad = criterion.backward()
    grad = second.backward(grad)
    grad = squash.backward(grad)
    first.backward(grad)
    for layer in (first, second):
        layer.weight -= 0.1 * layer.grad_weight
        layer.bias -= 0.1 * layer.grad_bias
    if step % 200 == 0:
        print(step, loss)
