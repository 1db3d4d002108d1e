import numpy
import scipy.special


class neuralNetwork:
    def __init__(self, inputnodes, hiddennodes1, hiddennodes2, outputnodes, learningrate):
        self.inodes, self.h1nodes, self.h2nodes, self.onodes = inputnodes, hiddennodes1, hiddennodes2, outputnodes
        self.wih = numpy.random.normal(0.0, pow(self.h1nodes, -0.5), (self.h1nodes, self.inodes))
        self.whh = numpy.random.normal(0.0, pow(self.h2nodes, -0.5), (self.h2nodes, self.h1nodes))
        self.who = numpy.random.normal(0.0, pow(self.onodes, -0.5), (self.onodes, self.h2nodes))
        self.lr = learningrate
        self.activation_function = lambda x: scipy.special.expit(x)

    def train(self, inputs_list, targets_list):
        inputs = numpy.array(inputs_list, ndmin=2).T
        targets = numpy.array(targets_list, ndmin=2).T
        h1_in = numpy.dot(self.wih, inputs)
        h1_out = self.activation_function(h1_in)
        h2_in = numpy.dot(self.whh, h1_out)
        h2_out = self.activation_function(h2_in)
        final_inputs = numpy.dot(self.who, h2_out)
        final_outputs = self.activation_function(final_inputs)
        output_errors = targets - final_outputs
        h2_errors = numpy.dot(self.who.T, output_errors * final_inputs * (1.0 - final_inputs))
        h1_errors = numpy.dot(self.whh.T, h2_errors * h2_out * (1.0 - h2_out))
        self.who += self.lr * numpy.dot(output_errors * final_inputs * (1.0 - final_inputs), h2_out.T)
        self.whh += self.lr * numpy.dot(h2_errors * h2_out * (1.0 - h2_out), h1_out.T)
        self.wih += self.lr * numpy.dot(h1_errors * h1_out * (1.0 - h1_out), inputs.T)

    def query(self, inputs_list):
        inputs = numpy.array(inputs_list, ndmin=2).T
        h1 = self.activation_function(numpy.dot(self.wih, inputs))
        h2 = self.activation_function(numpy.dot(self.whh, h1))
        return self.activation_function(numpy.dot(self.who, h2))


with open("data/mnist_train_100.csv") as f:
    data = f.readlines()
nn = neuralNetwork(784, 100, 50, 10, 0.3)
for line in data:
    vals = line.split(",")
    nn.train(numpy.asarray(vals[1:], dtype=float) / 255 * 0.99 + 0.01, numpy.eye(10)[int(vals[0])] * 0.98 + 0.01)
