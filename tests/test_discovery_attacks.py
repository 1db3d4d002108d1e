"""Red-team round 5 against the search for submissions (gradcheck.audit.submissions.discover): one student's
files must never change how the classmates' files are grouped (R5-01, R5-02), one student's bulky folder must
refuse that student only (R5-03), and what the search reads of a file is bounded and read once (R5-07, R5-08,
R5-10). Each attack is built here with files of its own; the honest neighbours are the examples'."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from gradcheck.audit import filefacts, submissions, untrusted
from gradcheck.audit.submissions import discover, imported_names

ROOT = Path(__file__).resolve().parents[1]
GOOD = (ROOT / "examples" / "submissions" / "inplace_correct.py").read_text()
TANH_BUG = (ROOT / "examples" / "submissions" / "inplace_tanh_bug.py").read_text()


def write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _class_export(root: Path, mallory_imports: str) -> Path:
    write(root / "alice" / "mlp.py", GOOD)
    write(root / "bob" / "mlp.py", TANH_BUG)
    write(root / "aaa_mallory" / "mlp.py", TANH_BUG + f"\ntry:\n{mallory_imports}\nexcept ImportError:\n    pass\n")
    return root


@pytest.mark.parametrize(
    "imports",
    [
        "    import bob",  # R5-01 as found: a classmate's folder name, in a block that never runs
        "    from bob.mlp import TanhNet",  # a dotted path into the classmate's folder
        "    import alice\n    import bob",  # every classmate imported: still their own submissions
        "    import aaa_mallory.mlp",  # the student's own folder by a dotted path (the root on the path)
    ],
)
def test_a_students_import_of_a_classmate_never_joins_the_class_export(tmp_path, imports):
    """R5-01/R5-02: ``import bob`` in one student's file once made the whole export ONE project: one row "ok" for
    the class, and the student's code ran with every classmate's files beside it."""
    root = _class_export(tmp_path / "cls", imports)
    assert discover([root]) == [root / "aaa_mallory" / "mlp.py", root / "alice" / "mlp.py", root / "bob" / "mlp.py"]


def test_a_classmates_own_dotted_import_does_not_join_the_class_export(tmp_path):
    """An honest student running from the export's folder (``from bob.helpers import f``) made every classmate one
    project with bob too."""
    root = tmp_path / "cls"
    write(root / "alice" / "mlp.py", GOOD)
    write(root / "bob" / "mlp.py", "from bob.helpers import tanh\n" + TANH_BUG)
    write(root / "bob" / "helpers.py", "import numpy as np\ndef tanh(x):\n    return np.tanh(x)\n")
    found = discover([root])
    assert root not in found and root / "alice" / "mlp.py" in found and root / "bob" in found


@pytest.mark.parametrize("imports", ["import bob_bug", "import bob_bug, alice_correct"])
def test_a_flat_class_folder_is_not_joined_by_one_files_imports(tmp_path, imports):
    """R5-01, flat variant: ``mallory_bug.py`` importing ``bob_bug`` (in a block never run) made the flat folder
    one project: one row for alice, bob and mallory. Importing every classmate links every file, but classmates'
    files define the same names (``sigmoid``), which no one project's files do."""
    root = tmp_path / "cls"
    write(root / "alice_correct.py", GOOD)
    write(root / "bob_bug.py", TANH_BUG)
    write(root / "mallory_bug.py", TANH_BUG + f"\ntry:\n    {imports}\nexcept ImportError:\n    pass\n")
    assert discover([root]) == [root / "alice_correct.py", root / "bob_bug.py", root / "mallory_bug.py"]


def test_a_file_named_init_py_does_not_make_a_flat_class_one_package(tmp_path):
    """R5-01, ``__init__.py`` variant: a student controlling a file name in a flat folder made it one package."""
    root = tmp_path / "cls"
    write(root / "alice_correct.py", GOOD)
    write(root / "bob_bug.py", TANH_BUG)
    write(root / "__init__.py", "# mallory's empty package marker\n")
    assert discover([root]) == [root / "alice_correct.py", root / "bob_bug.py"]


