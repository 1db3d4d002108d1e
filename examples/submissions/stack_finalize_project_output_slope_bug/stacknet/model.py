"""A model of layers added one by one; finalize() links them and picks out the trainable ones."""

from stacknet.layers import Input


class Model:
    def __init__(self):
        self.layers = []

    def add(self, layer):
        self.layers.append(layer)

    def set(self, *, loss, optimizer):
        self.loss = loss
        self.optimizer = optimizer

    def finalize(self):
        self.input_layer = Input()
        self.trainable_layers = [layer for layer in self.layers if hasattr(layer, "weights")]

    def forward(self, X, training):
        self.input_layer.forward(X, training)
        out = X
        for layer in self.layers:
            layer.forward(out, training)
            out = layer.output
        return out

    def backward(self, output, y):
        self.loss.backward(output, y)
        d = self.loss.dinputs
        for layer in reversed(self.layers):
            layer.backward(d)
            d = layer.dinputs

    def train(self, X, y, *, epochs=1, print_every=100):
        for epoch in range(1, epochs + 1):
            self.loss.new_pass()
            output = self.forward(X, training=True)
            self.loss.calculate(output, y)
            self.backward(output, y)
            for layer in self.trainable_layers:
                self.optimizer.update_params(layer)
            if epoch % print_every == 0:
                print(f"epoch {epoch}, loss {self.loss.epoch_loss():.4f}")
