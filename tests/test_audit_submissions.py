"""What a submission is (gradcheck.audit.submissions) and how a project folder loads (gradcheck.audit.projects):
files, project folders whose modules import each other, class exports searched at any depth, and
every student's result kept apart when file names collide."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from gradcheck.audit import projects
from gradcheck.audit.batch import audit_batch
from gradcheck.audit.sandbox import Limits
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.submissions import content_digest, discover, is_project, result_names

ROOT = Path(__file__).resolve().parents[1]
GOOD = (ROOT / "examples" / "submissions" / "inplace_correct.py").read_text()
SIGN_BUG = (ROOT / "examples" / "submissions" / "grads_tuple_sign_bug.py").read_text()


def write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def export(tmp_path):
    """A class export: a folder per student (at different depths), every file called mlp.py; one project."""
    write(tmp_path / "export" / "alice" / "mlp.py", GOOD)
    write(tmp_path / "export" / "bob" / "hw3" / "mlp.py", SIGN_BUG)
    write(tmp_path / "export" / "carol" / "model.py", "from layers import Dense\n")
    write(tmp_path / "export" / "carol" / "layers.py", "class Dense:\n    pass\n")
    write(tmp_path / "export" / "dave" / "__pycache__" / "mlp.py", "broken(")
    return tmp_path / "export"


def test_class_export_is_searched_at_any_depth(export):
    found = discover([export])
    assert found == [export / "alice" / "mlp.py", export / "bob" / "hw3" / "mlp.py", export / "carol"]


def test_result_names_are_unique_relative_paths(export):
    names = result_names(discover([export]))
    assert sorted(names.values()) == ["alice/mlp.py", "bob/hw3/mlp.py", "carol"]
    # a unique name stays the bare file name
    assert result_names([Path("/x/a.py"), Path("/y/b.py")]) == {Path("/x/a.py"): "a.py", Path("/y/b.py"): "b.py"}


@pytest.mark.parametrize(
    "files,project",
    [
        ({"model.py": "from layers import Dense\n", "layers.py": ""}, True),
        ({"model.py": "import layers as L\n", "layers.py": ""}, True),
        ({"__init__.py": "", "net.py": ""}, True),
        ({"net.py": "from .helpers import f\n", "helpers.py": ""}, True),
        ({"main.ipynb": None, "lib/combo.py": ""}, True),  # a notebook importing its own package
        ({"a.py": "import numpy as np\n", "b.py": "import numpy as np\n"}, False),  # two students' files
        ({"a.py": "import b\n"}, False),  # b.py is not there
        ({"broken.py": "%matplotlib inline\nfrom util import f\n", "util.py": ""}, True),  # does not parse
        # one network beside a course's test scaffolding and plotting: test files, test-case makers
        (
            {
                "final.py": "def backward_propagation(p, c, X, Y):\n    pass\n",
                "forward.py": "def forward_test_case():\n    pass\n",
                "test_model.py": "",
                "plotting.py": "def plot_decision_boundary(m, X, y):\n    pass\n",
            },
            True,
        ),
        # the student's own test of the model, loading it without an import: never a submission of its own
        (
            {
                "mlp.py": "def backward(x):\n    pass\n",
                "test_mlp.py": "import importlib\ndef test_forward():\n    pass\n",
            },
            True,
        ),
        # two networks are two students' files, whatever stands beside them
        ({"a.py": "def backward(x):\n    pass\n", "b.py": "def backward(x):\n    pass\n", "test_a.py": ""}, False),
    ],
)
def test_project_detection(tmp_path, files, project):
    for name, text in files.items():
        if text is None:
            nb = {"cells": [{"cell_type": "code", "source": ["from lib.combo import Net\n"]}]}
            write(tmp_path / name, json.dumps(nb))
        else:
            write(tmp_path / name, text)
    assert is_project(tmp_path) is project


def test_folder_digest_covers_every_file(export):
    carol = export / "carol"
    before = content_digest(carol).hexdigest()
    (carol / "layers.py").write_text("class Dense:\n    x = 1\n")
    assert content_digest(carol).hexdigest() != before
    assert content_digest(export / "alice" / "mlp.py").hexdigest() != before


def test_missing_path_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope does not exist"):
        discover([tmp_path / "nope"])


# --------------------------------------------------------------------------- loading a project


def test_project_modules_import_each_other_and_merge(tmp_path, clean_imports):
    write(
        tmp_path / "p" / "layers.py", "import numpy as np\nclass Linear:\n    def forward(self, x):\n        return x\n"
    )
    write(
        tmp_path / "p" / "model.py",
        "from layers import Linear\nclass Net:\n    def __init__(self):\n        self.l = Linear()\n",
    )
    write(tmp_path / "p" / "train.py", "from model import Net\nnet = Net()\nnet.train_forever()\n")
    write(tmp_path / "p" / "gui.py", "import PyQt5_not_installed\n")
    write(tmp_path / "p" / "tests" / "test_model.py", "raise SystemExit\n")
    loaded = projects.load_folder(tmp_path / "p")
    ns = loaded.module.__dict__
    assert ns["Net"]().l.__class__ is ns["Linear"]
    assert loaded.kind == "folder" and loaded.root == (tmp_path / "p").resolve()
    assert {"Net", "Linear"} <= set(loaded.class_nodes)
    failed = "gui: gui.py line 1: statement raised ModuleNotFoundError: No module named 'PyQt5_not_installed'"
    assert failed + " while loading; skipped" in loaded.notes
    assert any("train: top-level code was not run" in n for n in loaded.notes)  # definitions only
    assert not any("test_model" in n for n in loaded.notes)
    assert loaded.owns(str(tmp_path / "p" / "model.py")) and not loaded.owns(str(tmp_path / "q.py"))
    assert loaded.where(str((tmp_path / "p" / "model.py").resolve()), 4) == "model.py line 4"


def test_empty_folder_is_an_error(tmp_path, clean_imports):
    (tmp_path / "empty").mkdir()
    with pytest.raises(Exception, match="holds no .py or .ipynb file"):
        projects.load_folder(tmp_path / "empty")


# --------------------------------------------------------------------------- end to end


def test_every_student_result_is_kept_apart(export, tmp_path):
    write(
        export / "carol" / "model.py",
        GOOD.replace("import numpy as np", "import numpy as np\nfrom layers import Dense"),
    )
    report = audit_batch(discover([export]), AuditSpec(), folder=tmp_path / "out", limits=Limits(wall_seconds=60))
    by_name = {Path(s.path).relative_to(export).as_posix(): s.status for s in report.submissions}
    assert by_name == {"alice/mlp.py": "pass", "bob/hw3/mlp.py": "fail", "carol": "pass"}
    written = sorted(
        p.relative_to(tmp_path / "out" / "submissions").as_posix() for p in (tmp_path / "out").rglob("*.json")
    )
    assert len(written) == 3 and len({Path(w).name for w in written}) == 2  # two results named mlp.py.json, apart
    for w in written:
        data = json.loads((tmp_path / "out" / "submissions" / w).read_text())
        assert w.removesuffix(".json").split("/")[-1] == Path(data["path"]).name


def test_a_project_notebook_and_bad_module_names(tmp_path, clean_imports):
    cells = [
        ["from helpers import act\n", "class Net:\n", "    def f(self):\n        return act(1)\n"],
        ["net = Net()\n", "net.train_forever()\n"],
    ]
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {"cell_type": "code", "id": f"c{i}", "metadata": {}, "outputs": [], "execution_count": None, "source": c}
            for i, c in enumerate(cells)
        ],
    }
    write(tmp_path / "p" / "helpers.py", "def act(x):\n    return 2 * x\n")
    write(tmp_path / "p" / "main.ipynb", json.dumps(nb))
    write(tmp_path / "p" / "my-notes.py", "x = 1\n")
    loaded = projects.load_folder(tmp_path / "p")
    assert "Net" in loaded.module.__dict__, loaded.notes
    assert loaded.module.__dict__["Net"]().f() == 2  # the notebook imports the project's module
    assert "my-notes.py: not an importable module name; loaded as my_notes" in loaded.notes
    assert any(n.startswith("main.ipynb: ") and "top-level code was not run" in n for n in loaded.notes)


def test_relative_and_absolute_paths_together(tmp_path, monkeypatch):
    from gradcheck.cli import main

    a = write(tmp_path / "here" / "a.py", GOOD)
    b = write(tmp_path / "elsewhere" / "b.py", GOOD)
    monkeypatch.chdir(tmp_path / "here")
    code = main(["audit", "a.py", str(b), "--format", "json", "--output", str(tmp_path / "out")])
    assert code == 0 and a.exists()  # the report needs no common folder
    (folder,) = (tmp_path / "out").iterdir()
    assert (folder / "report.html").stat().st_size > 0 and (folder / "report.txt").stat().st_size > 0


def test_a_folder_its_sub_folders_import_through_is_one_project(tmp_path):
    """No code at the root, ``src/`` imported as ``from src.layers.dense import Dense``: one project."""
    root = tmp_path / "repo"
    write(root / "src" / "model.py", "from src.layers.dense import Dense\n")
    write(root / "src" / "layers" / "dense.py", "class Dense:\n    pass\n")
    write(root / "examples" / "xor.py", "import numpy as np\nfrom src.model import Net\n")
    assert discover([root]) == [root]
    # a script in one sub-folder importing its sibling, with no dotted path, says the same
    other = tmp_path / "other"
    write(other / "lib" / "net.py", "class Net:\n    pass\n")
    write(other / "scripts" / "train.py", "import lib\n")
    assert discover([other]) == [other]


def test_students_importing_their_own_modules_stay_apart(export):
    """A class export whose student folders import their own files (``from erin_utils import``) is not one
    project: only imports through the export's own top folders would make it one."""
    write(export / "erin" / "net.py", "from erin_utils import f\n")
    write(export / "erin" / "erin_utils.py", "def f():\n    pass\n")
    found = discover([export])
    assert export not in found and export / "erin" in found and export / "alice" / "mlp.py" in found


