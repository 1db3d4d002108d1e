"""A course's checking scaffold is not the student's loss: ``rel_error(x, y)`` and what test files define.

A course hands out ``unittests.py`` (or ``test_layers.py``, ``testCases.py``) beside the student's
``modules.py``; its ``rel_error`` compares two answers and reads like a loss ("error" of two arrays). Taken
for the training loss, it failed a correct submission with "every gradient differs".
"""

from __future__ import annotations

import pytest

from gradcheck.audit.adapters import lossfind


@pytest.mark.parametrize("name", ["rel_error", "relative_error", "relerr", "compare_loss", "check_loss", "grad_check"])
def test_a_gradient_checks_helpers_are_not_losses(name):
    assert not lossfind.is_loss_name(name)


@pytest.mark.parametrize("name", ["mean_squared_error", "cross_entropy_loss", "compute_cost", "bce", "error"])
def test_losses_still_read_as_losses(name):
    assert lossfind.is_loss_name(name)


def _defined_in(filename: str, name: str = "mse_loss"):
    ns: dict = {}
    exec(compile(f"def {name}(p, t):\n    return ((p - t) ** 2).mean()\n", filename, "exec"), ns)
    return ns[name]


@pytest.mark.parametrize(
    ("filename", "scaffold"),
    [
        ("/sub/unittests.py", True),
        ("/sub/unit_tests.py", True),
        ("/sub/test_layers.py", True),
        ("/sub/testCases_v2.py", True),
        ("/sub/layer_tests.py", True),
        ("/sub/conftest.py", True),
        ("/sub/modules.py", False),
        ("/sub/latest.py", False),
        ("/sub/contest.py", False),
        ("/sub/mlp_numpy.py", False),
    ],
)
def test_test_files_are_told_by_their_names(filename, scaffold):
    assert lossfind._in_test_file(_defined_in(filename)) is scaffold


def test_the_loss_a_test_file_defines_is_not_a_candidate():
    funcs = {
        "mse_loss": _defined_in("/sub/unittests.py"),
        "cross_entropy": _defined_in("/sub/modules.py", "cross_entropy"),
    }
    found = lossfind.in_module({}, funcs, [], set(), lambda cls: None)
    assert [c.source for c in found] == ["cross_entropy"]
