"""A training script written inside ``def main():``: its body run as the script, or nothing inlined."""

from __future__ import annotations

import ast
import textwrap

from gradcheck.audit import mainbody
from gradcheck.audit.adapters.shapes.script import infer_spec

TRAIN = """
import numpy as np
SIZE = 3
def main({args}):
    W1 = np.ones((2, SIZE))
    for _ in range(epochs):
        dW1 = W1 * 0.5
        W1 -= rate * dW1
    {tail}
if __name__ == "__main__":
    np.random.seed(0)
    main()
"""


def _inline(args: str = "epochs=3, rate=0.1", tail: str = "print(W1)"):
    stmts = ast.parse(textwrap.dedent(TRAIN.format(args=args, tail=tail))).body
    return mainbody.inline_entry(stmts, infer_spec)


def test_the_body_replaces_the_call_with_its_defaults_bound():
    stmts, name = _inline(tail="return W1")
    assert name == "main"
    text = ast.unparse(ast.Module(stmts, []))
    assert "epochs = 3" in text and "rate = 0.1" in text and "np.random.seed(0)" in text
    top = [s for s in stmts if not isinstance(s, ast.FunctionDef)]
    assert not any(isinstance(s, (ast.Return, ast.If)) for s in top)  # the guard gone, the return an expression
    assert not any(isinstance(n, ast.Call) and getattr(n.func, "id", "") == "main" for s in top for n in ast.walk(s))
    assert infer_spec(stmts) == {"params": ["W1"], "grads": ["dW1"]}
    compile(ast.Module(stmts, []), "<inlined>", "exec")  # every node has a line number


def test_nothing_is_inlined_without_defaults_or_with_an_early_return():
    assert _inline(args="epochs, rate=0.1") is None  # nothing to call it with
    assert _inline(tail="if W1.sum() > 9:\n        return W1\n    print(W1)") is None


def test_a_function_the_module_never_calls_is_not_a_script():
    src = TRAIN.format(args="epochs=3, rate=0.1", tail="pass").replace("    main()\n", "    pass\n")
    assert mainbody.inline_entry(ast.parse(textwrap.dedent(src)).body, infer_spec) is None
