class Sequential:
    def __init__(self, layers):
        self.layers = layers

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def train(self, x, y, loss, epochs=50, learning_rate=0.05, verbose=True):
        history = []
        for epoch in range(epochs):
            out = self.predict(x)
            history.append(loss.loss(y, out))
            grad = loss.prime(y, out)
            for layer in reversed(self.layers):
                grad = layer.backward(grad, learning_rate)
            if verbose and epoch % 10 == 0:
                print(f"epoch {epoch}: loss {history[-1]:.4f}")
        return history
