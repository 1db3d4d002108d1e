"""Unit tests of the audit worker's pieces: naming rules, paths, parameter discovery,
gradient matching, argument binding (gradcheck.audit.adapters) and the statement
filter / notebook reader (gradcheck.audit.loader). These run in-process on
trusted test objects; untrusted code only ever runs via the worker subprocess.
"""

from __future__ import annotations

import ast
import json
import math
import types

import numpy as np
import pytest

from gradcheck.audit import loader as L
from gradcheck.audit.adapters import calling, names, paths, sizes
from gradcheck.audit.adapters import params as aparams
from gradcheck.audit.adapters.objects import student_classes
from gradcheck.audit.adapters.readers import returned, stored
from gradcheck.audit.adapters.shapes import classes
from gradcheck.audit.worker import encode


# ----------------------------------------------------------------------------- names
@pytest.mark.parametrize(
    "name,expected",
    [
        ("W1", "w1"),
        ("weights_ih", "wih"),
        ("bias2", "b2"),
        ("w_ho", "who"),
        ("weights", "w"),
        ("biases", "b"),
        ("_W1", "w1"),
        ("syn0", "syn0"),
        ("theta", "theta"),
    ],
)
def test_canon(name, expected):
    assert names.canon(name) == expected


@pytest.mark.parametrize(
    "name,expected",
    [
        ("dW1", "w1"),
        ("d_w1", "w1"),
        ("grad_W1", "w1"),
        ("W1_grad", "w1"),
        ("nabla_w", "w"),
        ("dweights", "w"),
        ("db", "b"),
        ("dL_dW2", "w2"),
        ("W1", None),
        ("bias", None),
    ],
)
def test_strip_grad(name, expected):
    assert names.strip_grad(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "W1",
        "b1",
        "w",
        "weight",
        "weights",
        "bias",
        "biases",
        "syn0",
        "theta",
        "w_ih",
        "b_h",
        "weights_input_hidden",
        "W",
        "wih",
    ],
)
def test_param_names(name):
    assert names.is_param_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "dW1",
        "db1",
        "grad_W",
        "W1_grad",
        "nabla_b",
        "vW1",
        "v_W1",
        "m_b1",
        "Z1",
        "A1",
        "delta3",
        "error",
        "y_hat",
        "X",
        "cache",
    ],
)
def test_not_param_names(name):
    assert not names.is_param_name(name)


# ----------------------------------------------------------------------------- paths
@pytest.mark.parametrize(
    "text,head,steps",
    [
        ("self.W1", "self", (("attr", "W1"),)),
        ("weights[0]", None, (("name", "weights"), ("item", 0))),
        ("params['W1']", None, (("name", "params"), ("item", "W1"))),
        ("layers[0].weight.data", None, (("name", "layers"), ("item", 0), ("attr", "weight"), ("attr", "data"))),
        ("ret[1]['W1']", "ret", (("item", 1), ("item", "W1"))),
        ("weights[-1]", None, (("name", "weights"), ("item", -1))),
        # a root that is a list itself (an initializer's layers), as fmt_path writes it
        ("[0].weights", None, (("item", 0), ("attr", "weights"))),
        ("[-1]['W']", None, (("item", -1), ("item", "W"))),
    ],
)
def test_parse_path(text, head, steps):
    assert paths.parse_path(text) == (head, steps)


@pytest.mark.parametrize("steps", [(("item", 0), ("attr", "weights")), (("item", 2), ("item", "b"))])
def test_a_path_from_a_list_root_reads_back(steps):
    """What the audit reports for a layer list an initializer returns is what a spec may say."""
    text = paths.fmt_path("", steps)
    assert paths.parse_path(text) == (None, steps)
    layers = [types.SimpleNamespace(weights=np.ones(2)), None, {"b": np.zeros(3)}]
    assert paths.resolve(layers, paths.parse_path(text)[1]) is paths.resolve(layers, steps)


def test_parse_path_rejects_expressions():
    with pytest.raises(L.AuditError, match="only names"):
        paths.parse_path("W1 + W2")


def test_fmt_and_resolve_roundtrip():
    class O:
        pass

    o = O()
    o.params = {"W1": np.ones((2, 3))}
    steps = (("attr", "params"), ("item", "W1"))
    assert paths.fmt_path("self", steps) == "self.params['W1']"
    assert paths.resolve(o, steps) is o.params["W1"]
    paths.assign(o, steps, np.zeros((2, 3)))
    assert not o.params["W1"].any()


