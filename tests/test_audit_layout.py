"""Mapping a student's parameters onto the reference layout (infer_layouts, Layout.to_reference)."""

import numpy as np
import pytest

from gradcheck.diagnose.layout import LayerMap, Layout, LayoutError, infer_layouts
from reference_nets.mlp import MLP, MLPConfig


def _first(shapes, n_in, n_out) -> Layout:
    return infer_layouts(shapes, n_in, n_out)[0]


def _orient(layout: Layout) -> tuple[bool, ...]:
    return tuple(lay.transposed for lay in layout.layers)


def test_in_x_out_with_1d_biases():
    lay = _first({"W1": (2, 4), "b1": (4,), "W2": (4, 1), "b2": (1,)}, 2, 1)
    assert lay.layers == (LayerMap("W1", "b1", False, 2, 4), LayerMap("W2", "b2", False, 4, 1))
    assert lay.sizes == (2, 4, 1)
    assert lay.has_bias
    assert lay.names() == {"W1": "W1", "b1": "b1", "W2": "W2", "b2": "b2"}


def test_in_x_out_with_row_biases():
    lay = _first({"self.W1": (3, 5), "self.b1": (1, 5), "self.W2": (5, 2), "self.b2": (1, 2)}, 3, 2)
    assert _orient(lay) == (False, False)
    assert [x.bias for x in lay.layers] == ["self.b1", "self.b2"]
    assert lay.sizes == (3, 5, 2)


def test_out_x_in_with_column_biases():
    lay = _first({"W1": (4, 2), "b1": (4, 1), "W2": (1, 4), "b2": (1, 1)}, 2, 1)
    assert _orient(lay) == (True, True)
    assert lay.sizes == (2, 4, 1)
    assert lay.has_bias


def test_out_x_in_lists_names():
    shapes = {"weights[0]": (3, 2), "biases[0]": (3,), "weights[1]": (2, 3), "biases[1]": (2,)}
    lay = _first(shapes, 2, 2)
    assert lay.layers == (
        LayerMap("weights[0]", "biases[0]", True, 2, 3),
        LayerMap("weights[1]", "biases[1]", True, 3, 2),
    )
    assert lay.names() == {"W1": "weights[0]", "b1": "biases[0]", "W2": "weights[1]", "b2": "biases[1]"}


def test_module_names_with_data_suffix():
    shapes = {
        "layers[0].weight.data": (16, 2),
        "layers[0].bias.data": (16,),
        "layers[2].weight.data": (1, 16),
        "layers[2].bias.data": (1,),
    }
    lay = _first(shapes, 2, 1)
    assert _orient(lay) == (True, True)
    assert [x.bias for x in lay.layers] == ["layers[0].bias.data", "layers[2].bias.data"]


def test_module_names_without_data_suffix():
    shapes = {"layers[0].weight": (16, 2), "layers[0].bias": (16,), "layers[2].weight": (1, 16), "layers[2].bias": (1,)}
    lay = _first(shapes, 2, 1)
    assert lay.names()["b2"] == "layers[2].bias"


def test_syn_names_without_biases():
    lay = _first({"syn0": (3, 4), "syn1": (4, 1)}, 3, 1)
    assert lay.layers == (LayerMap("syn0", None, False, 3, 4), LayerMap("syn1", None, False, 4, 1))
    assert not lay.has_bias
    assert lay.names() == {"W1": "syn0", "W2": "syn1"}


def test_no_biases_three_layers():
    lay = _first({"W1": (2, 5), "W2": (5, 5), "W3": (5, 1)}, 2, 1)
    assert [x.bias for x in lay.layers] == [None, None, None]
    assert lay.sizes == (2, 5, 5, 1)


def test_square_layers_give_every_orientation():
    shapes = {"W1": (3, 3), "b1": (3,), "W2": (3, 3), "b2": (3,)}
    layouts = infer_layouts(shapes, 3, 3)
    assert {_orient(x) for x in layouts} == {(False, False), (False, True), (True, False), (True, True)}
    assert all(x.has_bias for x in layouts)


def test_square_middle_layer_both_orientations_outer_fixed():
    shapes = {"W1": (2, 4), "W2": (4, 4), "W3": (4, 1)}
    layouts = infer_layouts(shapes, 2, 1)
    assert {_orient(x) for x in layouts} == {(False, False, False), (False, True, False)}


