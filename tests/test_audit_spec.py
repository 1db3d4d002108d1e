"""The audit spec (TOML): every SpecError message, accessors, worker_spec(), CLI --spec errors."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from gradcheck.audit.spec import SCHEMA, AuditSpec, SpecError, load_spec, parse_spec
from gradcheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "examples" / "submissions" / "inplace_correct.py"


# ----------------------------------------------------------------------------- SpecError messages


def test_unknown_section_names_file_and_valid_sections():
    with pytest.raises(
        SpecError,
        match=r"^hw3\.toml: unknown section \[entri\]; valid sections: "
        r"entry, network, loss, data, limits, check, points$",
    ):
        parse_spec({"entri": {"class": "Net"}}, "hw3.toml")


def test_section_must_be_a_table():
    with pytest.raises(SpecError, match=r"^hw3\.toml: \[loss\] must be a table of keys$"):
        parse_spec({"loss": "bce"}, "hw3.toml")


def test_unknown_key_lists_valid_keys():
    with pytest.raises(
        SpecError,
        match=r"^hw3\.toml: unknown key 'nmae' in \[loss\]; "
        r"valid keys: name, reduction, over_outputs, half, scale, accept, student$",
    ):
        parse_spec({"loss": {"nmae": "bce"}}, "hw3.toml")


def test_unknown_key_in_entry_lists_every_entry_key():
    with pytest.raises(SpecError) as info:
        parse_spec({"entry": {"klass": "Net"}}, "s.toml")
    for key in SCHEMA["entry"]:
        assert key in str(info.value)


def test_wrong_type_names_key_expected_and_got():
    with pytest.raises(SpecError, match=r"^s\.toml: \[data\] n must be int, got str \('16'\)$"):
        parse_spec({"data": {"n": "16"}}, "s.toml")


def test_bool_is_not_an_int():
    with pytest.raises(SpecError, match=r"\[data\] seed must be int, got bool \(True\)"):
        parse_spec({"data": {"seed": True}}, "s.toml")


def test_wrong_type_with_two_accepted_types():
    with pytest.raises(SpecError, match=r"\[network\] hidden must be list or str, got int \(3\)"):
        parse_spec({"network": {"hidden": 3}}, "s.toml")


def test_bad_choice_lists_choices():
    with pytest.raises(SpecError, match=r"^s\.toml: \[loss\] name must be one of auto, mse, bce, ce, got 'hinge'$"):
        parse_spec({"loss": {"name": "hinge"}}, "s.toml")


def test_bad_layout_choice():
    with pytest.raises(SpecError, match=r"\[network\] layout must be one of auto, in_out, out_in, got 'rows'"):
        parse_spec({"network": {"layout": "rows"}}, "s.toml")


def test_bad_hidden_activation_in_list():
    with pytest.raises(
        SpecError,
        match=r"^s\.toml: \[network\] hidden entries must be sigmoid, relu, tanh, leaky_relu, elu, "
        r"got 'gelu'$",
    ):
        parse_spec({"network": {"hidden": ["tanh", "gelu"]}}, "s.toml")


def test_bad_hidden_activation_as_string():
    with pytest.raises(SpecError, match=r"hidden entries must be sigmoid, relu, tanh, leaky_relu, elu, got 'softplus'"):
        parse_spec({"network": {"hidden": "softplus"}}, "s.toml")


def test_toml_syntax_error_names_file_and_line(tmp_path):
    f = tmp_path / "broken.toml"
    f.write_text('[loss]\nname = "bce"\nreduction = \n')
    with pytest.raises(SpecError, match=re.escape(f"spec file {f} is not valid TOML: ") + r".*line 3"):
        load_spec(f)


def test_missing_file(tmp_path):
    f = tmp_path / "nope.toml"
    with pytest.raises(SpecError, match="^" + re.escape(f"spec file {f} does not exist") + "$"):
        load_spec(f)


def test_unreadable_file_is_a_spec_error(tmp_path):
    with pytest.raises(SpecError, match="^" + re.escape(f"spec file {tmp_path} cannot be read: ")):
        load_spec(tmp_path)  # a directory


def test_non_utf8_file_is_a_spec_error(tmp_path):
    f = tmp_path / "latin1.toml"
    f.write_bytes(b'[entry]\nclass = "R\xe9seau"\n')
    with pytest.raises(SpecError, match="^" + re.escape(f"spec file {f} cannot be read: ")):
        load_spec(f)


def test_schema_error_from_file_names_the_file(tmp_path):
    f = tmp_path / "hw.toml"
    f.write_text("[points]\ngradient = 8\nforwards = 2\n")
    with pytest.raises(SpecError, match="^" + re.escape(f"{f}: unknown key 'forwards' in [points]")):
        load_spec(f)


# ----------------------------------------------------------------------------- valid specs


def test_defaults_without_a_file():
    spec = load_spec(None)
    assert spec.sections == {} and spec.path is None
    assert spec.loss == "auto" and spec.reduction == "mean" and spec.scale == 1.0
    assert spec.accepted_factors == () and spec.hidden is None
    assert spec.worker_spec() == {}
    assert spec.get("data", "n", 16) == 16


def test_full_spec_round_trip_and_accessors(tmp_path):
    f = tmp_path / "hw.toml"
    f.write_text("""
