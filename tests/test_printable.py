"""Untrusted text is shown, never obeyed: control characters become visible escapes."""

import pytest

from gradcheck.printable import printable, printable_tree


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[2J", "\\x1b[2J"),
        ("title\x1b]0;owned\x07", "title\\x1b]0;owned\\x07"),
        ("\x9b31m", "\\x9b31m"),
        ("nul\x00", "nul\\x00"),
        ("del\x7f", "del\\x7f"),
        ("bad\ud800", "bad\\ud800"),
        ("bob\udcff", "bob\\udcff"),  # a byte of a name that is not UTF-8: named, not one "\ufffd" for all
        ("lines\nand\ttabs stay", "lines\nand\ttabs stay"),
        ("ünïcode ∂L/∂W", "ünïcode ∂L/∂W"),
    ],
)
def test_printable(raw, shown):
    assert printable(raw) == shown


def test_printable_tree_reaches_keys_values_and_lists_and_keeps_numbers():
    tree = {"err\x1b": ["a\x07", {"k": "v\x1b"}], "n": 1.5, "ok": None}
    assert printable_tree(tree) == {"err\\x1b": ["a\\x07", {"k": "v\\x1b"}], "n": 1.5, "ok": None}


def test_no_separator_or_format_character_survives():
    # U+2028 starts a line where an editor splits lines (a forged report section), U+202E reverses the rest of
    # a line, U+200B hides a difference: every line separator, paragraph separator and format character
    import sys
    import unicodedata

    hidden = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Cf", "Zl", "Zp")]
    assert len(hidden) > 150
    shown = printable("".join(hidden))
    assert not set(shown) & set(hidden)
    assert shown.count("\\u") + shown.count("\\U") + shown.count("\\x") == len(hidden)
    assert printable("ok\u2028== b.py: FAIL").splitlines() == ["ok\\u2028== b.py: FAIL"]
    assert printable("a\U000e0041") == "a\\U000e0041"  # a tag character: named in full


def test_default_ignorable_letters_and_marks_are_shown_as_escapes():
    # not format characters, yet drawn as nothing: "alice" + U+034F printed as "alice" (a second student, unseen)
    for c in ("\u034f", "\u115f", "\u1160", "\u17b4", "\u180b", "\u3164", "\ufe0f", "\uffa0", "\U000e0100"):
        assert printable("alice" + c) == "alice" + c.encode("unicode_escape").decode()
    assert printable("caf\u00e9 \u2800") == "caf\u00e9 \u2800"  # an accent and a blank pattern are drawn