@pytest.mark.parametrize(
    "runner",
    [
        ("lab.ipynb", "%run layers.py\n%run -i net.py\n"),  # a notebook running the files into its namespace
        ("lab.py", "get_ipython().run_line_magic('run', 'layers.py')\n"),  # the same notebook exported
        ("main.py", "exec(open('./layers.py').read())\nexec(open(\"net.py\").read())\n"),
    ],
)
def test_files_run_into_one_namespace_are_one_student(tmp_path, runner):
    """``%run layers.py`` or ``exec(open("layers.py").read())``: no import, yet one student's split project."""
    name, text = runner
    student = tmp_path / "export" / "erin"
    write(student / "layers.py", "class Dense:\n    pass\n")
    write(student / "net.py", "class Net:\n    def __init__(self):\n        self.layers = [Dense()]\n")
    if name.endswith(".ipynb"):
        write(student / name, json.dumps({"cells": [{"cell_type": "code", "source": [text]}]}))
    else:
        write(student / name, text)
    write(tmp_path / "export" / "frank" / "mlp.py", GOOD)
    assert discover([tmp_path / "export"]) == [student, tmp_path / "export" / "frank" / "mlp.py"]


def test_a_script_reaching_its_modules_through_sys_path_is_one_student(tmp_path):
    """``sys.path.append("src")`` then ``from network import Net``: the script and ``src/`` are one project."""
    hw = tmp_path / "export" / "carol" / "hw3"
    write(hw / "src" / "layers.py", "class Dense:\n    pass\n")
    write(hw / "src" / "network.py", "from layers import Dense\n")
    write(hw / "train.py", "import sys\nsys.path.append('src')\nfrom network import Net\n")
    # two students' files of one name in sub-folders are no module either can reach by a bare name
    write(tmp_path / "export" / "dave" / "a" / "mlp.py", GOOD)
    write(tmp_path / "export" / "dave" / "b" / "mlp.py", GOOD)
    write(tmp_path / "export" / "dave" / "run.py", "import mlp\n")
    found = discover([tmp_path / "export"])
    assert hw in found and hw / "train.py" not in found and hw / "src" not in found
    assert tmp_path / "export" / "dave" / "run.py" in found