def test_real_projects_stay_one_project(tmp_path):
    """What still makes a folder one project: modules importing each other, a package whose ``__init__`` imports
    its modules, files run into one namespace."""
    p = tmp_path / "p"
    write(
        p / "layers.py",
        "class Dense:\n    def forward(self, x):\n        return x\n    def backward(self, g):\n        return g\n",
    )
    write(p / "model.py", "from layers import Dense\nclass Net:\n    pass\n")
    write(p / "train.py", "from model import Net\n")
    assert discover([p]) == [p]
    pkg = tmp_path / "mynet"
    write(pkg / "__init__.py", "from mynet.layers import Dense\nfrom .losses import MSE\n")
    write(pkg / "layers.py", "class Dense:\n    pass\n")
    write(pkg / "losses.py", "class MSE:\n    pass\n")
    assert discover([pkg]) == [pkg]


def test_one_students_bulky_folder_refuses_that_student_not_the_section(tmp_path):
    """R5-03: in a section/student export, one student's 2,001 data files refused the whole section by the
    section's name; now that student alone is refused (by their folder) and the classmates are searched."""
    sec = tmp_path / "cls" / "sec1"
    write(sec / "alice" / "mlp.py", GOOD)
    write(sec / "bob" / "mlp.py", TANH_BUG)
    write(sec / "mallory" / "mlp.py", TANH_BUG)
    for i in range(2001):
        (sec / "mallory" / "data").mkdir(parents=True, exist_ok=True)
        (sec / "mallory" / "data" / f"s{i}.txt").touch()
    assert discover([tmp_path / "cls"]) == [sec / "alice" / "mlp.py", sec / "bob" / "mlp.py", sec / "mallory"]


