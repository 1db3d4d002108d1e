"""A constructor the audit's inferred arguments cannot make (it opens a data file the submission lacks, or
reads attributes of layer objects only outside code builds): an honest ConstructorArguments error, not the
student's traceback blamed on their own line."""

from __future__ import annotations

import types

from audit_example import audit_example, audit_source

from gradcheck.audit.adapters.inventedargs import constructor_failure
from gradcheck.audit.loader import StudentCodeError


def _raised(exc: BaseException, where: str) -> StudentCodeError:
    try:
        raise exc
    except BaseException as e:  # noqa: BLE001
        return StudentCodeError(where, e, "")


LOADED = types.SimpleNamespace(owns=lambda f: False, where=lambda f, n: f"line {n}")


def test_a_constructor_reading_a_missing_file_is_the_audits_guess_failing():
    failed = _raised(FileNotFoundError(2, "No such file or directory", "cifar10.pkl"), "NN.__init__")
    err = constructor_failure("NN", failed, [], {}, LOADED)
    assert err.type == "ConstructorArguments" and err.where == "NN.__init__"
    assert "'cifar10.pkl', a file the submission does not include" in err.message
    assert "not a verdict on the code" in err.message


def test_a_constructor_given_sizes_where_it_reads_objects_says_so():
    failed = _raised(AttributeError("'int' object has no attribute 'n_units'"), "SequentialModel.__init__")
    err = constructor_failure("SequentialModel", failed, [[3, 4, 1]], {}, LOADED)
    assert "SequentialModel([3, 4, 1]) raised AttributeError" in err.message
    assert "uses an argument as an object" in err.message


def test_an_error_elsewhere_is_left_as_the_students():
    failed = _raised(ZeroDivisionError("division by zero"), "backward")
    assert constructor_failure("NN", failed, [], {}, LOADED) is None


def test_the_data_file_constructor_is_an_honest_error(tmp_path):
    s = audit_example(tmp_path, "ctor_loads_data_file_correct.py")
    assert s["status"] == "error" and s["error"].startswith("ConstructorArguments: DigitNet() raised FileNotFoundError")
    assert s["tensors"] == [] and s["diagnoses"] == []


TRAINER_BESIDE_MODEL = """
import numpy as np


class Trainer:
    def __init__(self, model, X, y, folds=5):
        self.model, self.X, self.y, self.folds = model, X, y, folds

    def train(self):
        return self.model.fit(self.X, self.y)


class Perceptron2:
    def __init__(self, n_in, n_hidden, n_out):
        self.w = [np.random.randn(n_in, n_hidden), np.random.randn(n_hidden, n_out)]

    def predict(self, X):
        return np.tanh(X @ self.w[0]) @ self.w[1]

    def _sweep(self, X, y, eta):
        h = np.tanh(X @ self.w[0])
        d = h @ self.w[1] - y
        self.w[1] -= eta * h.T @ d
"""


def test_a_trainer_handed_a_model_is_no_model_and_the_error_says_what_to_name(tmp_path):
    """``Trainer(model, X, y)`` beside a model whose step has no known name: the trainer is not audited as the
    model (before: "cannot infer constructor argument 'model' of Trainer"); the spec keys that name both exist."""
    s = audit_source(tmp_path, "trainer_beside_model.py", TRAINER_BESIDE_MODEL)
    assert s["status"] == "error" and s["error"].startswith("EntryNotFound: Trainer takes a 'model'"), s["error"]
    assert '[entry] class = "<the model class>"' in s["error"] and "[entry] backward" in s["error"]
