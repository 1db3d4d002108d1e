"""Shapes met in independently written code: supported ones get the right verdict (truth from central
differences written here), the ones the auditor cannot model get an error that says what they are.

tests/submissions/gaps: a layer-object network assembled with ``net.add`` in a loop inside a builder
function; one-letter module-level weights ``V, c, U, d`` updated by a step function; a model
``backward(self, p, t)`` whose ``p`` is placed by the code's ``p - t`` (in a helper or a lambda); functions
reading a module-level architecture constant; weights local to one training function (its body run as the
script); and, as errors, weights kept as Python lists (scalar loops), a lone backward, and a ``p`` nothing
places.
"""

from __future__ import annotations

import ast
import importlib.util
import tomllib
from pathlib import Path

import numpy as np
import pytest
from auditcheck import assert_verdict
from centraldiff import numeric

from gradcheck.audit.adapters.argroles import subtracted_with
from gradcheck.audit.adapters.unreachable import local_weights, number_lists
from gradcheck.audit.adapters.updateform import update_form
from gradcheck.audit.adapters.usage import used_as_params

HERE = Path(__file__).resolve().parent / "submissions" / "gaps"
RNG = np.random.default_rng(11)
X = RNG.normal(size=(6, 3))

#: file: (status, first diagnosis code or None, the tensors wrong against central differences)
VERDICTS = {
    "builder_loop_correct.py": ("pass", None, []),
    "builder_loop_mean_bug.py": ("fail", "missing_batch_mean", ["W0", "b0", "W2", "b2", "W4", "b4"]),
    "vcud_step_correct.py": ("pass", None, []),
    "vcud_step_prime_bug.py": ("fail", "derivative_at_activation", ["V", "c"]),
    "pt_helper_correct.py": ("pass", None, []),
    "pt_lambda_correct.py": ("pass", None, []),
    "pt_named_output_correct.py": ("pass", None, []),
    "module_arch_global_correct.py": ("pass", None, []),
    # its loss is only printed, inside an if: the gradient is exactly mean BCE's, which stays open, honestly
    "local_weights.py": ("inconclusive", "loss_undetermined", []),
}
#: file: what its error must say (the shape it is, and what can be done)
ERRORS = {
    "scalar_lists.py": ["Python lists of numbers", "w_ih", "w_ho", "scalar loops", "No spec setting"],
    "lone_backward.py": ["LoneBackward", "A1, A2", "no forward function", "[entry] forward"],
    "pt_opaque.py": ["argument 'p'", "input X or the network's output", '[entry] backward_args = { p = "out" }'],
}


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name[:-3], HERE / name)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _wrong(params, claimed, loss, names, h=1e-6) -> list[str]:
    """The names whose claimed gradient differs from central differences of ``loss``."""
    wrong = []
    for c, g, n in zip(claimed, numeric(loss, params, h), names):
        if np.max(np.abs(np.reshape(c, g.shape) - g)) > 1e-6 * max(np.max(np.abs(g)), 1e-12):
            wrong.append(n)
    return wrong


def _sig(z):
    return 1 / (1 + np.exp(-z))


def _bce(p, y):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def _builder(name):
    m = _module(name)
    net = m.build([3, 5, 5, 1])
    y = RNG.normal(size=(6, 1))
    net.backward(net.forward(X), y)
    dense = [(i, layer) for i, layer in enumerate(net.layers) if hasattr(layer, "W")]
    params = [a for _, d in dense for a in (d.W, d.b)]
    claimed = [a for _, d in dense for a in (d.dW, d.db)]
    names = [f"{k}{i}" for i, _ in dense for k in ("W", "b")]
    return params, claimed, lambda: np.mean((net.forward(X) - y) ** 2), names


def _vcud_step(name):
    m = _module(name)
    y = (RNG.random((6, 1)) > 0.5).astype(float)
    names = ["V", "c", "U", "d"]
    before = [getattr(m, k).copy() for k in names]
    m.step(X, y, lr=0.1)
    claimed = [(b - getattr(m, k)) / 0.1 for b, k in zip(before, names)]
    for k, b in zip(names, before):
        setattr(m, k, b)  # the loss reads the module's globals, which the differences perturb in place
    return before, claimed, lambda: _bce(m.predict(X), y), names


