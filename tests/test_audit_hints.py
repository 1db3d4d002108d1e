"""Every hint can be followed: each spec key a message of the auditor names exists and takes the value shown.

The messages are read from the source (every string and f-string part of
gradcheck/audit and gradcheck/report), so a hint added later is checked too.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from gradcheck.audit.spec import SCHEMA, SpecError, parse_spec

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "gradcheck" / "audit").rglob("*.py")) + sorted((ROOT / "gradcheck" / "report").rglob("*.py"))
#: ``[section] key`` and ``[section] key = value`` as messages write them.
KEY = re.compile(r"\[(?P<section>[a-z_]+)\] (?P<key>[a-z_]+)(?: = (?P<value>\"[^\"]*\"|true|false|-?\d+(?:\.\d+)?))?")
#: The words that may follow a bare ``[section]`` in prose ("declare [loss] to enforce another").
PROSE = {"in", "to", "the", "and", "or", "section", "table", "with"}
#: The old style, whose keys do not exist under those names.
OLD = re.compile(r"\bspec\.(?!toml\b|path\b|py\b)[a-z_]+")


def _strings(path: Path) -> list[str]:
    """Every string constant of a module, f-string fragments included (docstrings excepted)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


def _hints() -> list[tuple[str, str]]:
    found = []
    for path in SOURCES:
        for text in _strings(path):
            if KEY.search(text) or OLD.search(text):
                found.append((f"{path.relative_to(ROOT)}", text))
    return found


HINTS = _hints()


def test_hints_were_found():
    # the check below is only as good as its reach: the messages must have been read
    assert len(HINTS) > 30
    assert any("[entry] init_args" in t for _, t in HINTS) and any("[loss] student" in t for _, t in HINTS)


@pytest.mark.parametrize("where,text", HINTS, ids=[f"{w}:{t[:40]}" for w, t in HINTS])
def test_every_named_key_exists_and_takes_the_value_shown(where, text):
    assert not OLD.search(text), f"{where}: {text!r} names a key as spec.X, which is not how the spec file spells it"
    for m in KEY.finditer(text):
        section, key, value = m.group("section"), m.group("key"), m.group("value")
        if section not in SCHEMA and not any(key in keys for keys in SCHEMA.values()):
            continue  # prose in brackets ("[constant] indexes"), not a spec key
        assert section in SCHEMA, f"{where}: [{section}] is not a spec section: {text!r}"
        if key in PROSE and value is None:
            continue
        assert key in SCHEMA[section], f"{where}: [{section}] {key} is not a spec key: {text!r}"
        if value is not None:
            try:
                parse_spec({section: {key: tomllib.loads(f"v = {value}")["v"]}})
            except SpecError as exc:
                pytest.fail(f"{where}: the hint sets [{section}] {key} = {value}, which the spec refuses: {exc}")


def test_a_hint_that_names_a_missing_key_is_caught():
    # test the tester: a planted hint with a key that does not exist, and one with a refused value
    bad = KEY.search("set [entry] params to the weights")
    assert bad and bad.group("key") not in SCHEMA["entry"]
    refused = KEY.search('set [loss] reduction = "median"')
    with pytest.raises(SpecError):
        parse_spec({"loss": {"reduction": tomllib.loads(f"v = {refused.group('value')}")["v"]}})
    assert OLD.search("set spec.params")
