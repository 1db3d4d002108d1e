"""A multi-layer perceptron assembled from the modules."""
from modules import CrossEntropyModule, LinearModule, ReLUModule, SoftMaxModule


class MLP:
    def __init__(self, n_inputs, n_hidden, n_classes):
        widths = [n_inputs] + list(n_hidden) + [n_classes]
        self.layers = []
        for i in range(len(widths) - 1):
            self.layers.append(LinearModule(widths[i], widths[i + 1], input_layer=(i == 0)))
            if i < len(widths) - 2:
                self.layers.append(ReLUModule())
        self.layers.append(SoftMaxModule())

    def forward(self, x):
        out = x
        for layer in self.layers:
            out = layer.forward(out)
        return out

    def backward(self, dout):
        for layer in reversed(self.layers):
            dout = layer.backward(dout)

    def clear_cache(self):
        for layer in self.layers:
            layer.__dict__.pop("x", None)