# ----------------------------------------------------------------------------- discovery
class Param:
    def __init__(self, data):
        self.data, self.grad = data, None


class Lin:
    def __init__(self, i, o):
        self.weight = Param(np.ones((o, i)))
        self.bias = Param(np.zeros(o))


def test_discover_attributes_in_layer_order():
    class N:
        def __init__(self):
            self.W2 = np.ones((4, 2))
            self.W1 = np.ones((3, 4))
            self.b1 = np.zeros((1, 4))
            self.b2 = np.zeros((1, 2))
            self.dW1 = np.zeros((3, 4))  # a grad, not a param
            self.vW1 = np.zeros((3, 4))  # momentum
            self.Z1 = np.zeros((5, 4))  # cache
            self.lr = 0.1

    names = [t.name for t in aparams.discover_params(N())]
    assert names == ["W1", "b1", "W2", "b2"]


def test_discover_lists_dicts_and_parameter_objects():
    class N:
        def __init__(self):
            self.weights = [np.ones((3, 4)), np.ones((4, 2))]
            self.biases = [np.zeros(4), np.zeros(2)]
            self.grads = {"W1": np.zeros((3, 4))}

    assert [t.name for t in aparams.discover_params(N())] == ["weights[0]", "biases[0]", "weights[1]", "biases[1]"]

    class M:
        def __init__(self):
            self.layers = [Lin(3, 4), object(), Lin(4, 2)]
            self.optimizer_state = None

    found = aparams.discover_params(M())
    assert [t.name for t in found] == ["layers[0].weight", "layers[0].bias", "layers[2].weight", "layers[2].bias"]
    assert found[0].shape == (4, 3) and found[0].param_obj == (("attr", "layers"), ("item", 0), ("attr", "weight"))


def test_discover_params_dict_and_shared_arrays_once():
    class N:
        def __init__(self):
            self.params = {"W1": np.ones((3, 4)), "b1": np.zeros(4)}
            self.W1 = self.params["W1"]  # alias: reported once

    assert [t.name for t in aparams.discover_params(N())] == ["params['W1']", "params['b1']"]


# ----------------------------------------------------------------------------- matching
P = [
    aparams.Tensor("W1", (("attr", "W1"),), (3, 4)),
    aparams.Tensor("b1", (("attr", "b1"),), (4,)),
    aparams.Tensor("W2", (("attr", "W2"),), (4, 2)),
    aparams.Tensor("b2", (("attr", "b2"),), (2,)),
]


def arrays():
    return [np.full(p.shape, float(i)) for i, p in enumerate(P)]


def test_returned_dict_matched_by_name_in_any_order():
    a = arrays()
    ret = {"db2": a[3], "dW1": a[0], "dW2": a[2], "db1": a[1]}
    grads, shape, _ = returned.grads_from_return(ret, P)
    assert shape == "grads-dict"
    assert {(P[g.param].name, g.path, g.rule) for g in grads} == {
        ("W1", "ret['dW1']", "name"),
        ("b1", "ret['db1']", "name"),
        ("W2", "ret['dW2']", "name"),
        ("b2", "ret['db2']", "name"),
    }


def test_returned_tuple_position_then_shape():
    a = arrays()
    grads, shape, _ = returned.grads_from_return(tuple(a), P)
    assert shape == "grads-tuple" and {g.rule for g in grads} == {"position"}
    shuffled = (a[1], a[3], a[0], a[2])  # (db1, db2, dW1, dW2): shapes are unique
    grads, _, _ = returned.grads_from_return(shuffled, P)
    assert {g.rule for g in grads} == {"shape"}
    assert sorted((g.param, g.path) for g in grads) == [(0, "ret[2]"), (1, "ret[0]"), (2, "ret[3]"), (3, "ret[1]")]


def test_loss_and_grads_and_lone_input_gradient():
    a = arrays()
    grads, shape, notes = returned.grads_from_return((0.5, {"W1": a[0], "b1": a[1]}), P)
    assert shape == "loss-and-grads" and len(grads) == 2 and "loss value" in notes[0]
    assert returned.grads_from_return(np.ones((5, 3)), P)[0] == []  # dX of a layer stack, not grads


