"""Text from untrusted code made safe to show: no terminal escapes, nothing XML cannot hold.

A student's exception message, printed output or file name reaches the
instructor's terminal and every report format. Control characters in it could
clear the terminal or retitle it (``ESC [2J``, ``ESC ]0;...BEL``) and make the
JUnit file unparseable (XML 1.0 has no C0 control characters but tab and
newline), which would cost the whole class its report. Each such character is
shown as its ``\\xNN`` escape instead: visible, harmless, and still telling.
A leaf module: the audit's intake and the renderers both use it.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls but tab and newline, DEL, and the C1 controls (0x80-0x9f: CSI and
# OSC have single-character forms there); lone surrogates cannot be encoded at all.
# Then what breaks a line or reorders or hides text without being drawn (Unicode's line and
# paragraph separators, and its format characters, category Cf): U+2028 starts a line in an
# editor or any reader that splits on it (a forged "== other.py: FAIL" line), U+202E turns the
# rest of a line around (a verdict column read backwards), U+200B makes two names differ unseen.
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
# And the rest of Unicode's default-ignorable code points, drawn as nothing although they are letters or marks:
# the Hangul fillers (U+3164, U+FFA0, U+115F, U+1160), the combining grapheme joiner (U+034F), the variation
# selectors (U+FE00-U+FE0F, U+E0100-U+E01EF), the Mongolian ones, the Khmer inherent vowels and the unassigned
# rest of those blocks: "alice" + U+034F printed as "alice", a second student with no note.
_IGNORABLE = "\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\ufff0-\ufff8\U000e0000-\U000e0fff"
_NOT_DRAWN = f"{_FORMAT}{_IGNORABLE}"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_NOT_DRAWN}]")
NOT_DRAWN = re.compile(f"[{_NOT_DRAWN}]")


def printable(text: str) -> str:
    r"""``text`` with every control and format character shown as its escape.

    Examples
    --------
    >>> printable("loss\x1b[2J done\n")
    'loss\\x1b[2J done\n'
    >>> printable("ok\u2028== b.py: FAIL \u202e")
    'ok\\u2028== b.py: FAIL \\u202e'
    """
    return _UNSAFE.sub(_escape, text)


def _escape(m: re.Match) -> str:
    c = ord(m.group())
    if c < 0x100:
        return f"\\x{c:02x}"
    # a lone surrogate (a byte of a file name that is not UTF-8: U+DC80-U+DCFF) is named too: two names
    # differing in such bytes all printed the same "\\ufffd" before
    return f"\\u{c:04x}" if c <= 0xFFFF else f"\\U{c:08x}"


# What breaks a line where one line is meant: a file name or a tensor name with a newline
# in it would otherwise print as a line of its own (a forged "== other.py: ok" line).
_LINE_BREAKS = re.compile("[\n\r\t\x0b\x0c\x85\u2028\u2029]")


def one_line(text: str) -> str:
    r"""``text`` as one printable line: line breaks and tabs shown as their escapes too.

    Examples
    --------
    >>> one_line("a.py\n== b.py: ok")
    'a.py\\n== b.py: ok'
    """
    return printable(_LINE_BREAKS.sub(_escape_break, text))


def _escape_break(m: re.Match) -> str:
    c = m.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return named.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def nested(text: str, indent: str) -> str:
    """``text`` whose every line after the first starts with ``indent``: a student's lines stay inside
    the section that quotes them, and none can pass for a line of the report's own."""
    return text.replace("\n", "\n" + indent)


def printable_tree(value: Any) -> Any:
    """``value`` (parsed JSON) with :func:`printable` applied to every string, keys included."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_tree(k): printable_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [printable_tree(v) for v in value]
    return value
