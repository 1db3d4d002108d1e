"""Plain gradient descent over the model's weight dict."""

from ._base import Base  # noqa: F401  (the optimizer works on any Base model)


class Descent:
    def __init__(self, rate=0.1):
        self.rate = rate

    def update(self, model):
        for key in model.weights:
            model.weights[key] -= self.rate * model.gradients[key]
