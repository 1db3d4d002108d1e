"""Top-level experiment loops are read as their first pass; other loops are left as they are."""

from __future__ import annotations

import ast

import pytest

from gradcheck.audit.adapters import assembly, experiments


def _stmt(src: str) -> ast.stmt:
    return ast.parse(src).body[0]


@pytest.mark.parametrize(
    "src, first",
    [
        ("for h in [4, 8]:\n    net = Net(h)\n    for e in range(9):\n        net.step()\n", "h = 4"),
        ("for lr in (0.1, 0.5):\n    net = Net()\n    train(net, X, Y, epochs=5, lr=lr)\n", "lr = 0.1"),
        ("for k in range(2, 5):\n    m = [Dense(2, k), Tanh()]\n    while True:\n        break\n", "k = 2"),
        ("for k in range(3):\n    m = Net(k)\n    for e in range(9):\n        pass\n", "k = 0"),
    ],
)
def test_a_loop_over_settings_that_trains_is_read_as_its_first_pass(src, first):
    stmt = _stmt(src)
    assert experiments.is_experiment_loop(stmt, assembly._trains)
    body = experiments.first_experiment(stmt)
    assert ast.unparse(body[0]) == first and body[1:] == stmt.body


@pytest.mark.parametrize(
    "src",
    [
        "for epoch in range(100):\n    net.forward(X)\n",  # the training loop itself: nothing inside trains
        "for x in data:\n    m = Net()\n    for e in range(3):\n        pass\n",  # not a literal list of settings
        "for h in []:\n    m = Net()\n    for e in range(3):\n        pass\n",  # no first pass
        "for h in range(0):\n    m = Net()\n    for e in range(3):\n        pass\n",
        "for h in [4, 8]:\n    m = Net()\n    for e in range(3):\n        pass\nelse:\n    pass\n",
        "for h in [4, 8]:\n    for e in range(3):\n        m = Net(h)\n",  # nothing made before it trains
        "for h in [4, 8]:\n    out = relu(h)\n    train(out, epochs=3)\n",  # a function, not a class, is called
    ],
)
def test_other_loops_are_no_experiment_loops(src):
    assert not experiments.is_experiment_loop(_stmt(src), assembly._trains)


def test_the_script_body_unrolls_it_in_place():
    stmts = ast.parse("a = 1\nfor h in [4, 8]:\n    net = Net(h)\n    train(net, epochs=3)\nb = 2\n").body
    assert [ast.unparse(s) for s in assembly.script_body(stmts)] == [
        "a = 1",
        "h = 4",
        "net = Net(h)",
        "train(net, epochs=3)",
        "b = 2",
    ]
