"""A script stopping on a NameError for a library the sandbox lacks (``pd`` after a skipped ``import pandas as pd``)
is said to need that library, not blamed on the student's line alone."""

from __future__ import annotations

import importlib.util

import pytest
from audit_example import audit_source

from gradcheck.audit.frameworks import explain

NOTES = ("line 4: import failed (ModuleNotFoundError: No module named 'pandas'); skipped",)


def test_a_name_error_for_a_skipped_import_names_the_library():
    said = explain("NameError: name 'pd' is not defined (in running the script (line 9))", NOTES)
    assert said.startswith("the code uses pandas (pd), which the audit's sandbox does not provide")
    assert said.endswith("(the error met: NameError: name 'pd' is not defined (in running the script (line 9)))")


def test_other_errors_are_kept_and_followed_by_the_missing_data_library():
    # the name is not pandas's: the error stays first, and the data library the sandbox lacks is named after it
    # (what a skipped statement would have made may be what is missing)
    err = "NameError: name 'weights' is not defined (in running the script (line 12))"
    said = explain(err, NOTES)
    assert said.startswith(err + " (the code imports pandas, which the audit's sandbox does not provide")
    assert explain(said, NOTES) == said  # said once
    assert explain("NameError: name 'pd' is not defined", ()) == "NameError: name 'pd' is not defined"


SCRIPT = """
import numpy as np
import pandas as pd

table = pd.read_csv("grades.csv")
X = table[["a", "b"]].to_numpy()
y = table[["c"]].to_numpy()
W1, W2 = np.ones((2, 3)), np.ones((3, 1))
for step in range(10):
    h = np.tanh(X @ W1)
    out = h @ W2
    d = 2 * (out - y) / len(X)
    dW2 = h.T @ d
    dW1 = X.T @ ((d @ W2.T) * (1 - h**2))
    W1 -= 0.1 * dW1
    W2 -= 0.1 * dW2
"""


@pytest.mark.skipif(importlib.util.find_spec("pandas") is not None, reason="pandas is installed here")
def test_a_script_reading_its_data_with_pandas_says_so(tmp_path):
    s = audit_source(tmp_path, "grades_net.py", SCRIPT)
    assert s["status"] == "error" and s["error"].startswith("the code uses pandas (pd)"), s["error"]
