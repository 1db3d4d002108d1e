"""A file whose network lives in modules it cannot import: an error naming them, not an empty list of classes."""

from __future__ import annotations

from gradcheck.audit import frameworks

SCRIPT = """
import numpy as np
from minitorch.layers import Linear
from minitorch.nets import Sequential

net = Sequential([Linear(4, 3), Linear(3, 2)])
x = np.random.randn(5, 4)
print(net.forward(x))
"""


def test_the_modules_a_failed_import_names():
    notes = [
        "line 3: statement raised ModuleNotFoundError: No module named 'minitorch' while loading; skipped",
        "line 4: statement raised ModuleNotFoundError: No module named 'minitorch.nets' while loading; skipped",
        "matplotlib is not installed: a no-op stand-in was used",
    ]
    assert frameworks.modules_missing(notes) == ["minitorch"]
    assert "imports minitorch" in frameworks.missing_modules_message(["minitorch"])


def test_a_script_of_an_absent_package_is_an_error_naming_it(tmp_path, audit_json):
    (tmp_path / "demo.py").write_text(SCRIPT)
    found = audit_json([tmp_path / "demo.py"], tmp_path / "out")["demo.py"]
    assert found["status"] == "error", found["status"]
    assert "imports minitorch" in found["error"] and "project folder" in found["error"], found["error"]