def _deep(root: Path, levels: int, n: int, chars: int) -> list[Path]:
    here = root.joinpath(*[f"l{i}" for i in range(1, levels + 1)])
    return [write(here / f"a{k}.py", f"# file {k}\n" + "f()\n" * (chars // 4)) for k in range(n)]


def test_a_student_deeper_than_twelve_folders_is_never_dropped(tmp_path):
    """R5-10: files 14 folders down (within the 32 levels a student's folder may have) yielded no submission and no
    refusal: the student was missing from every report."""
    root = tmp_path / "cls"
    write(root / "alice_correct.py", GOOD)
    write(root / "bob_bug.py", TANH_BUG)
    deep = _deep(root / "mallory", 14, 2, 400)
    found = discover([root])
    assert set(deep) <= set(found), found


def test_each_file_is_read_and_parsed_once_per_discover(tmp_path, monkeypatch):
    """R5-07/R5-10: every folder above a file asked about its imports again (a 256 KiB file 14 folders down was
    parsed about 12 times: 10 s of the grader's CPU per file). Now a file's source is parsed by the search at most
    once (the notebook-cells check, which parses on its own, adds at most two for the folder holding the file)."""
    root = tmp_path / "cls"
    write(root / "alice_correct.py", GOOD)
    write(root / "bob_bug.py", TANH_BUG)
    deep = _deep(root / "mallory", 10, 3, 4000)
    texts = {p.read_text(): p for p in deep}
    parsed: dict[Path, int] = {}
    real = untrusted.parse

    def counting(source):
        if source in texts:
            parsed[texts[source]] = parsed.get(texts[source], 0) + 1
        return real(source)

    monkeypatch.setattr(untrusted, "parse", counting)
    found = discover([root])
    assert set(deep) <= set(found)
    assert parsed and max(parsed.values()) <= 3, parsed


def test_imports_are_read_from_a_bounded_prefix(tmp_path):
    """R5-08: a 64 MiB file of two-character lines took 1.6 GB of the grader's memory to split into lines. What the
    search reads of a file is now a prefix of ``MAX_SCANNED_CHARS`` characters, scanned without splitting."""
    big = tmp_path / "big.py"
    scanned = 4 * untrusted.MAX_PARSED_CHARS  # (filefacts.MAX_SCANNED_CHARS)
    pad = "ab\n" * (scanned // 3 + 10)
    big.write_text("import numpy\n%matplotlib inline\n" + pad + "import past_the_prefix\n")
    tracemalloc.start()
    try:
        names = imported_names(big)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert names == {"numpy"}
    assert untrusted.MAX_PARSED_CHARS <= filefacts.MAX_SCANNED_CHARS <= scanned  # a parseable file is read whole
    assert peak < 8 * scanned, peak  # (splitting the whole file: ~20 bytes per character)


def test_a_flat_class_file_importing_a_classmate_does_not_get_the_classmates_file(tmp_path):
    """R5-02, flat variant: the file submission ``mallory_bug.py`` saying ``import bob_bug`` had bob's file copied
    into its sandbox with it (the modules a file imports go with it), where its code could read it out."""
    from gradcheck.audit.intake import copy_submission

    root = tmp_path / "cls"
    write(root / "alice_correct.py", GOOD)
    write(root / "bob_bug.py", TANH_BUG)
    mallory = write(
        root / "mallory_bug.py", TANH_BUG + "\ntry:\n    import bob_bug, alice_correct\nexcept ImportError:\n    pass\n"
    )
    assert submissions.imported_siblings(mallory) == []
    w = copy_submission(mallory, max_bytes=10 * 1024**2)
    try:
        assert sorted(p.name for p in w.iterdir()) == ["mallory_bug.py"]
    finally:
        import shutil

        shutil.rmtree(w)
    # a module of one project still goes with the file named alone, network or not
    p = tmp_path / "p"
    write(
        p / "layers.py",
        "class Dense:\n    def forward(self, x):\n        return x\n    def backward(self, g):\n        return g\n",
    )
    model = write(p / "model.py", "from layers import Dense\nclass Net:\n    pass\n")
    assert submissions.imported_siblings(model) == [p / "layers.py"]


def test_a_sections_own_link_out_is_still_refused_by_name(tmp_path):
    """Searching a section past the caps student by student never passes over what the section itself holds."""
    sec = tmp_path / "cls" / "sec1"
    write(sec / "alice" / "mlp.py", GOOD)
    write(sec / "bob" / "mlp.py", TANH_BUG)
    for i in range(2001):
        (sec / "bob" / "data").mkdir(parents=True, exist_ok=True)
        (sec / "bob" / "data" / f"s{i}.txt").touch()
    (sec / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    assert discover([tmp_path / "cls"]) == [sec / "elsewhere", sec / "alice" / "mlp.py", sec / "bob"]


# ----------------------------------------------------------------------------- red team round 6


def test_a_file_defining_builtins_joins_no_classmate_calling_them(tmp_path):
    """R6-01: a file defining ``print`` and ``range`` (and importing its classmates in a block that never runs) was the
    one definer of names every classmate calls: each call linked the caller to it, and the flat class was one
    project (one row "ok" for three students)."""
    root = tmp_path / "cls"
    write(root / "alice_correct.py", GOOD + "\nprint(list(range(3)))\n")
    write(root / "bob_bug.py", TANH_BUG + "\nprint(list(range(3)))\n")
    shadow = "import builtins\n\n\ndef print(*a):\n    return builtins.print(*a)\n\n\ndef range(*a):\n"
    shadow += "    return builtins.range(*a)\n\n\ntry:\n    import alice_correct, bob_bug  # noqa\n"
    shadow += "except ImportError:\n"
    write(root / "mallory_bug.py", shadow + "    pass\n" + TANH_BUG)
    assert discover([root]) == [root / "alice_correct.py", root / "bob_bug.py", root / "mallory_bug.py"]


def test_a_classmates_network_with_a_compound_backward_name_is_not_copied_beside_an_importer(tmp_path):
    """R6-02: carol's ``back_prop`` (the words "back" and "prop") was no backward pass to the search, so her file,
    holding "no network", was copied into the sandbox of a classmate's file importing it."""
    root = tmp_path / "cls"
    write(root / "carol.py", GOOD.replace("def backward(", "def back_prop(").replace(".backward(", ".back_prop("))
    mallory = write(root / "mallory_net.py", "def unused():\n    import carol  # noqa\n\n\n" + TANH_BUG)
    assert submissions.imported_siblings(mallory) == []


def test_a_project_whose_scripts_each_define_main_is_one_project(tmp_path):
    """R6-03: ``model.py`` and ``train.py`` each defining ``main()``, ``train.py`` importing ``model``: the shared
    name read as two classmates' files, and the honest project, given alone, was split in two."""
    proj = tmp_path / "proj"
    write(proj / "model.py", GOOD + "\n\ndef main():\n    pass\n")
    write(proj / "train.py", "from model import NeuralNetwork\n\n\ndef main():\n    NeuralNetwork()\n")
    assert discover([proj]) == [proj]
