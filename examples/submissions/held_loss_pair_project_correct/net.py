"""A network of layers, given its loss and the loss's derivative at construction; trained one sample at a time."""

class Net:
    def __init__(self, loss, loss_prime):
        self.layers = []
        self.loss, self.loss_prime = loss, loss_prime

    def add(self, layer):
        self.layers.append(layer)

    def train(self, X, Y, epochs, lr):
        for _ in range(epochs):
            total = 0
            for x, t in zip(X, Y):
                y = x.reshape(1, -1)
                for layer in self.layers:
                    y = layer.forward(y)
                total += self.loss(t, y)
                g = self.loss_prime(t, y)
                for layer in reversed(self.layers):
                    g = layer.backward(g, lr)
            print(total / len(X))
