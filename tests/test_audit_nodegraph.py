"""Node-graph networks (a weight per link object) are named; layer lists and whole-network classes are not."""

from __future__ import annotations

import importlib.util
import sys
import textwrap

import pytest

from gradcheck.audit.adapters import nodegraph

GRAPH = """
import random

class Synapse:
    def __init__(self, src):
        self.src, self.w = src, random.random()

class Node:
    def __init__(self, prev):
        self.inputs = []
        for p in prev:
            self.inputs.append(Synapse(p))

class Brain:
    def __init__(self, shape):
        self.layers = []
        for k in shape:
            self.layers.append([Node(self.layers[-1] if self.layers else []) for _ in range(k)])
"""

LAYERS = """
import numpy as np

class Dense:
    def __init__(self, n_in, n_out):
        self.W = np.random.randn(n_in, n_out)

class NeuralNet:
    def __init__(self, sizes):
        self.layers = [Dense(a, b) for a, b in zip(sizes, sizes[1:])]

class NeuronLayer:
    def __init__(self, n_in, n_out):
        self.weights = np.random.randn(n_in, n_out)

class Model:
    def __init__(self, sizes):
        self.stack = [NeuronLayer(a, b) for a, b in zip(sizes, sizes[1:])]
"""


@pytest.fixture
def classes(tmp_path, monkeypatch):
    """The classes a source defines, from a module registered as the student's is (their source is read)."""

    def load(source, name):
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(source))
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, name, module)
        spec.loader.exec_module(module)
        return [v for v in vars(module).values() if isinstance(v, type) and v.__module__ == name]

    return load


def test_a_graph_of_nodes_and_synapses_is_named_with_its_builders(classes):
    units, builders = nodegraph.node_graph(classes(GRAPH, "graphnet"))
    assert sorted(units) == ["Node", "Synapse"] and sorted(builders) == ["Brain", "Node"]
    text = nodegraph.message(units, builders)
    assert "Synapse" in text and "Brain" in text and "numpy array" in text


def test_layer_objects_and_network_classes_are_no_graph(classes):
    assert nodegraph.node_graph(classes(LAYERS, "layernet")) is None


def test_a_unit_class_nothing_builds_in_a_loop_is_no_graph(classes):
    source = "class Neuron:\n    w = 0.5\n\nclass Net:\n    def __init__(self):\n        self.a = Neuron()\n"
    assert nodegraph.node_graph(classes(source, "single")) is None


MINIFLOW = """
class Node:
    def __init__(self, inbound_nodes=[]):
        self.inbound_nodes = inbound_nodes
        self.outbound_nodes = []
        for n in inbound_nodes:
            n.outbound_nodes.append(self)
        self.value = None

class Input(Node):
    def __init__(self):
        Node.__init__(self)

class Linear(Node):
    def __init__(self, X, W, b):
        Node.__init__(self, [X, W, b])
"""


def test_a_computation_graph_of_nodes_is_named_from_one_of_its_nodes(classes):
    found = {c.__name__: c for c in classes(MINIFLOW, "miniflowish")}
    base, kinds = nodegraph.op_graph(found["Input"]())
    assert base == "Node" and kinds == ["Input", "Linear"]
    assert "computation graph of Node objects (Input, Linear)" in nodegraph.op_graph_message(base, kinds)


def test_namespaces_dicts_and_plain_objects_are_no_computation_graph(classes):
    found = {c.__name__: c for c in classes(LAYERS, "layernet2")}
    assert nodegraph.op_graph({"W1": 1}) is None and nodegraph.op_graph(3.0) is None
    assert nodegraph.op_graph(found["Dense"](2, 3)) is None


def test_a_network_class_found_by_its_methods_is_named_from_the_classes_its_module_sees(classes):
    found = {c.__name__: c for c in classes(GRAPH, "graphnet2")}
    units, builders = nodegraph.graph_around(found["Brain"]([2, 3]))
    assert sorted(units) == ["Node", "Synapse"] and "Brain" in builders
    assert nodegraph.graph_around({"W1": 1}) is None


class value:  # noqa: N801 - named as a notebook names it
    def __init__(self, x):
        self.out = x


class node:  # noqa: N801
    def __init__(self, kind, childnodes):
        self.kind, self.childnodes, self.weights = kind, childnodes, [0.1] * len(childnodes)


class DenseLayer:
    def __init__(self, inputs):
        self.inputs, self.W = inputs, [[0.1, 0.2]]


def test_a_unit_wired_by_the_code_s_own_statements_is_named_as_a_graph():
    """A notebook's ``node('sigmoid', childnodes=[value(1), value(0)])`` at top level, its weights three numbers:
    the error names the graph (it said "no data was given ... set [data] n_in", which cannot help)."""
    assert nodegraph.wired_unit(node("sigmoid", [value(1.0), value(0.0)])) == "node"
    assert nodegraph.wired_unit(node("sigmoid", [])) is None
    assert nodegraph.wired_unit(DenseLayer([value(1.0)])) is None  # a layer is no unit
    assert nodegraph.wired_unit({"childnodes": [value(1.0)]}) is None
