"""A method's source moved to column 0 even when comments sit left of its body (students comment out at column 0)."""

from __future__ import annotations

import ast

from gradcheck.audit.adapters.sources import dedented

METHOD = (
    "    def backprop(self):\n"
    "#        self.W = np.random.rand(2, 3)\n"
    "        d = self.t - self.o\n"
    "\n"
    "# the error signal\n"
    "        self.W += self.eta * d\n"
)


def test_comments_left_of_the_body_do_not_stop_the_dedent():
    out = dedented(METHOD)
    tree = ast.parse(out)
    assert isinstance(tree.body[0], ast.FunctionDef) and tree.body[0].name == "backprop"
    assert out.splitlines()[0] == "def backprop(self):" and out.count("\n") == METHOD.count("\n")


def test_already_at_column_zero_is_unchanged():
    src = "def f(x):\n    return x\n"
    assert dedented(src) == src


def test_code_left_of_the_first_line_falls_back_to_the_plain_dedent():
    src = "    x = 1\n  y = 2\n"
    assert dedented(src) == "  x = 1\ny = 2\n"
