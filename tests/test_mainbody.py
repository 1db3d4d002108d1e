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
    stmts, name, note = _inline(tail="return W1")
    assert name == "main" and note == ""
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


def test_a_function_the_module_never_calls_taking_gradients_from_its_functions_is_not_a_script():
    """Its functions may be the network (one derivative function per parameter): they are audited as such."""
    src = TRAIN.format(args="epochs=3, rate=0.1", tail="pass").replace("    main()\n", "    pass\n")
    src = src.replace("dW1 = W1 * 0.5", "dW1 = derivative_w1(W1)").replace(
        "def main(", "def derivative_w1(W):\n    return W\ndef main("
    )
    assert mainbody.inline_entry(ast.parse(textwrap.dedent(src)).body, infer_spec) is None


def test_a_function_the_module_never_calls_computing_its_gradients_inline_runs_after_the_module():
    """``def train_xor(hidden=4, ...)`` returning its weights to an app elsewhere: nothing else can reach them."""
    src = TRAIN.format(args="epochs=3, rate=0.1", tail="return {'W1': W1}").replace("    main()\n", "    pass\n")
    stmts, name, note = mainbody.inline_entry(ast.parse(textwrap.dedent(src)).body, infer_spec)
    assert name == "main" and "called nowhere" in note
    text = ast.unparse(ast.Module(stmts, []))
    assert text.index("np.random.seed(0)") < text.index("epochs = 3") < text.rindex("W1 -= rate * dW1")
    assert infer_spec(stmts) == {"params": ["W1"], "grads": ["dW1"]}
    compile(ast.Module(stmts, []), "<inlined>", "exec")


def test_a_function_called_in_a_loop_over_widths_runs_once_at_an_invented_width():
    src = """
import numpy as np
rate = 0.1
def build(nn_hdim, passes=5):
    W1 = np.ones((2, nn_hdim))
    for _ in range(passes):
        dW1 = W1 * 0.5
        W1 -= rate * dW1
    return W1
for k, width in enumerate([1, 2, 30]):
    trained = build(width)
"""
    stmts, name, note = mainbody.inline_entry(ast.parse(src).body, infer_spec)
    assert name == "build" and "nn_hdim = 4 chosen by the grader" in note and "in place of the first statement" in note
    assert not any(isinstance(s, ast.For) and "enumerate" in ast.unparse(s) for s in stmts)  # no width trained
    assert f"nn_hdim = {mainbody.INVENTED_HIDDEN}" in ast.unparse(ast.Module(stmts, []))
    unknown = src.replace("def build(nn_hdim,", "def build(mystery,").replace("(2, nn_hdim)", "(2, mystery)")
    assert mainbody.inline_entry(ast.parse(unknown).body, infer_spec) is None  # not a size: never guessed


def test_required_arguments_take_what_the_one_call_passes():
    src = """
    import numpy as np
    def train(X, y, lr=0.1):
        W1 = np.ones((2, 1))
        for _ in range(3):
            dW1 = X.T @ (X @ W1 - y)
            W1 -= lr * dW1
        return W1
    if __name__ == "__main__":
        data = np.ones((4, 2))
        final = train(data, np.zeros((4, 1)), lr=0.5)
        print(final)
    """
    stmts, name, _ = mainbody.inline_entry(ast.parse(textwrap.dedent(src)).body, infer_spec)
    text = ast.unparse(ast.Module(stmts, []))
    assert "X = data" in text and "y = np.zeros((4, 1))" in text and "lr = 0.5" in text
    assert "final = W1" in text and text.index("final = W1") < text.index("print(final)")
    twice = textwrap.dedent(src).replace("print(final)", "train(data, data)")
    assert mainbody.inline_entry(ast.parse(twice).body, infer_spec) is None  # called twice: which call is meant?


NESTED = """
import numpy as np
epochs = 3
def fit(width, n, rate):
    W1 = np.ones((2, width))
    for _ in range(n):
        dW1 = W1 * 0.5
        W1 -= rate * dW1
    return W1
def report(W):
    print(W.sum())
def main():
    width = 4
    W = fit(width, epochs, 0.1)
    report(W)
if __name__ == "__main__":
    main()
"""


def test_a_trainer_reached_only_through_main_runs_in_place_of_both_calls():
    stmts, name, note = mainbody.inline_entry(ast.parse(textwrap.dedent(NESTED)).body, infer_spec)
    assert name == "fit" and note.startswith("main()'s body was run in place of its call, and fit()'s")
    top = [s for s in stmts if not isinstance(s, ast.FunctionDef)]
    text = ast.unparse(ast.Module(top, []))
    assert "width = 4" in text and "n = epochs" in text and "rate = 0.1" in text and "W = W1" in text
    calls = {getattr(n.func, "id", "") for s in top for n in ast.walk(s) if isinstance(n, ast.Call)}
    assert not calls & {"main", "fit"}
    assert text.index("width = 4") < text.index("W1 = np.ones") < text.index("report(W)")
    compile(ast.Module(stmts, []), "<inlined>", "exec")


def test_main_calling_nothing_that_trains_inlines_nothing():
    body = "    W1 = np.ones((2, width))\n    for _ in range(n):\n        dW1 = W1 * 0.5\n        W1 -= rate * dW1\n"
    src = NESTED.replace(body, "    print(n, rate)\n")
    assert src != NESTED
    assert mainbody.inline_entry(ast.parse(textwrap.dedent(src)).body, infer_spec) is None


UPDATER = """
import numpy as np
def backward(params, X):
    return {{"dlw1": params["W1"] * X.sum()}}
def update(params, grads, rate=0.5):
    W1 = params["W1"]
    {pick}
    W1 = W1 - rate * dlw1
    return {{"W1": W1}}
X = np.ones((2, 3))
params = {{"W1": np.ones((2, 2))}}
grads = backward(params, X)
stepped = update(params, grads)
"""


def test_an_updater_applying_the_gradients_it_is_given_is_not_the_script():
    """A notebook's demo call ``update(params, grads)`` after ``grads = backward(...)``: run as the script, its
    gradients would be that one call's constants, never computed from the weights the grader sets."""
    stmts = ast.parse(textwrap.dedent(UPDATER.format(pick='dlw1 = grads["dlw1"]'))).body
    assert infer_spec([s for s in stmts if isinstance(s, ast.FunctionDef)][1].body)  # its body does read as training
    assert mainbody.inline_entry(stmts, infer_spec) is None


def test_an_updater_computing_its_gradients_from_the_weights_is_the_script():
    """The same function taking the data, its gradient computed in the body from the weights: a trainer."""
    src = UPDATER.format(pick='dlw1 = backward({"W1": W1}, grads)["dlw1"]')
    stmts, name, _ = mainbody.inline_entry(ast.parse(textwrap.dedent(src)).body, infer_spec)
    assert name == "update"
    assert infer_spec(stmts)["grads"] == ["dlw1"]


def test_an_argument_the_body_rebinds_is_not_given():
    """``grads`` passed in but recomputed in the loop before it is applied: the body computes the gradient."""
    pick = 'grads = backward({"W1": W1}, X)\n    dlw1 = grads["dlw1"]'
    stmts, name, _ = mainbody.inline_entry(ast.parse(textwrap.dedent(UPDATER.format(pick=pick))).body, infer_spec)
    assert name == "update"
