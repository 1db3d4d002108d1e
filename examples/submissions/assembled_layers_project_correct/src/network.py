class Network:
    def __init__(self):
        self.layers = []

    def predict(self, input):
        output = input
        for layer in self.layers:
            output = layer.forward(output)
        return output
