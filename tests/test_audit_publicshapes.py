"""Shapes met in public student code: scikit-learn stand-ins, data preparation run for the weights,
function-valued arguments, (loss, grads) functions, misspelled constructors, float32 in-place updates."""

from __future__ import annotations

import ast
import importlib.util
import sys
import types

import numpy as np
import pytest

from gradcheck.audit import dataslice, loader, skprep, toyloaders
from gradcheck.audit.adapters import funcargs
from gradcheck.audit.adapters.feeds import loss_grads_function
from gradcheck.audit.adapters.noparams import misnamed_init as _misnamed_init
from gradcheck.audit.adapters.readers import update
from gradcheck.audit.adapters.step import Step1


@pytest.mark.parametrize("name", sorted(toyloaders.SHAPES))
def test_loaders_have_scikit_learns_shapes(name):
    n, d, k, _ = toyloaders.SHAPES[name]
    bunch = toyloaders.LOADERS[name]()
    assert bunch.data.shape == (n, d) and bunch.target.shape == (n,)
    assert sorted(set(bunch.target.tolist())) == list(range(k))
    X, y = toyloaders.LOADERS[name](return_X_y=True)
    assert np.array_equal(X, bunch.data) and np.array_equal(y, bunch.target)
    with pytest.raises(AttributeError):
        bunch.no_such_field  # noqa: B018 - a Bunch is a dict whose keys are attributes, nothing more


def test_digits_have_images_and_integral_pixels():
    d = toyloaders.LOADERS["load_digits"]()
    assert d.images.shape == (1797, 8, 8) and np.all(d.data == np.round(d.data)) and d.data.max() <= 16


def test_preprocessing_does_the_arithmetic():
    X = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 40.0]])
    Z = skprep.StandardScaler().fit_transform(X)
    assert np.allclose(Z.mean(axis=0), 0) and np.allclose(Z.std(axis=0), 1)
    s = skprep.StandardScaler().fit(X)
    assert np.allclose(s.inverse_transform(s.transform(X)), X)
    M = skprep.MinMaxScaler(feature_range=(-1, 1)).fit_transform(X)
    assert M.min() == -1 and M.max() == 1
    y = np.array([[2], [0], [2], [1]])
    assert np.array_equal(skprep.OneHotEncoder(sparse_output=False).fit_transform(y), np.eye(3)[[2, 0, 2, 1]])
    assert skprep.LabelBinarizer().fit_transform([0, 1, 1]).tolist() == [[0], [1], [1]]
    enc = skprep.LabelEncoder().fit(["b", "a", "b"])
    assert enc.transform(["a", "b"]).tolist() == [0, 1] and enc.inverse_transform([1]).tolist() == ["b"]
    assert np.allclose(np.linalg.norm(skprep.normalize(X), axis=1), 1)
    assert skprep.module().StandardScaler is skprep.StandardScaler


SCRIPT = """
import numpy as np
def train(X):
    for _ in range(3):
        pass
    return X
digits = load()
X_train = digits * 2
unused = digits + 1
n_in = X_train.shape[1]
W1 = np.zeros((n_in, 4))
params = train(X_train)
"""


def _stmts(src: str) -> list[ast.stmt]:
    return ast.parse(src).body


def test_backward_slice_picks_the_data_preparation_not_the_training():
    stmts = _stmts(SCRIPT)
    skipped = [s for s in stmts if not loader.is_definition(s)]
    kept = [s for s in stmts if isinstance(s, ast.Assign) and s not in skipped]  # X_train ... W1: NameError
    chosen = dataslice.backward_slice(stmts, skipped, kept)
    assert [ast.unparse(s.targets[0]) for s in chosen] == ["digits"]  # never params = train(X_train)
    assert dataslice.backward_slice(stmts, skipped, []) == []


def test_loading_runs_the_slice_and_says_so():
    ns = {"load": lambda: np.ones((5, 3))}
    notes: list[str] = []
    loader.exec_statements(_stmts(SCRIPT), ns, "s.py", False, lambda n: f"line {n}", notes)
    assert ns["W1"].shape == (3, 4) and "params" not in ns
    assert "data preparation the definitions need was run: line 7" in notes, notes
    assert not any("NameError" in n for n in notes), notes
    assert "top-level code was not run: line 12 (set [entry] run_toplevel = true to run it)" in notes, notes


def test_function_arguments_come_from_the_codes_own_call():
    src = """
def sigmoid(z): return z
def dsig(z): return z
class Net:
    def fit(self, X, act, dact, lr): pass
net = Net()
net.fit(X, sigmoid, dsig, 0.1)
net.fit(X, dsig, dsig, 0.1)
"""
    ns: dict = {"__name__": "student", "X": None}
    exec(compile(src, "s.py", "exec"), ns)
    found = funcargs.function_args(_stmts(src), ns)
    assert found == {"act": ns["sigmoid"], "dact": ns["dsig"]}  # the first call decides
    assert funcargs.described(found) == "act = sigmoid, dact = dsig"


def test_loss_grads_function_is_found_by_what_it_returns(tmp_path, monkeypatch):
    src = """
def compute_loss(params, X, y, reg=0.0):
    loss, grads = 0.0, {}
    return loss, grads
def helper(count, scale):
    loss, grads = 0, 0
    return loss, grads
"""
    path = tmp_path / "lossgrads_mod.py"  # the returned names are read from the source
    path.write_text(src)
    spec = importlib.util.spec_from_file_location("lossgrads_mod", path)
    mod = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "lossgrads_mod", mod)
    spec.loader.exec_module(mod)
    funcs = {k: v for k, v in vars(mod).items() if isinstance(v, types.FunctionType)}
    assert loss_grads_function(funcs) == "compute_loss"  # helper(count, scale) takes no data


