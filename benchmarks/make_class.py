"""Make a class of student submissions from the example submissions, with varied bugs.

    python benchmarks/make_class.py OUT_DIR [--students 200] [--seed 0]

Each student gets one file, named like a learning-management-system download
(``hw3_<first>_<last>_<id>.py``, long names included). About half are correct
copies of the correct examples; the rest carry one bug each: the buggy
examples as they are, or a correct example with one textual change from
:data:`RECIPES` (each recipe names the bug it plants, for checking the audit),
the named verdicts of ``tests/submissions/verdicts`` (an array loss, NaN
parameters, an infinite gradient, a gradient of the wrong shape) and a few
hostile files (a syntax error, an infinite loop, an ``os._exit``). The class's
expected verdicts are written to ``OUT_DIR/EXPECTED.json``.

Audit it as an instructor would::

    python -m gradcheck audit OUT_DIR --jobs 2 --timeout 10
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "submissions"
VERDICTS = ROOT / "tests" / "submissions" / "verdicts"
HOSTILE = ROOT / "examples" / "hostile"

#: (example file, text replaced, replacement, the bug it plants)
RECIPES = (
    ("inplace_correct.py", "dz2 = (self.a2 - y) / n", "dz2 = (self.a2 - y)", "missing_batch_mean"),
    ("grads_dict_correct.py", "dZ1 = dH * (Z1 > 0)", "dZ1 = dH", "missing_activation_derivative"),
    ("grads_dict_correct.py", 'grads["W2"] = H.T @ dY', 'grads["W2"] = -(H.T @ dY)', "sign_flip"),
    ("columns_correct.py", "dZ2 = A2 - Y", "dZ2 = Y - A2", "sign_flip"),
    (
        "columns_correct.py",
        "1 - np.power(A1, 2)",
        "1 - np.power(np.tanh(A1), 2)",
        "derivative_at_activation",
    ),
    ("logic_gates_correct.py", "dZ1 = dA1 * A1 * (1 - A1)", "dZ1 = dA1", "missing_activation_derivative"),
    (
        "logic_gates_correct.py",
        "dZ2 = (A2 - y) / m",
        "dZ2 = (A2 - y) / m * A2 * (1 - A2)",
        "extra_activation_derivative",
    ),
    ("module_stack_correct.py", "self.weight.grad = grad.T @ self.x", "self.weight.grad = 2 * grad.T @ self.x", "any"),
    ("inplace_ascent_correct.py", "output_delta = error / m", "output_delta = error", "missing_batch_mean"),
    ("inplace_correct.py", "db1 = np.sum(dz1, axis=0, keepdims=True)", "db1 = dz1[:1]", "bias_not_summed"),
)
CORRECT = sorted(p.name for p in EXAMPLES.glob("*_correct.py"))
BUGGY = sorted(p.name for p in EXAMPLES.glob("*_bug.py"))
NAMED = ("cs231n_array_loss.py", "nan_params.py", "inf_grad.py", "shape_bug.py", "bias_unsummed.py")
HOSTILE_FILES = ("infinite_loop.py", "os_exit.py")
FIRST = (
    "ana",
    "bo",
    "chen",
    "dmitri",
    "eleanor",
    "farah",
    "guillermo",
    "hiroshi",
    "ines",
    "jun",
    "kwame",
    "lea",
    "maximilian",
    "nadia",
    "oluwaseun",
    "priya",
    "quentin",
    "rosalind",
    "santiago",
    "tamar",
)
LAST = (
    "li",
    "ng",
    "okafor",
    "schmidt",
    "garcia",
    "kowalczyk",
    "nakamura",
    "abernathy-whitfield",
    "dubois",
    "papadopoulos",
    "van-der-berg",
    "osei",
    "konstantinopoulou",
    "ito",
    "moreau",
    "silva",
)


def _student_names(n: int, rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < n:
        names.add(f"hw3_{rng.choice(FIRST)}_{rng.choice(LAST)}_{rng.randrange(10_000, 99_999)}.py")
    return sorted(names)


def _source(kind: str, rng: random.Random) -> tuple[str, str]:
    """(file text, expected) for one student of the given kind."""
    if kind == "correct":
        return (EXAMPLES / rng.choice(CORRECT)).read_text(), "pass"
    if kind == "buggy":
        return (EXAMPLES / rng.choice(BUGGY)).read_text(), "fail"
    if kind == "recipe":
        name, old, new, code = rng.choice(RECIPES)
        text = (EXAMPLES / name).read_text()
        assert old in text, (name, old)
        return text.replace(old, new, 1), f"fail:{code}"
    if kind == "named":
        name = rng.choice(NAMED)
        return (VERDICTS / name).read_text(), f"named:{name}"
    if kind == "syntax":
        text = (EXAMPLES / rng.choice(CORRECT)).read_text()
        return text.replace("def ", "def def ", 1), "error"
    return (HOSTILE / rng.choice(HOSTILE_FILES)).read_text(), "error or timeout"


def make_class(out: Path, students: int = 200, seed: int = 0) -> dict[str, str]:
    """Write ``students`` submissions to ``out``; return {file name: expected verdict}."""
    rng = random.Random(seed)
    kinds = ["correct"] * 50 + ["buggy"] * 17 + ["recipe"] * 23 + ["named"] * 6 + ["syntax"] * 2 + ["hostile"] * 2
    out.mkdir(parents=True, exist_ok=True)
    expected = {}
    for name in _student_names(students, rng):
        text, verdict = _source(rng.choice(kinds), rng)
        (out / name).write_text(text)
        expected[name] = verdict
    (out / "EXPECTED.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    return expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the class into")
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    expected = make_class(args.out, args.students, args.seed)
    print(f"wrote {len(expected)} submissions to {args.out}")


if __name__ == "__main__":
    main()
