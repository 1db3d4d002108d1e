"""``gradcheck audit --init-spec``: a commented spec written from a submission."""

import tomllib
from pathlib import Path

import pytest

from gradcheck.audit.initspec import render_spec
from gradcheck.audit.spec import parse_spec
from gradcheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "examples" / "submissions"


def test_init_spec_writes_a_valid_spec_that_audits_the_same(tmp_path, capsys):
    target = tmp_path / "spec.toml"
    assert main(["audit", str(SUBMISSIONS / "inplace_tanh_bug.py"), "--init-spec", str(target)]) == 0
    text = target.read_text()
    spec = parse_spec(tomllib.loads(text), str(target))
    assert spec.get("entry", "class") == "TanhNet"
    assert spec.get("network", "params") == ["W1", "b1", "W2", "b2"]
    assert spec.hidden == ("tanh",) and spec.get("network", "output") == "sigmoid"
    assert spec.loss == "bce"
    assert "# detected shape: inplace-update" in text
    capsys.readouterr()
    assert (
        main(
            [
                "audit",
                str(SUBMISSIONS / "inplace_tanh_bug.py"),
                "--spec",
                str(target),
                "--format",
                "json",
                "--output",
                str(tmp_path / "out"),
            ]
        )
        == 1
    )
    assert '"code": "derivative_at_activation"' in capsys.readouterr().out


@pytest.mark.parametrize(
    "source, todo",
    [
        ("def f(:\n", "# TODO: [entry] class"),  # a syntax error: the generic TODO
        ("import numpy as np\ndef relu(x):\n    return np.maximum(x, 0)\n", "# TODO: [entry] class"),
        (
            "class A:\n    def forward(self, x): return x\n    def backward(self, g): return g\n"
            "class B(object):\n    def forward(self, x): return x\n    def backward(self, g): return g\n",
            '# TODO: [entry] class = "..."   # several classes could be the model',
        ),
    ],
)
def test_init_spec_always_writes_a_valid_spec_with_todos(tmp_path, capsys, source, todo):
    bad = tmp_path / "student.py"
    bad.write_text(source)
    target = tmp_path / "s.toml"
    assert main(["audit", str(bad), "--init-spec", str(target)]) == 0
    text = target.read_text()
    parse_spec(tomllib.loads(text), str(target))  # valid TOML and a valid spec
    assert "# The audit of student.py stopped:" in text and todo in text
    assert "the spec has TODO lines" in capsys.readouterr().err


@pytest.mark.parametrize("network, hidden", [("2-4-1 tanh|sigmoid", '["tanh"]'), (None, None), ("3-1 |sigmoid", "[]")])
def test_render_spec_declares_what_was_inferred(network, hidden):
    result = {
        "shape": "grads-dict",
        "entry": "forward_backward",
        "params": [{"name": "W1"}, {"name": "b1"}],
        "grads": [{"param": "W1", "path": "ret['dW1']"}],
        "samples_as_columns": True,
    }
    text = render_spec(Path("s.py"), result, network, "mse (mean)")
    data = tomllib.loads(text)
    assert data["network"]["samples_as_columns"] is True
    assert data["loss"]["name"] == "mse"
    if hidden == "[]":  # one layer of weights: no hidden activation to declare (never a hidden = [""])
        assert "hidden" not in data["network"] and "# hidden = []   # no hidden layer" in text
        assert data["network"]["output"] == "sigmoid"
    elif hidden:
        assert f"hidden = {hidden}" in text
    else:
        assert "hidden" not in data["network"]


@pytest.mark.parametrize(
    "entry, defined, keys",
    [
        ("loss_activation.backward ... dense1.backward", set(), {}),  # a replayed script's objects
        ("net.layers[i].backward", {"Network"}, {}),  # an object top-level code makes
        ("TanhNet.learn", {"TanhNet"}, {"class": "TanhNet", "backward": "learn"}),
        ("backward", {"backward", "forward"}, {"function": "backward"}),
    ],
)
def test_the_entry_is_a_key_only_for_what_the_code_defines(entry, defined, keys):
    """``[entry] class`` names a class the code defines: never an object its own top-level code makes."""
    result = {"shape": "grads-attributes", "entry": entry}
    data = tomllib.loads(render_spec(Path("s.py"), result, None, "mse (mean)", defined=defined))
    assert {k: v for k, v in data["entry"].items()} == keys
    parse_spec(data, "s.toml")