def test_uniform_bias_layouts_come_first():
    # every reading is offered; those where every layer (or none) has a bias come first
    shapes = {"W1": (2, 4), "b1": (4,), "W2": (4, 1), "b2": (1,)}
    layouts = infer_layouts(shapes, 2, 1)
    uniform = [len({x.bias is None for x in lay.layers}) == 1 for lay in layouts]
    assert uniform == sorted(uniform, reverse=True)


def test_mixed_biases_are_still_found():
    lay = _first({"W1": (2, 4), "b1": (4,), "W2": (4, 1)}, 2, 1)
    assert [x.bias for x in lay.layers] == ["b1", None]


def test_bias_named_tensor_is_never_a_weight():
    with pytest.raises(LayoutError):
        infer_layouts({"W1": (2, 4), "bias_out": (4, 1)}, 2, 1)


def test_layout_error_lists_shapes_and_spec_key():
    with pytest.raises(
        LayoutError,
        match=r"^the parameters \(W1 \(2, 4\), b1 \(4,\), W2 \(5, 1\)\) do not chain "
        r"from 2 inputs to 1 outputs; set \[network\] params in the spec",
    ):
        infer_layouts({"W1": (2, 4), "b1": (4,), "W2": (5, 1)}, 2, 1)


def test_layout_error_on_wrong_n_in():
    with pytest.raises(LayoutError, match="from 3 inputs to 1 outputs"):
        infer_layouts({"W1": (2, 4), "W2": (4, 1)}, 3, 1)


def test_parameters_that_chain_on_their_own_point_at_the_data_not_their_order():
    """A notebook's w1 (4, 10), b1 (4, 1), w2 (2, 4), b2 (2, 1) chain 10 -> 4 -> 2 as stored (out x in), but the data
    read as rows gives 600 inputs and outputs (its samples are columns): the hint names the widths they chain
    between and the data keys, never "list them in layer order", which they already are."""
    shapes = {"w1": (4, 10), "b1": (4, 1), "w2": (2, 4), "b2": (2, 1)}
    with pytest.raises(LayoutError) as info:
        infer_layouts(shapes, 600, 600)
    said = str(info.value)
    assert "do not chain from 600 inputs to 600 outputs" in said
    assert "they chain from 10 inputs to 2 outputs in the order given" in said
    assert "[network] samples_as_columns = true" in said and "layer order" not in said
    with pytest.raises(LayoutError, match="they chain from 10 inputs to 2 outputs"):  # one target row, two outputs
        infer_layouts(shapes, 10, 1)


def test_layout_error_on_empty_parameters():
    with pytest.raises(LayoutError, match="do not chain"):
        infer_layouts({}, 2, 1)


def test_layout_error_on_vector_first():
    with pytest.raises(LayoutError):
        infer_layouts({"w": (4,), "W2": (4, 1)}, 2, 1)


# ----------------------------------------------------------------------------- to_reference


