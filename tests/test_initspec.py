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
