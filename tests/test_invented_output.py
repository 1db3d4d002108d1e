"""The error when invented sizes give a network one output where it needs more says which case it is."""

from types import SimpleNamespace

import numpy as np
import pytest

from gradcheck.audit.adapters.extract import _check_invented
from gradcheck.audit.loader import AuditError


def test_a_softmax_over_one_class_is_said_so_not_one_column_not_one():
    step = SimpleNamespace(out=np.ones((5, 1)), columns=False)
    runner = SimpleNamespace(Y=np.zeros((5, 1)))
    with pytest.raises(AuditError, match="softmax over a single class") as err:
        _check_invented(step, runner)
    assert "1 column(s), not 1" not in str(err.value)
    step.out = np.ones((5, 3)) / 3
    with pytest.raises(AuditError, match=r"the output has 3 column\(s\), not 1"):
        _check_invented(step, runner)