def _pt(name):
    net = _module(name).MLP(3, 4, 1)
    t = (RNG.random((6, 1)) > 0.5).astype(float)
    net.backward(net.forward(X), t)
    names = ["W1", "b1", "W2", "b2"]
    params = [getattr(net, k) for k in names]
    return params, [getattr(net, "g" + k) for k in names], lambda: _bce(net.forward(X), t), names


def _arch_global(name):
    m = _module(name)
    p, Xc = m.parameters, X.T.copy()
    Y = (RNG.random((1, 6)) > 0.5).astype(float)
    out, cache = m.full_forward(Xc, p)
    g = m.full_backward(out, Y, cache, p)
    names = ["W1", "b1", "W2", "b2"]
    return [p[k] for k in names], [g["d" + k] for k in names], lambda: _bce(m.full_forward(Xc, p)[0], Y), names


def _local_train(name):
    """train(X, y)'s first pass, run here up to its first update; its updates' gradients; mean BCE."""
    fn = next(s for s in ast.parse((HERE / name).read_text()).body if getattr(s, "name", None) == "train")
    loop = next(s for s in fn.body if isinstance(s, ast.For))
    first = next(i for i, s in enumerate(loop.body) if isinstance(s, ast.AugAssign))
    y = (RNG.random((6, 1)) > 0.5).astype(float)
    ns = {"np": np, "sigmoid": _sig, "X": X, "y": y, "hidden": 5, "epochs": 1, "lr": 0.5}
    exec(compile(ast.Module(fn.body[: fn.body.index(loop)] + loop.body[:first], []), name, "exec"), ns)
    names = ["W1", "b1", "W2", "b2"]
    claimed = [X.T @ ns["d1"], ns["d1"].sum(0), ns["h"].T @ ns["d2"], ns["d2"].sum(0)]
    p = [ns[k] for k in names]
    return p, claimed, lambda: _bce(_sig(_sig(X @ p[0] + p[1]) @ p[2] + p[3]), y), names


TRUTH = {
    "builder_loop_correct.py": _builder,
    "builder_loop_mean_bug.py": _builder,
    "vcud_step_correct.py": _vcud_step,
    "vcud_step_prime_bug.py": _vcud_step,
    "pt_helper_correct.py": _pt,
    "pt_lambda_correct.py": _pt,
    "pt_named_output_correct.py": _pt,
    "pt_opaque.py": _pt,
    "module_arch_global_correct.py": _arch_global,
    "local_weights.py": _local_train,
}


@pytest.fixture(scope="module")
def audited(tmp_path_factory, audit_json):
    return audit_json([HERE / n for n in [*VERDICTS, *ERRORS]], tmp_path_factory.mktemp("r"))


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_supported_shape_gets_the_true_verdict(audited, name):
    status, code, wrong = VERDICTS[name]
    assert _wrong(*TRUTH[name](name)) == wrong  # the expectation is the truth, by central differences
    s = audited[name]
    assert_verdict(s, status, code)
    if status == "fail":
        assert {t["status"] for t in s["tensors"]} == {"pass", "fail"} or len(wrong) == len(s["tensors"])


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_unmodelled_shape_is_an_error_saying_what_it_is(audited, name):
    s = audited[name]
    assert s["status"] == "error" and s["diagnoses"] == [], (s["status"], s["error"])
    for phrase in ERRORS[name]:
        assert phrase in s["error"], (phrase, s["error"])


def test_the_named_key_places_the_argument(tmp_path, audit_json):
    """pt_opaque.py is correct: with the key its error names, it is audited and passes."""
    assert _wrong(*TRUTH["pt_opaque.py"]("pt_opaque.py")) == []
    from gradcheck.cli import main

    spec = tmp_path / "spec.toml"
    spec.write_text('[entry]\nbackward_args = { p = "out" }\n')
    out = tmp_path / "out"
    assert main(["audit", str(HERE / "pt_opaque.py"), "--spec", str(spec), "--output", str(out)]) == 0


def test_a_role_outside_the_list_is_a_spec_error(tmp_path):
    from gradcheck.audit.spec import SpecError, load_spec

    spec = tmp_path / "spec.toml"
    spec.write_text('[entry]\nbackward_args = { p = "prediction" }\n')
    with pytest.raises(SpecError, match=r"backward_args\.p must be one of X, Y, out"):
        load_spec(spec)