def test_stored_grads_next_to_params():
    class N:
        pass

    n = N()
    n.weights, n.nabla_w = [np.ones((2, 2))], [np.full((2, 2), 7.0)]
    t = [aparams.Tensor("weights[0]", (("attr", "weights"), ("item", 0)), (2, 2))]
    grads, kind = stored.grads_stored(n, t, "self")
    assert kind == "grads-attributes" and grads[0].path == "self.nabla_w[0]"
    m = N()
    m.params, m.grads = {"W1": np.ones(2)}, {"dW1": np.full(2, 3.0)}
    t = [aparams.Tensor("params['W1']", (("attr", "params"), ("item", "W1")), (2,))]
    grads, _ = stored.grads_stored(m, t, "self")
    assert grads[0].path == "self.grads['dW1']"


# ----------------------------------------------------------------------------- binding
def test_bind_args_by_name_and_defaults():
    def backward(self_X, y_true, learning_rate=0.1, epochs=1000, activation="relu"):
        pass

    ctx = {"X": lambda: "X", "Y": lambda: "Y", "lr": lambda: 0.001, "epochs": lambda: 1}
    args, kwargs, used = calling.bind_args(backward, ctx, ["X", "Y"], "backward")
    assert args == ["X", "Y", 0.001, 1] and kwargs == {}
    assert used == ["X", "Y", "lr", "epochs"]


def test_bind_args_positional_fallback_and_error():
    def backward(inp, expected_output):
        pass

    ctx = {"X": lambda: "X", "Y": lambda: "Y"}
    assert calling.bind_args(backward, ctx, ["X", "Y"], "backward")[0] == ["X", "Y"]

    def weird(X, foo, bar):
        pass

    with pytest.raises(L.AuditError, match=r"argument 'bar' of backward.*set \[entry\] backward"):
        calling.bind_args(weird, ctx, ["X", "Y"], "backward")


def test_backward_fallback_for_layer_stacks():
    ctx = {"X": 1, "Y": 1, "dout": 1}
    assert calling.backward_fallback(lambda g: None, ctx) == ["dout"]
    assert calling.backward_fallback(lambda x, y: None, ctx) == ["X", "Y"]


@pytest.mark.parametrize(
    "name,role",
    [
        ("input_size", "n_in"),
        ("n_inputs", "n_in"),
        ("in_features", "n_in"),
        ("output_size", "n_out"),
        ("num_classes", "n_out"),
        ("hidden_size1", "hidden"),
        ("n_h", "hidden"),
        ("layer_sizes", "sizes"),
        ("activation", None),
    ],
)
def test_size_roles(name, role):
    assert names.size_role(name) == role


def test_infer_call_sizes_from_defaults():
    class Net:
        def __init__(self, sizes=[2, 8, 8, 1], lr=0.1):  # noqa: B006 (student-style code under test)
            pass

    args, kwargs, _ = sizes.infer_call_sizes(Net.__init__, "Net", sizes.Sizes(3, 2), None, None, 0.001)
    assert args == [[3, 8, 8, 2]] and kwargs == {}
    args, _, notes = sizes.infer_call_sizes(lambda n_in, n_hidden, n_out: None, "f", sizes.Sizes(3, 2), None, None, 0.1)
    assert args == [3, 4, 2] and "f: n_hidden = 4 invented (the gradient check does not depend on sizes)" in notes


# ----------------------------------------------------------------------------- loader
@pytest.mark.parametrize(
    "src,kept",
    [
        ("import numpy as np", True),
        ("from x import y", True),
        ("def f(): pass", True),
        ("class A: pass", True),
        ("lr = 0.1", True),
        ("W1 = np.random.randn(2, 3) * 0.01", True),
        ("sizes = [2, 3, 1]", True),
        ("np.random.seed(0)", True),
        ("relu = lambda x: x", True),
        ('"""doc"""', True),
        ("try:\n    import torch\nexcept ImportError:\n    torch = None", True),
        ("print('hi')", False),
        ("for i in range(3): pass", False),
        ("net = Net(2, 1)", False),
        ("X, y = make_data()", False),
        ("plt.plot([1])", False),
        ("net.W1[0] = 1", False),
        ("if __name__ == '__main__':\n    main()", False),
        ("W = open('f').read()", False),
    ],
)
def test_is_definition(src, kept):
    assert L.is_definition(ast.parse(src).body[0]) is kept