def test_files_run_into_one_namespace_see_each_others_names(tmp_path, clean_imports):
    student = tmp_path / "erin"
    write(student / "layers.py", "class Dense:\n    pass\n")
    write(student / "net.py", "class Net:\n    def __init__(self):\n        self.first = Dense()\n")
    write(
        student / "lab.ipynb", json.dumps({"cells": [{"cell_type": "code", "source": ["%run layers.py\n%run net.py"]}]})
    )
    loaded = projects.load_folder(student)
    assert type(loaded.module.Net().first).__name__ == "Dense"
    assert any("run into one namespace" in str(n) for n in loaded.notes)


def test_a_file_name_of_any_length_keeps_the_batch_and_resume(tmp_path):
    """A student's file may be called anything up to 255 bytes: its result file (name + .json, written through
    a temporary file named after it) stopped the whole batch with 'File name too long' before."""
    src = Path(__file__).resolve().parents[1] / "examples" / "submissions"
    subs = tmp_path / "subs"
    subs.mkdir()
    long_name = "a" * 250 + ".py"
    (subs / long_name).write_text((src / "inplace_tanh_bug.py").read_text())
    (subs / "inplace_correct.py").write_text((src / "inplace_correct.py").read_text())
    out, limits = tmp_path / "out", Limits(wall_seconds=60)
    report = audit_batch(discover([subs]), AuditSpec(), folder=out, limits=limits)
    by_name = {Path(s.path).name: s.status for s in report.submissions}
    assert by_name == {long_name: "fail", "inplace_correct.py": "pass"}
    written = sorted(p.name for p in (out / "submissions").glob("*.json"))
    assert len(written) == 2 and all(len(w.encode()) <= 200 for w in written)
    again = audit_batch(discover([subs]), AuditSpec(), folder=out, limits=limits, resume=True)
    assert {Path(s.path).name: s.status for s in again.submissions} == by_name
    assert sorted(p.name for p in (out / "submissions").glob("*.json")) == written
    first = {Path(s.path).name: round(s.elapsed, 3) for s in report.submissions}
    assert {Path(s.path).name: round(s.elapsed, 3) for s in again.submissions} == first  # reloaded, not run again


def test_a_project_audited_as_dot_from_inside_it(tmp_path, monkeypatch):
    """``cd project && python -m gradcheck audit .``: "." has no name of its own; copied as "", the folder was
    refused with "could not read the submission: File exists" and its result file was a hidden ``.json``."""
    project = tmp_path / "hw4"
    write(project / "model.py", GOOD.replace("import numpy as np", "import numpy as np\nfrom helpers import unused"))
    write(project / "helpers.py", "unused = 1\n")
    monkeypatch.chdir(project)
    found = discover([Path(".")])
    assert [p.name for p in found] == ["hw4"]
    report = audit_batch(found, AuditSpec(), folder=tmp_path / "out", limits=Limits(wall_seconds=60))
    assert [s.status for s in report.submissions] == ["pass"], report.submissions[0].error
    assert sorted(p.name for p in (tmp_path / "out" / "submissions").iterdir()) == ["hw4.json"]
    # the copy itself takes "." and ".." by the folder they stand for
    from gradcheck.audit.intake import copy_submission

    work = copy_submission(".", max_bytes=10**7)
    try:
        assert sorted(p.name for p in (work / "hw4").iterdir()) == ["helpers.py", "model.py"]
    finally:
        shutil.rmtree(work)