def test_misspelled_constructor_is_named():
    class NN:
        def _init_(self, n):
            self.W = np.zeros(n)

        def train(self, x):
            pass

    msg = _misnamed_init(NN())
    assert msg is not None and "_init_() but no __init__()" in msg and "constructor must be named __init__" in msg

    class Fine:
        def __init__(self):
            self.W = 1.0

    assert _misnamed_init(Fine()) is None


def _step(before, after) -> Step1:
    return Step1(None, before, after, None, None, None, False)


def test_float32_storage_is_seen_and_rates_grow_for_it():
    w32 = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    w64 = np.random.default_rng(0).normal(size=(3, 4))
    assert update._storage_eps([w32.astype(float)]) == np.finfo(np.float32).eps
    assert update._storage_eps([w64]) == np.finfo(np.float64).eps
    after = (w32 - np.float32(1e-3) * np.ones_like(w32)).astype(float)
    rates = update._rates_for_float32(_step([w32.astype(float)], [after]), [1e-3, 2e-3])
    assert rates[1] == 2 * rates[0] and rates[0] > 1e-3
    change_per_rate = 1e-3 / 1e-3  # the update moved every weight by 1e-3 at rate 1e-3
    step = rates[0] * change_per_rate  # the change the first grown rate makes
    assert step <= float(np.max(np.abs(w32))) / 4
    big = _step([w32.astype(float)], [(w32 - w32).astype(float)])  # a step as large as the weights: unchanged
    assert update._rates_for_float32(big, [1e-3, 2e-3]) == [1e-3, 2e-3]


def test_top_level_training_loop_is_named():
    from gradcheck.audit.adapters import looptrained

    src = """
import numpy as np
W_h = 0.1 * np.random.randn(3, 4)
W_o = 0.1 * np.random.randn(4, 2)
mom = 0
for epoch in range(5):
    for k in range(10):
        step = 0.1
        W_o = W_o + step + 0.5 * mom
        W_h += step
"""
    found = looptrained.loop_trained(_stmts(src))
    assert found == (["W_o", "W_h"], 6, True)
    text = looptrained.message(found, lambda n: f"line {n}", ["line 2: statement raised ModuleNotFoundError: x"])
    assert "trains W_o, W_h in the loop at line 6" in text and "momentum" in text and "ModuleNotFoundError" in text
    zeros = "import numpy as np\nW = np.zeros(3)\nfor i in range(2):\n    W += 1\n"  # not a random weight
    assert looptrained.loop_trained(_stmts(zeros)) is None


def test_a_returned_list_of_activations_gives_its_last_entry():
    from gradcheck.audit.adapters.outputs import network_output

    acts = [np.ones((5, 3)), np.ones((5, 4)), np.full((5, 2), 0.5)]
    out, how = network_output(None, acts, None, 5)
    assert out is acts[-1] and how.startswith("returned list[-1]")
    assert network_output(None, [np.ones((4, 3)), np.ones((3, 2))], None, 5) == (None, "none")  # weights, not acts


def test_a_class_whose_definition_raised_is_named(tmp_path):
    from gradcheck.audit.batch import audit_one
    from gradcheck.audit.sandbox import Limits
    from gradcheck.audit.spec import AuditSpec

    sub = tmp_path / "net.py"  # numpy used in a default argument but never imported
    sub.write_text("class Net(object):\n    def __init__(self, dtype=np.float32):\n        self.W = 1\n")
    r = audit_one(sub, AuditSpec(), limits=Limits(wall_seconds=30, cpu_seconds=30))
    assert r.status == "error" and "class Net (line 1) was never defined" in r.error and "NameError" in r.error
    assert "no spec setting repairs" in r.error


def test_weights_read_from_an_argument_list_are_named(tmp_path):
    from gradcheck.audit.batch import audit_one
    from gradcheck.audit.sandbox import Limits
    from gradcheck.audit.spec import AuditSpec

    sub = tmp_path / "listmodel.py"  # the weights list exists only inside fit(), at run time
    sub.write_text(
        "import numpy as np\n"
        "def make_model(n_in, n_hid, n_out):\n"
        "    return [np.zeros((n_hid, n_in)), np.zeros((n_hid, 1)), np.zeros((n_out, n_hid)), np.zeros((n_out, 1))]\n"
        "def forward(x, state):\n"
        "    return state[2] @ np.tanh(state[0] @ x + state[1]) + state[3]\n"
        "def gradients(x, t, state):\n"
        "    h = np.tanh(state[0] @ x + state[1])\n"
        "    d = state[2] @ h + state[3] - t\n"
        "    return state[2].T @ d * (1 - h**2) @ x.T, d @ h.T\n"
        "def fit(X, T):\n"
        "    state = make_model(X.shape[0], 3, T.shape[0])\n"
        "    return gradients(X, T, state)\n"
    )
    r = audit_one(sub, AuditSpec(), limits=Limits(wall_seconds=30, cpu_seconds=30))
    assert r.status == "error" and "reads its weights from its argument 'state'" in r.error, r.error
    assert "no spec setting reaches them" in r.error