def test_combine_cells_maps_lines_and_strips_magics():
    notes: list[str] = []
    stmts, line_map, text = L.combine_cells(
        [
            "%matplotlib inline\nimport numpy as np",
            None,
            "x = 1\n!ls\ny = (",
            "%%time\nz = 2",
            "def f():\n    return 1",
        ],
        notes,
    )
    assert [type(s).__name__ for s in stmts] == ["Import", "FunctionDef"]
    assert line_map[stmts[1].lineno] == (5, 1)
    assert any("cell 3: syntax error" in n for n in notes)
    assert any("cell 4: cell magic %%time" in n for n in notes)


def test_read_notebook_without_nbformat(tmp_path):
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {"cell_type": "markdown", "source": ["# t"], "metadata": {}},
            {"cell_type": "code", "source": ["a = 1\n", "b = 2"], "metadata": {}, "outputs": [], "execution_count": 1},
        ],
    }
    p = tmp_path / "n.ipynb"
    p.write_text(json.dumps(nb))
    sources, reader = L.read_notebook(p, [])
    assert sources == [None, "a = 1\nb = 2"] and reader in ("json", "nbformat")


def test_fake_matplotlib_absorbs_calls():
    noop = L._NoOp()
    fig, ax = noop.subplots(1, 2)
    assert ax.plot([1, 2]).set_title("x") is not None
    with noop.style.context("ggplot"):
        pass


def _student_module(src: str):
    """(the namespace of ``src`` run as a submission, a LoadedSubmission with its class nodes)."""
    ns: dict = {"__name__": "__student__"}
    exec(compile(src, "<t>", "exec"), ns)
    nodes = {n.name: n for n in ast.parse(src).body if isinstance(n, ast.ClassDef)}
    return ns, L.LoadedSubmission(module=None, path=None, kind="py", class_nodes=nodes)  # type: ignore[arg-type]


def test_pick_class_prefers_the_container():
    src = (
        "class Layer:\n    def forward(self, x): pass\n    def backward(self, g): pass\n"
        "class Model:\n    def __init__(self):\n        self.l = Layer()\n"
        "    def forward(self, x): pass\n    def backward(self, g): pass\n"
    )
    ns, loaded = _student_module(src)
    picked = classes.pick_class([ns["Layer"], ns["Model"]], loaded, {})
    assert picked.cls.__name__ == "Model" and (picked.forward, picked.backward) == ("forward", "backward")


# ----------------------------------------------------------------------------- encoding
def test_encode_non_finite_and_numpy_scalars():
    assert encode(np.array([1.0, math.nan, math.inf, -math.inf])) == [1.0, "nan", "inf", "-inf"]
    assert encode({"a": np.float32(2), "b": np.int64(3), "c": (np.bool_(True),)}) == {"a": 2.0, "b": 3, "c": [True]}


def test_discover_layer_objects_named_like_caches():
    class M:
        def __init__(self):
            self.hidden = Lin(3, 4)
            self.output = Lin(4, 2)
            self.optimizer = type("SGD", (), {})()
            self.optimizer.params = [self.hidden.weight]

    assert [t.name for t in aparams.discover_params(M())] == [
        "hidden.weight",
        "hidden.bias",
        "output.weight",
        "output.bias",
    ]


def test_a_class_named_twice_is_one_candidate_and_a_misspelled_backprop_is_its_backward():
    """``build = Net`` in the module makes no second class (no AmbiguousEntry "Net and Net"); a gradient method
    spelled ``backpropation`` is the backward, tried before ``train`` (which updates once per sample)."""
    src = (
        "class Net:\n    def feedforward(self, x): pass\n    def backpropation(self, x, p, y): pass\n"
        "    def train(self, X, Y): pass\n"
        "build = Net\n"
    )
    ns, loaded = _student_module(src)
    found = student_classes(ns, loaded)
    assert found == [ns["Net"]]
    picked = classes.method_names(ns["Net"], {})
    assert (picked.forward, picked.backward, picked.alternatives) == ("feedforward", "backpropation", ["train"])
