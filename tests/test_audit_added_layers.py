"""A layer-stack model whose layers are added from outside the class by code that did not run (its data file
is not in the submission): an honest error naming the add() calls, not a request for parameter names."""

from __future__ import annotations

import ast

from audit_example import FOLDER, audit_path, audit_source

from gradcheck.audit.adapters.addedlayers import calls_of, empty_stack, enclosing


class Stack:
    def __init__(self):
        self.parts = []

    def push(self, part):
        self.parts.append(part)


class Logged:
    def __init__(self):
        self.history = []

    def log(self, value):
        self.history.append(len(value))


def test_an_empty_list_a_method_appends_its_argument_to_is_a_layer_stack():
    assert empty_stack(Stack()) == ("push", "parts")
    full = Stack()
    full.push(object())
    assert empty_stack(full) is None


def test_a_list_filled_with_something_else_is_not():
    assert empty_stack(Logged()) is None


def test_the_calls_are_quoted_as_written():
    stmts = ast.parse("net = Stack()\nnet.push(Dense(x.shape[1], 4))\nfor k in range(2):\n    net.push(Tanh())\n").body
    assert calls_of(stmts, "push") == ["net.push(Dense(x.shape[1], 4))", "net.push(Tanh())"]


def test_the_project_with_its_data_missing_is_an_honest_error(tmp_path):
    s = audit_path(FOLDER / "layers_added_unrun_data_correct", tmp_path)
    assert s["status"] == "error" and s["tensors"] == [] and s["diagnoses"] == []
    assert "Model holds no layers (self.layers is empty)" in s["error"]
    assert "model.add(Dense(x_train.shape[1], 16))" in s["error"] and "No spec setting adds them" in s["error"]
    assert "set [network] params" not in s["error"]


CONFIG_BUILDER = """import numpy as np
import pandas as pd


class Dense:
    def __init__(self, n_out, act):
        self.n_out, self.act = n_out, act

    def forward(self, x):
        return x

    def backward(self, d):
        return d


class Network:
    def __init__(self):
        self.layers = []

    def add(self, layer):
        self.layers.append(layer)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, d):
        for layer in reversed(self.layers):
            d = layer.backward(d)
        return d


def build(config):
    model = Network()
    for spec in config["layers"]:
        model.add(Dense(spec["units"], spec["activation"]))
    return [model]
"""


def test_layers_added_only_inside_a_builder_name_it_and_blame_no_library(tmp_path):
    stmts = ast.parse(CONFIG_BUILDER).body
    assert enclosing(stmts, "add") == ["build()"]
    assert enclosing(ast.parse("net = Network()\nnet.add(Dense(3, 'tanh'))\n").body, "add") == []
    s = audit_source(tmp_path, "config_builder.py", CONFIG_BUILDER)
    assert s["status"] == "error"
    assert "inside build(), which the audit did not run" in s["error"]
    assert "pandas" not in s["error"] and "data file" not in s["error"]
