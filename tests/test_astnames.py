"""The shared syntax-tree questions (gradcheck.audit.astnames) on code written as students write it."""

import ast

from gradcheck.audit.astnames import called_name, calls_of, makes_array, names_in, read_names

CODE = """
W1 = np.random.randn(4, 3) * 0.01
b1 = np.zeros((4, 1))
for x, y in zip(X, Y):
    out = net.forward(x)
    loss = mse(out, y)
"""
TREE = ast.parse(CODE)


def test_names_in_sees_read_and_bound_names_but_not_attributes():
    loop = TREE.body[2]
    assert names_in(loop.target) == {"x", "y"}
    assert names_in(loop) == {"x", "y", "zip", "X", "Y", "out", "net", "loss", "mse"}
    assert "forward" not in names_in(loop)


def test_read_names_leaves_out_what_is_bound():
    loop = TREE.body[2]
    assert read_names(loop) == {"zip", "X", "Y", "x", "y", "net", "out", "mse"}
    assert "loss" not in read_names(loop)


def test_called_name_of_a_function_a_method_and_a_non_call():
    loop = TREE.body[2]
    assert called_name(loop.iter) == "zip"
    assert called_name(loop.body[0].value) == "forward"
    assert called_name(loop.body[0]) is None  # a statement is not a call
    assert called_name(ast.parse("f()(x)", mode="eval").body) is None  # a call of a call names nothing


def test_calls_of_finds_functions_and_methods_by_name():
    assert [ast.unparse(c) for c in calls_of(TREE, "forward")] == ["net.forward(x)"]
    assert [ast.unparse(c) for c in calls_of(TREE, "mse")] == ["mse(out, y)"]
    assert list(calls_of(TREE, "backward")) == []


def test_makes_array_only_with_the_makers_given():
    w1, b1 = TREE.body[0].value, TREE.body[1].value
    assert makes_array(w1, ("randn", "rand"))
    assert not makes_array(b1, ("randn", "rand"))
    assert makes_array(b1, ("zeros",))
    assert not makes_array(ast.parse("zeros(3)", mode="eval").body, ("zeros",))  # a bare call is no maker's method