def test_the_entry_is_read_off_the_source_by_the_worker(tmp_path):
    from gradcheck.audit.definednames import defined_names

    script = tmp_path / "s.py"
    script.write_text("class Dense:\n    pass\n\nif True:\n    net = Dense()\n")
    assert defined_names(script) == ["Dense"]
    result = {"shape": "inplace-update", "entry": "net.backward", "defined": defined_names(script)}
    text = render_spec(script, result, None, None)
    assert "entry" not in tomllib.loads(text) or "class" not in tomllib.loads(text)["entry"]
    assert "net is an object the code's own top-level code makes" in text
    result = {"shape": "inplace-update", "entry": "Dense.backward", "defined": defined_names(script)}
    assert tomllib.loads(render_spec(script, result, None, None))["entry"] == {"class": "Dense"}


def test_a_file_the_parser_cannot_read_defines_nothing_and_is_never_parsed_by_the_grader(tmp_path):
    from gradcheck.audit.definednames import defined_names

    deep = tmp_path / "deep.py"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n\ndef f():\n    pass\n")
    assert defined_names(deep) == []  # RecursionError or SyntaxError (too nested): read as nothing
    text = render_spec(deep, {"shape": "grads-tuple", "entry": "f"}, None, None)  # no "defined": nothing parsed
    assert "function" not in tomllib.loads(text).get("entry", {})


@pytest.mark.parametrize(
    "flags, loss, output",
    [
        ({}, "mse", "identity"),
        ({"assumed": True}, "auto", "identity"),  # no code names the loss: the fit is for the instructor to confirm
        ({"assumed": True, "open_output": True}, "auto", None),  # the output is open too
        ({"penalty": True}, "auto", "identity"),  # the student's own L2 penalty, which no key declares
    ],
)
def test_what_would_change_the_verdict_is_written_commented(flags, loss, output):
    result = {"shape": "grads-tuple", "entry": "backward", "params": [{"name": "W1"}]}
    text = render_spec(Path("s.py"), result, "2-4-1 tanh|identity", "mse (mean)", defined={"backward"}, **flags)
    data = tomllib.loads(text)
    assert data["loss"]["name"] == loss and data["network"].get("output") == output
    assert ('# name = "mse"' in text) == (loss == "auto")
    assert ("hidden" in data["network"]) == (output is not None) and '"tanh"' in text


# --------------------------------------------------------------------------- every example

EXPECTED = tomllib.loads((SUBMISSIONS / "EXPECTED.toml").read_text())["files"]
#: Re-audited with the spec written from them: one of each shape (the rest are only written and parsed).
REAUDITED = [
    "cs231n_softmax_correct.py",
    "positional_softmax_correct.py",
    "project_correct",
    "class_export/bob/mlp.py",
    "half_sum_mse_correct.py",
    "script_correct.py",
    "elu_alpha_correct.py",
    "columns_correct.py",
    "myonn_fixed_correct.py",
    "trask_script_preact_bug.py",
    "train_step_layers_correct.py",
    "arch_dict_tanh_prime_bug.py",
    "globals_init_nb_mean_bug.ipynb",
    "weights_list_script_ascent_bug.py",
    "unrolled_cost_fortran_bug.py",
    "pairs_net_prime_bug.py",
    "dims_cache_correct.py",
    "builder_net_add_mean_bug.py",
    "init_method_tanh_prime_bug.py",
    # shapes whose written spec once audited differently (an error, or another verdict):
    "delta_layers_update_correct.py",  # params at a list root: [0].weights
    "nnfs_script_correct.py",  # a replayed script's object (loss_activation) written as a class
    "builder_fit_use_correct.py",  # net, made by top-level code
    "demo_then_train_project_tanh_bug",
    "learn_method_class_tanh_twice_bug.py",  # the backward (learn) not written
    "lists_cached_softmax_mean_bug.py",  # lists an initializer makes, from a named function
    "global_weight_lists_correct.py",  # module-level lists of weights, from a named function
    "vector_output_float_bias_neglabel_bug.py",  # a float bias
    "penalty_arg_dims_correct.py",  # the student's loss carries an L2 penalty no key declares
    "step_only_leaky_columns_correct.py",  # a loss no code names, declared: judged at other sizes
    "scores_then_probs_functions_bug.py",  # the output left open, declared: a wrong gradient passed
    "forward_label_sample_correct.py",
    "inner_helpers_forward_correct.py",
]


@pytest.fixture(scope="module")
def written(examples_audit):
    """The spec every example's audit suggests, from the README's audit of the folder (its ``suggested_spec``, what
    ``--init-spec`` writes: :func:`gradcheck.audit.batch.first_run`): {name: (spec text, why it stopped or None)}."""
    import json

    data = json.loads((examples_audit.folder / "report.json").read_text())
    out = {}
    for s in data["submissions"]:
        text = s["suggested_spec"]
        stopped = s["error"] if "# The audit of " in text else None
        out[Path(s["path"]).relative_to(SUBMISSIONS.relative_to(ROOT)).as_posix()] = (text, stopped)
    return out