def _ref(sizes=(3, 5, 2), hidden=("tanh",), seed=0):
    net = MLP(MLPConfig(sizes, hidden, output="sigmoid", loss="bce"))
    params = net.init_params(seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((7, sizes[0]))
    Y = (rng.random((7, sizes[-1])) > 0.5).astype(float)
    return net, params, X, Y


def _to_student(ref: dict, layout: str, bias_shape: str) -> dict:
    """Reference-form tensors (W in x out, b (out,)) in a student's form."""
    out = {}
    i = 1
    while f"W{i}" in ref:
        W, b = ref[f"W{i}"], ref[f"b{i}"]
        name_w, name_b = (
            (f"self.W{i}", f"self.b{i}") if layout == "in_out" else (f"weights[{i - 1}]", f"biases[{i - 1}]")
        )
        out[name_w] = W.copy() if layout == "in_out" else W.T.copy()
        out[name_b] = {"flat": b.copy(), "row": b.reshape(1, -1).copy(), "col": b.reshape(-1, 1).copy()}[bias_shape]
        i += 1
    return out


@pytest.mark.parametrize("layout", ["in_out", "out_in"])
@pytest.mark.parametrize("bias_shape", ["flat", "row", "col"])
def test_to_reference_round_trip_params_and_grads(layout, bias_shape):
    net, params, X, Y = _ref()
    loss, grads = net.loss_and_grad(params, X, Y)
    student = _to_student(params, layout, bias_shape)
    lay = _first({k: v.shape for k, v in student.items()}, 3, 2)
    assert _orient(lay) == ((layout == "out_in"),) * 2
    back = lay.to_reference(student)
    assert sorted(back) == sorted(params)
    for k in params:
        assert back[k].shape == params[k].shape
        np.testing.assert_array_equal(back[k], params[k])
    assert net.loss(back, X, Y) == loss
    # gradients ride the same map
    g_student = _to_student(grads, layout, bias_shape)
    g_back = lay.to_reference(g_student)
    for k in grads:
        np.testing.assert_array_equal(g_back[k], grads[k])


def test_to_reference_without_biases():
    net = MLP(MLPConfig((2, 4, 1), ("sigmoid",), bias=False))
    params = net.init_params(seed=1)
    student = {"syn0": params["W1"].T.copy(), "syn1": params["W2"].T.copy()}
    lay = _first({k: v.shape for k, v in student.items()}, 2, 1)
    back = lay.to_reference(student)
    assert sorted(back) == ["W1", "W2"]
    np.testing.assert_array_equal(back["W1"], params["W1"])
    np.testing.assert_array_equal(back["W2"], params["W2"])


def test_to_reference_missing_tensor_raises_keyerror():
    lay = _first({"W1": (2, 4), "b1": (4,), "W2": (4, 1), "b2": (1,)}, 2, 1)
    with pytest.raises(KeyError):
        lay.to_reference({"W1": np.zeros((2, 4)), "b1": np.zeros(4), "W2": np.zeros((4, 1))})


def test_parameters_listed_output_first_are_reordered_to_chain():
    # a script that updates the output layer first: ``wout += ...`` then ``wh += ...``
    layout = infer_layouts({"wout": (3, 1), "wh": (2, 3)}, 2, 1)[0]
    assert [(x.weight, x.n_in, x.n_out) for x in layout.layers] == [("wh", 2, 3), ("wout", 3, 1)]


def test_no_order_chains_is_still_an_error_naming_the_shapes():
    with pytest.raises(LayoutError, match=r"wout \(3, 1\), wh \(2, 5\)"):
        infer_layouts({"wout": (3, 1), "wh": (2, 5)}, 2, 1)


def _square_chain(depth: int, width: int = 3) -> dict:
    sizes = (2,) + (width,) * depth + (1,)
    shapes = {}
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        shapes[f"w{i}"], shapes[f"b{i}"] = (a, b), (1, b)
    return shapes


def test_square_layers_every_reading_while_few():
    """A square weight fits the chain both ways: 7 square weights, 2**7 readings, all kept for the forward."""
    layouts = infer_layouts(_square_chain(8), 2, 1)
    assert len(layouts) == 2**7 and len({tuple(x.transposed for x in lay.layers) for lay in layouts}) == 2**7


def test_square_layers_past_the_cap_keep_one_way_of_storing():
    """39 square weights have 2**39 readings (listing them held the grader for hours): past MAX_LAYOUTS only the
    readings storing every weight the same way are kept, the in x out one first."""
    layouts = infer_layouts(_square_chain(40), 2, 1)
    assert 1 <= len(layouts) <= 2
    assert [x.transposed for x in layouts[0].layers] == [False] * 41
    assert all(x.bias == f"b{i}" for i, x in enumerate(layouts[0].layers))


def test_a_square_weight_reads_the_way_the_others_are_stored_first():
    # W1 is stored out x in (3 x 4 from 4 inputs); the square W2 reads either way, and where the forward cannot
    # tell them apart (tiny weights: every softmax output near 1/3) the first reading is the one judged
    shapes = {"W1": (3, 4), "b1": (3,), "W2": (3, 3), "b2": (3,)}
    layouts = infer_layouts(shapes, 4, 3)
    assert {_orient(x) for x in layouts} == {(True, False), (True, True)}
    assert _orient(layouts[0]) == (True, True)
    plain = infer_layouts({"W1": (4, 3), "b1": (3,), "W2": (3, 3), "b2": (3,)}, 4, 3)
    assert _orient(plain[0]) == (False, False)