@pytest.mark.parametrize(
    "name, todo",
    [
        ("pt_opaque.py", '# TODO: [entry] backward_args = { p = "out" }'),
        ("scalar_lists.py", "# TODO: no spec key can fix this"),
        ("local_weights.py", "# TODO: no loss in the code"),
        ("lone_backward.py", '# TODO: [entry] forward = "..."'),
    ],
)
def test_init_spec_writes_the_key_the_error_names(tmp_path, name, todo):
    from gradcheck.cli import main

    target = tmp_path / "spec.toml"
    assert main(["audit", str(HERE / name), "--init-spec", str(target)]) == 0
    text = target.read_text()
    assert todo in text, text
    tomllib.loads(text)  # valid TOML whatever stopped the audit


_COUNT = iter(range(10**6))


def _fn(src: str, folder: Path):
    """The functions of ``src``, imported from a file (their source is read back by inspect)."""
    path = folder / f"lookalike_{next(_COUNT)}.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return vars(mod)


def test_parameters_are_found_by_use_in_forward_order(tmp_path):
    src = "import numpy as np\ndef f(X):\n    h = np.tanh(X @ V + c)\n    return np.dot(h, U) + d\n"
    assert used_as_params([_fn(src, tmp_path)["f"]], ["V", "c", "U", "d", "X"]) == ["V", "c", "U", "d"]
    # an argument shadowing a module array is the argument, not the array
    src = "def f(X, V):\n    return X @ V + c\n"
    assert used_as_params([_fn(src, tmp_path)["f"]], ["V", "c"]) == ["c"]


@pytest.mark.parametrize(
    "src, form",
    [
        ("def b(s):\n    s.w2 += lr * s.h.T @ d\n    s.b2 += lr * d.sum(0)\n", "ascent"),
        ("def b(s):\n    s.w2 -= lr * g\n    s.b2 = s.b2 - lr * gb\n", "descent"),
        ("def b(s):\n    s.w2 += lr * g\n    s.b2 -= lr * gb\n", None),
        ("def b(s):\n    return g\n", None),
    ],
)
def test_the_update_form_is_read_off_the_code(src, form):
    assert update_form(ast.parse(src).body, ["w2", "b2"]) == form


def test_a_prediction_is_placed_by_its_subtraction_in_a_helper(tmp_path):
    ns = _fn(
        "def grad(q, r):\n    return (q - r) / len(r)\ndef back(p, t):\n    e = grad(p, t)\n    return e\n", tmp_path
    )
    assert subtracted_with(ns["back"], "p", "t")
    ns = _fn("import numpy as np\ndef back(p, t):\n    return np.subtract(p, t)\n", tmp_path)
    assert not subtracted_with(ns["back"], "p", "t")


def test_unreachable_weights_are_told_apart_from_reachable_ones(tmp_path):
    assert number_lists({"w_ih": [[0.1, -0.2], [0.3, 0.4]], "b_h": [0.0, 0.0], "sizes": [2, 3, 1]}) == ["w_ih", "b_h"]
    assert number_lists({"layers": [2, 3, 1]}) == []
    local = "import numpy as np\ndef train(X):\n    W1 = np.random.randn(2, 3)\n    return np.tanh(X @ W1)\n"
    assert local_weights(_fn(local, tmp_path)["train"]) == ["W1"]
    returned = "import numpy as np\ndef train(X):\n    W1 = np.random.randn(2, 3)\n    return W1\n"
    assert local_weights(_fn(returned, tmp_path)["train"]) == []
    passed = "import numpy as np\ndef train(X):\n    W1 = np.random.randn(2, 3)\n    step(X, W1)\n"
    assert local_weights(_fn(passed, tmp_path)["train"]) == []


def test_a_backward_and_its_forward_are_found_by_what_they_return(tmp_path):
    from gradcheck.audit.adapters.feeds import feeding_forward, gradient_function

    src = (
        "def net(X):\n    H = X * 2\n    return H, H + 1\n"
        "def grads(X, Y, H, O):\n    gA = X\n    gB = H\n    return gA, gB\n"
        "def cost(O, Y):\n    total = O - Y\n    return total\n"
    )
    funcs = {k: v for k, v in _fn(src, tmp_path).items() if k in ("net", "grads", "cost")}
    assert gradient_function(funcs) == "grads"
    assert feeding_forward(funcs, "grads") == "net"