[entry]
class = "NeuralNetwork"
init_args = [2, 4, 1]
init_kwargs = {seed = 3}
forward = "predict"
backward = "backprop"
lr_arg = "eta"
run_toplevel = false

[network]
hidden = "tanh"
output = "sigmoid"
params = ["W1", "b1", "W2", "b2"]
grads = ["dW1", "db1", "dW2", "db2"]
samples_as_columns = true
layout = "out_in"

[loss]
name = "bce"
reduction = "sum"
scale = 0.5
accept = [0.5, 2]

[data]
n = 8
seed = 1
n_in = 2
n_out = 1

[limits]
wall_seconds = 5.5
cpu_seconds = 5
memory_mb = 512

[check]
rtol = 1e-6
method = "central"

[points]
gradient = 8
forward = 2.5
""")
    spec = load_spec(f)
    assert spec.path == f
    assert spec.loss == "bce" and spec.reduction == "sum" and spec.scale == 0.5
    assert spec.accepted_factors == (0.5, 2.0)
    assert spec.hidden == ("tanh",)
    assert spec.worker_spec() == {
        "entry": "NeuralNetwork",
        "init_args": [2, 4, 1],
        "init_kwargs": {"seed": 3},
        "forward": "predict",
        "backward": "backprop",
        "lr_arg": "eta",
        "run_toplevel": False,
        "params": ["W1", "b1", "W2", "b2"],
        "grads": ["dW1", "db1", "dW2", "db2"],
        "samples_as_columns": True,
    }


def test_worker_spec_uses_function_when_no_class_and_drops_absent_keys():
    spec = parse_spec(
        {"entry": {"function": "train_step"}, "network": {"hidden": ["relu", "tanh"]}, "loss": {"name": "mse"}}
    )
    assert spec.worker_spec() == {"entry": "train_step"}
    assert spec.hidden == ("relu", "tanh")


def test_worker_spec_class_wins_over_function():
    spec = parse_spec({"entry": {"class": "Net", "function": "train"}})
    assert spec.worker_spec()["entry"] == "Net"


def test_worker_spec_keeps_false_values():
    spec = parse_spec({"network": {"samples_as_columns": False}, "entry": {"run_toplevel": False}})
    assert spec.worker_spec() == {"samples_as_columns": False, "run_toplevel": False}


def test_parse_spec_copies_sections():
    data = {"loss": {"name": "mse"}}
    spec = parse_spec(data)
    data["loss"]["name"] = "bce"
    assert spec.loss == "mse"
    assert isinstance(spec, AuditSpec)


def test_example_specs_are_valid():
    specs = sorted((ROOT / "examples" / "specs").glob("*.toml"))
    assert specs, "examples/specs holds no spec"
    for f in specs:
        load_spec(f)


# ----------------------------------------------------------------------------- CLI


def test_cli_malformed_spec_exit_2_with_message(tmp_path, capsys):
    f = tmp_path / "hw.toml"
    f.write_text("[loss]\nname = 'hinge'\n")
    code = main(["audit", str(GOOD), "--spec", str(f), "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{f}: [loss] name must be one of auto, mse, bce, ce, got 'hinge'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_cli_spec_syntax_error_subprocess_no_traceback(tmp_path):
    f = tmp_path / "hw.toml"
    f.write_text("[entry\nclass = 'Net'\n")
    proc = subprocess.run(
        [sys.executable, "-m", "gradcheck", "audit", str(GOOD), "--spec", str(f), "--output", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert f"spec file {f} is not valid TOML" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_cli_missing_spec_exit_2(tmp_path, capsys):
    f = tmp_path / "absent.toml"
    code = main(["audit", str(GOOD), "--spec", str(f), "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"spec file {f} does not exist" in err
