"""What raised while loading is recorded with its facts (gradcheck.audit.loader.LoadFailure), and its note reads
as it always did: the driver reads the facts, never the words."""

from __future__ import annotations

import ast
import copy
import pickle

import pytest

from gradcheck.audit.loader import LoadFailure, load_submission
from gradcheck.audit.projects import load_folder


def _failures(notes):
    return [n for n in notes if isinstance(n, LoadFailure)]


def test_a_statement_that_raises_is_a_failure_whose_note_reads_as_before(tmp_path, clean_imports):
    f = tmp_path / "hw.py"
    f.write_text("import numpy as np\n\n\ndef act(z, kind=float16):\n    return z\n")
    loaded = load_submission(f)
    (fail,) = _failures(loaded.notes)
    assert fail == "line 4: statement raised NameError: name 'float16' is not defined while loading; skipped"
    assert (fail.where, fail.error, fail.message) == ("line 4", "NameError", "name 'float16' is not defined")
    assert fail.what == "line 4: statement raised NameError: name 'float16' is not defined"


def test_a_failure_in_an_imported_module_keeps_its_facts_under_the_importers_prefix(tmp_path, clean_imports):
    (tmp_path / "helpers_lf.py").write_text("import not_a_module_lf\n\n\ndef sigmoid(z):\n    return z\n")
    (tmp_path / "hw.py").write_text("from helpers_lf import sigmoid\n")
    loaded = load_submission(tmp_path / "hw.py")
    (fail,) = _failures(loaded.notes)
    assert fail.startswith("helpers_lf: helpers_lf.py line 1: statement raised ModuleNotFoundError")
    assert fail.where == "helpers_lf: helpers_lf.py line 1" and fail.error == "ModuleNotFoundError"


def test_a_folder_file_left_out_is_a_failure_of_the_file(tmp_path, clean_imports):
    (tmp_path / "good_lf.py").write_text("def f(x):\n    return x\n")
    (tmp_path / "broken_lf.py").write_text("def f(x):\n    return x +\n")
    loaded = load_folder(tmp_path)
    (fail,) = [n for n in _failures(loaded.notes) if n.error == "SyntaxError"]
    assert fail.startswith("broken_lf.py: SyntaxError: ") and fail.endswith(" while loading; skipped")
    assert fail.where == "broken_lf.py" and not fail.statement and "statement raised" not in fail.what


def test_copies_and_pickles_keep_the_facts():
    fail = LoadFailure("cell 2, line 1", "FileNotFoundError", "[Errno 2] No such file: 'train.csv'")
    for again in (copy.deepcopy(fail), pickle.loads(pickle.dumps(fail)), fail.within("data").within("pkg")):
        assert isinstance(again, LoadFailure) and again.error == "FileNotFoundError"
    assert copy.deepcopy(fail) == fail and copy.deepcopy(fail).where == "cell 2, line 1"
    assert fail.within("data") == "data: " + fail


def test_the_driver_names_what_failed_from_the_facts(tmp_path):
    """A loop-trained script whose data library is missing and a class whose definition raised: the error
    quotes both failures, read from the recorded facts."""
    from gradcheck.audit.batch import audit_one
    from gradcheck.audit.sandbox import Limits
    from gradcheck.audit.spec import AuditSpec

    sub = tmp_path / "net.py"
    sub.write_text(
        "import numpy as np\n"
        "import not_a_data_library_lf\n"
        "class Helper(object):\n"
        "    def __init__(self, dtype=float16):\n"
        "        pass\n"
        "X = not_a_data_library_lf.load()\n"
        "W1 = np.random.randn(3, 4)\n"
        "mom = 0.0\n"
        "for epoch in range(3):\n"
        "    W1 = W1 + 0.1 + 0.5 * mom\n"
    )
    r = audit_one(sub, AuditSpec(), limits=Limits(wall_seconds=30, cpu_seconds=30))
    assert r.status == "error" and "trains W1 in the loop at line 9" in r.error, r.error
    assert "line 2: statement raised ModuleNotFoundError: No module named 'not_a_data_library_lf'" in r.error
    assert "class Helper (line 3) was never defined: its definition raised NameError" in r.error


def test_one_statement_runs_the_same_way_for_the_loader_and_the_script_set_up():
    """run_statement (the loader's, the assembled script's set-up's): what the student's statement raised is
    returned, SystemExit included; Ctrl-C still stops; a function body's ``return`` does not compile."""
    from gradcheck.audit.loader import run_statement

    def stmt(src):
        return ast.parse(src).body[0]

    ns: dict = {}
    assert run_statement(stmt("x = 2 * 3"), ns, "<t>") is None and ns["x"] == 6
    assert isinstance(run_statement(stmt("raise SystemExit(2)"), ns, "<t>"), SystemExit)
    assert isinstance(run_statement(stmt("y = x / 0"), ns, "<t>"), ZeroDivisionError) and "y" not in ns
    with pytest.raises(KeyboardInterrupt):
        run_statement(stmt("raise KeyboardInterrupt"), ns, "<t>")
    body_return = ast.parse("def f():\n    return 1\n").body[0].body[0]
    with pytest.raises(SyntaxError):
        run_statement(body_return, ns, "<t>")


def test_a_package_that_fails_to_install_is_a_failure_of_its_init():
    fail = LoadFailure.of("__init__.py", SyntaxError("invalid syntax"), statement=False, during="loading the package")
    assert fail == "__init__.py: SyntaxError: invalid syntax while loading the package; skipped"
    assert fail.error == "SyntaxError" and copy.deepcopy(fail).during == "loading the package"
