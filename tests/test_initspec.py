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


def test_init_spec_from_an_unusable_submission_is_a_usage_error(tmp_path, capsys):
    bad = tmp_path / "broken.py"
    bad.write_text("def f(:\n")
    assert main(["audit", str(bad), "--init-spec", str(tmp_path / "s.toml")]) == 2
    err = capsys.readouterr().err
    assert "cannot write a spec from" in err and "broken.py" in err
    assert not (tmp_path / "s.toml").exists()


@pytest.mark.parametrize("network, hidden", [("2-4-1 tanh|sigmoid", '["tanh"]'), (None, None)])
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
    if hidden:
        assert f"hidden = {hidden}" in text
    else:
        assert "hidden" not in data["network"]