def test_init_spec_writes_what_the_audit_suggests(examples_audit, tmp_path, capsys):
    """``--init-spec`` on a file writes the spec its audit in a folder suggests (one function makes both)."""
    import json

    data = json.loads((examples_audit.folder / "report.json").read_text())
    by_name = {Path(s["path"]).name: s for s in data["submissions"]}
    for name in ("tanh_output_correct.py", "inplace_tanh_bug.py"):
        target = tmp_path / f"{name}.toml"
        assert main(["audit", str(SUBMISSIONS / name), "--init-spec", str(target)]) == 0
        assert target.read_text() == by_name[name]["suggested_spec"], name
    capsys.readouterr()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_init_spec_works_on_every_example(written, name):
    text, stopped = written[name]
    if EXPECTED[name].get("audit") == "error":  # still a spec, and the reason it could not go further
        assert stopped and EXPECTED[name]["error"] in stopped, stopped
        parse_spec(tomllib.loads(text), name)
        return
    assert stopped is None, stopped
    spec = parse_spec(tomllib.loads(text), name)
    assert "# The audit of" not in text
    todos = [line for line in text.splitlines() if "TODO" in line]
    open_loss = EXPECTED[name].get("audit") == "inconclusive" or EXPECTED[name].get("assumed")
    fits = "the gradient fits the one commented below"  # (after "no loss in the code" or the code's loss named)
    assert all("invented" in t or (open_loss and fits in t) for t in todos), todos
    assert any(fits in t for t in todos) == bool(open_loss)  # the loss it fits, marked TODO
    exp = EXPECTED[name].get("fits", EXPECTED[name].get("loss"))  # the loss the gradient handed over is exact for
    if exp == "own":  # checked against the code's own loss, which no [loss] name declares: auto, said
        assert spec.loss == "auto" and "the backward was checked against " in text, text
    elif exp and open_loss:  # written commented: declared, it would decide what the audit left open
        assert spec.loss == "auto" and f'# name = "{exp}"' in text, (spec.loss, exp)
    elif exp:  # a maximized log-likelihood and a loss with the student's own penalty stay "auto"
        commented = f"checked as {exp} (" in text or f'# name = "{exp}"' in text
        assert spec.loss == exp or (spec.loss == "auto" and commented), (spec.loss, exp)


@pytest.mark.parametrize("name", REAUDITED)
def test_the_written_spec_audits_the_same(written, name, tmp_path):
    from gradcheck.audit.batch import audit_one, limits_for

    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(written[name][0])
    from gradcheck.audit.spec import load_spec

    spec = load_spec(spec_file)
    r = audit_one(SUBMISSIONS / name, spec, limits=limits_for(spec))
    zero_config = EXPECTED[name].get("audit", EXPECTED[name]["verdict"])
    assert r.status == zero_config, (r.status, r.error, [d.code for d in r.diagnoses])


def test_no_student_text_becomes_a_key_of_the_spec():
    """An exception message, a file name and a gradient path are comments of one line each: a newline in them
    would start lines of keys ([check] rtol = 0.5 makes every wrong gradient within 50% pass)."""
    forged = "diverged\n[check]\nrtol = 0.5\r\n[limits]\u2028wall_seconds = 86000\n#"
    result = {
        "ok": True,
        "shape": "grads-dict\n[check]\nmethod = 'x'",
        "entry": "forward_backward",
        "params": [{"name": "W1"}],
        "grads": [{"param": "W1", "path": "ret['dW1']\n[data]\nn = 1"}],
    }
    text = render_spec(Path("mlp\n[check]\nrtol = 0.4\n#.py"), result, None, "mse (mean)", f"RuntimeError: {forged}")
    data = tomllib.loads(text)
    assert "check" not in data and "limits" not in data and data["data"]["n"] == 16
    assert "# The audit of mlp\\n[check]\\nrtol = 0.4\\n#.py stopped: RuntimeError: diverged\\n[check]" in text
    parse_spec(data, "s.toml")


def test_an_assumed_loss_names_the_code_s_own_loss_functions_where_it_has_any(tmp_path):
    """ "no loss in the code" is said only where the code defines none; else its loss functions are named."""
    path = tmp_path / "hw.py"
    own = render_spec(path, {}, None, "ce", assumed=True, defined={"softmax_loss", "nn_epoch", "Net"})
    none = render_spec(path, {}, None, "ce", assumed=True, defined={"nn_epoch"})
    assert "# TODO: the code's softmax_loss() could not be evaluated" in own and "no loss in the code" not in own
    assert "# TODO: no loss in the code" in none
    assert "TODO" not in render_spec(path, {}, None, "ce", defined={"softmax_loss"})
