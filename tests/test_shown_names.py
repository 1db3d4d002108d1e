"""Students' names (tensor keys, folder names) cannot forge report lines or pass for each other."""

import xml.etree.ElementTree as ET

import pytest

from gradcheck.audit.batch import AuditReport
from gradcheck.audit.grade import SubmissionResult
from gradcheck.audit.lookalike import look_alike, skeleton
from gradcheck.audit.tensornames import shown_names
from gradcheck.report.audit import render_junit, render_markdown, render_text
from gradcheck.report.html import render_html

FORGED = "W1\n  anna/mlp.py  FAIL  grads-dict  W1[0, 0]  sign_flip"


def test_tensor_names_become_one_line_and_grads_follow_them():
    result = {
        "params": [{"name": FORGED, "data": [1.0]}, {"name": "b\x1b[2J", "data": [0.0]}],
        "grads": [{"param": FORGED, "data": [2.0]}, {"param": "b\x1b[2J", "data": [3.0]}],
    }
    got = shown_names(result)
    names = [p["name"] for p in got["params"]]
    assert names == ["W1\\n  anna/mlp.py  FAIL  grads-dict  W1[0, 0]  sign_flip", "b\\x1b[2J"]
    assert [g["param"] for g in got["grads"]] == names
    assert result["params"][0]["name"] == FORGED  # the worker's answer itself is left as it came


def test_names_equal_once_escaped_stay_apart():
    got = shown_names({"params": [{"name": "a\n"}, {"name": "a\\n"}], "grads": []})
    assert [p["name"] for p in got["params"]] == ["a\\n", "a\\n#1"]


def test_no_result_or_odd_result_passes_through():
    assert shown_names(None) is None
    assert shown_names({"error": "x"}) == {"error": "x"}


def test_homoglyph_folders_are_named_with_their_code_points():
    latin, cyrillic = "class/anna/mlp.py", "class/\u0430nna/mlp.py"
    assert skeleton(latin) == skeleton(cyrillic)
    (note,) = look_alike([latin, cyrillic, "class/bob/mlp.py"])
    assert "U+0430 CYRILLIC SMALL LETTER A at 6" in note and "'class/anna/mlp.py'" in note
    assert look_alike([latin, "class/bob/mlp.py", latin]) == []  # the same path twice is one student
    assert look_alike(["class/jos\u00e9/mlp.py", "class/jose/mlp.py"]) == []  # an accent is not a look-alike


def test_every_report_format_says_so():
    subs = tuple(SubmissionResult(path=p, status="pass") for p in ("c/anna/mlp.py", "c/\u0430nna/mlp.py"))
    report = AuditReport(status="pass", submissions=subs, elapsed=0.1)
    for text in (render_text(report), render_markdown(report)):
        assert "look alike" in text and "U+0430" in text
    assert report.to_dict()["look_alike_names"] == report.look_alike_names != []
    assert "U+0430" in render_html(report)
    (prop,) = ET.fromstring(render_junit(report)).find("properties")
    assert prop.get("name") == "look_alike_names" and "U+0430" in prop.get("value")


@pytest.mark.parametrize(
    ("plain", "other", "told"),
    [
        ("class/alice/mlp.py", "class/alice\u200b/mlp.py", "U+200B ZERO WIDTH SPACE"),
        ("class/bob/mlp.py", "class/b\u0585b/mlp.py", "U+0585 ARMENIAN SMALL LETTER OH"),
        ("class/carol/mlp.py", "class/carol\u202e/mlp.py", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("class/gina/mlp.py", "class/\u0261ina/mlp.py", "U+0261 LATIN SMALL LETTER SCRIPT G"),
        ("class/ADA/mlp.py", "class/\u13aaDA/mlp.py", "U+13AA CHEROKEE LETTER GO"),
        ("class/alice/mlp.py", "class/alice\u034f/mlp.py", "U+034F COMBINING GRAPHEME JOINER"),
        ("class/bob/mlp.py", "class/bob\u3164/mlp.py", "U+3164 HANGUL FILLER"),
        ("class/bob/mlp.py", "class/bob\uffa0/mlp.py", "U+FFA0 HALFWIDTH HANGUL FILLER"),
        ("class/eve/mlp.py", "class/ev\ufe0fe/mlp.py", "U+FE0F VARIATION SELECTOR-16"),
        ("class/eve/mlp.py", "class/eve\U000e0100/mlp.py", "U+E0100 VARIATION SELECTOR-17"),
        ("class/kim/mlp.py", "class/k\u115fim/mlp.py", "U+115F HANGUL CHOSEONG FILLER"),
    ],
)
def test_invisible_and_other_script_look_alikes_are_named(plain, other, told):
    (note,) = look_alike([plain, other, "class/dan/mlp.py"])
    assert told in note and ascii(plain) in note


def test_names_not_utf8_print_apart():
    """Two folder names whose bytes are not UTF-8 printed the same "\\ufffd" (bob<ff> and bob<fe>)."""
    from gradcheck.printable import one_line

    assert one_line("class/bob\udcff/mlp.py") != one_line("class/bob\udcfe/mlp.py")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("class/bob\x1b/mlp.py", "class/bob\\x1b/mlp.py"),  # a control character beside its escape typed in
        ("class/eve\u200b/mlp.py", "class/eve\\u200b/mlp.py"),
        ("class/kim\udcff/mlp.py", "class/kim\\udcff/mlp.py"),
    ],
)
def test_names_printed_alike_are_named(one, other):
    from gradcheck.printable import one_line

    assert one_line(one) == one_line(other)
    (note,) = look_alike([one, other, "class/dan/mlp.py"])
    assert ascii(one) in note and ascii(other) in note
