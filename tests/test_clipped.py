"""A student's exception message quoted in a note is cut at a word's end and marked, never mid-word.

The audit quoted "... no loss class or loss derivative function was found: set [loss] studen": the hint's
key cut in half at 120 characters, naming a key that does not exist.
"""

from __future__ import annotations

import pytest

from gradcheck.audit.auditerrors import LoadFailure, clipped

HINT = (
    "backward needs the loss gradient dL/d(output) but no loss class or loss derivative function was found: "
    "set [loss] student"
)


def test_a_short_message_is_kept_whole():
    assert clipped(HINT, 240) == HINT


def test_a_long_message_is_cut_at_a_word_end_and_marked():
    out = clipped(HINT, 120)
    assert out.endswith(" ...") and len(out) <= 124
    assert HINT.startswith(out[: -len(" ...")])
    assert not out.endswith("studen ...") and "studen" not in out.split()[-2]


def test_a_message_without_spaces_is_cut_at_the_limit():
    assert clipped("x" * 300) == "x" * 200 + " ..."


def test_a_load_failure_quotes_a_long_message_clipped():
    note = LoadFailure.of("net.py line 3", ValueError("word " * 100))
    assert note.message.endswith(" ...") and len(note.message) <= 204


def test_an_fstring_that_only_newer_python_parses_is_told_so():
    try:
        compile('label = f"{row["x"]}"\n', "data.py", "exec")
    except SyntaxError as exc:
        note = LoadFailure.of("data.py", exc, statement=False)
    else:  # Python 3.12 or later parses it: nothing to tell
        return
    assert "Python 3.12 or later" in note.message and "use the other quote inside" in note.message


def test_other_syntax_errors_get_no_such_hint():
    with pytest.raises(SyntaxError) as caught:
        compile("def f(:\n    pass\n", "net.py", "exec")
    assert "3.12" not in LoadFailure.of("net.py", caught.value, statement=False).message
