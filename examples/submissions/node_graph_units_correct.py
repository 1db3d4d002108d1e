"""A network of unit objects: every link between two units carries its own weight."""

import math
import random


class Link:
    def __init__(self, source):
        self.source = source
        self.weight = random.uniform(-0.5, 0.5)


class Unit:
    def __init__(self, sources):
        self.links = [Link(s) for s in sources]
        self.bias = 0.0
        self.value = 0.0
        self.delta = 0.0

    def fire(self):
        total = self.bias + sum(link.weight * link.source.value for link in self.links)
        self.value = math.tanh(total)

    def learn(self, rate):
        for link in self.links:
            link.source.delta += self.delta * link.weight * (1 - link.source.value**2)
            link.weight -= rate * self.delta * link.source.value
        self.bias -= rate * self.delta


class Graph:
    def __init__(self, sizes):
        self.layers = [[Unit([]) for _ in range(sizes[0])]]
        for size in sizes[1:]:
            self.layers.append([Unit(self.layers[-1]) for _ in range(size)])

    def run(self, inputs):
        for unit, x in zip(self.layers[0], inputs):
            unit.value = x
        for layer in self.layers[1:]:
            for unit in layer:
                unit.fire()
        return [unit.value for unit in self.layers[-1]]

    def teach(self, inputs, targets, rate):
        outputs = self.run(inputs)
        for layer in self.layers:
            for unit in layer:
                unit.delta = 0.0
        for unit, out, t in zip(self.layers[-1], outputs, targets):
            unit.delta = (out - t) * (1 - out**2)
        for layer in reversed(self.layers[1:]):
            for unit in layer:
                unit.learn(rate)
        return 0.5 * sum((o - t) ** 2 for o, t in zip(outputs, targets))


if __name__ == "__main__":
    graph = Graph([2, 3, 1])
    data = [([0, 0], [-1]), ([0, 1], [1]), ([1, 0], [1]), ([1, 1], [-1])]
    for epoch in range(2000):
        err = sum(graph.teach(x, t, 0.1) for x, t in data)
    print(err, [graph.run(x) for x, _ in data])
