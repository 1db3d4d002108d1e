"""Student names that only look alike: a folder named with a Cyrillic 'а' next to one with a Latin 'a'.

Two submissions whose paths print the same can make an instructor read one student's verdict as
another's. Each path is reduced to a skeleton (Unicode NFKC, then the letters of other scripts
that are drawn like Latin ones replaced by those, from the table below, and the characters that
are not drawn at all left out); paths that differ but share a skeleton are named together, with
the non-ASCII code points that tell them apart. The table holds the Cyrillic, Greek, Armenian,
Cherokee and Latin letters whose glyphs match a plain Latin letter in common fonts (ones
Unicode's confusables data maps to a single Latin letter); other non-ASCII names are left as
they are (an accent is drawn, so ``josé`` is not ``jose``), and shown with their code points
only when they collide.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from gradcheck.printable import NOT_DRAWN, one_line

__all__ = ["look_alike", "skeleton"]

_LATIN_LOOKS = {
    # Cyrillic lower case
    "а": "a", "в": "b", "е": "e", "һ": "h", "і": "i", "ј": "j", "к": "k", "м": "m", "н": "h",
    "о": "o", "р": "p", "с": "c", "ѕ": "s", "т": "t", "у": "y", "х": "x", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    # Cyrillic upper case
    "А": "A", "В": "B", "Е": "E", "І": "I", "Ј": "J", "К": "K", "М": "M", "Н": "H", "О": "O",
    "Р": "P", "С": "C", "Ѕ": "S", "Т": "T", "У": "Y", "Х": "X",
    # Greek
    "α": "a", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ϲ": "c", "ϳ": "j", "Ϲ": "C",
    # more Cyrillic
    "ӏ": "l", "Ӏ": "l", "ү": "y", "Ү": "Y", "ѵ": "v", "ѡ": "w", "Ԛ": "Q", "Ԝ": "W",
    # Armenian
    "օ": "o", "ս": "u", "ց": "g", "հ": "h", "ո": "n", "զ": "q", "Օ": "O", "Ս": "U", "Տ": "S", "Լ": "L",
    # Latin letters drawn as plain ones
    "ɑ": "a", "ɡ": "g", "ı": "i", "ȷ": "j", "ɩ": "i", "ǀ": "l",
    # Cherokee capitals
    "Ꭺ": "A", "Ᏼ": "B", "Ꮯ": "C", "Ꭰ": "D", "Ꭼ": "E", "Ꮐ": "G", "Ꮋ": "H", "Ꭻ": "J", "Ꮶ": "K", "Ꮮ": "L",
    "Ꮇ": "M", "Ꮲ": "P", "Ꮪ": "S", "Ꭲ": "T", "Ꮩ": "V", "Ꮃ": "W", "Ꮓ": "Z",
}  # fmt: skip


def skeleton(text: str) -> str:
    """``text`` as it looks: NFKC-normalised, characters that are not drawn (format characters, category
    Cf: a zero-width space, a direction override; the other default-ignorable code points: a Hangul filler, the
    combining grapheme joiner, a variation selector) left out, look-alike letters of other scripts replaced
    by Latin ones."""
    shown = (
        c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Cf" and not NOT_DRAWN.match(c)
    )
    return "".join(_LATIN_LOOKS.get(c, c) for c in shown)


def _code_points(text: str) -> str:
    """The non-ASCII characters of ``text``: ``U+0430 CYRILLIC SMALL LETTER A at 1``."""
    return ", ".join(
        f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')} at {i}" for i, c in enumerate(text) if ord(c) > 0x7F
    )


def look_alike(paths: list[str]) -> list[str]:
    """One sentence per group of distinct paths that look the same, naming the code points that differ."""
    groups: dict[str, list[str]] = defaultdict(list)
    printed: dict[str, list[str]] = defaultdict(list)
    for p in dict.fromkeys(paths):
        groups[skeleton(p)].append(p)
        printed[one_line(p)].append(p)  # shown the same: an escape's text typed in ("bob\\x1b") beside the character
    out, told = [], set()
    for same in [*groups.values(), *printed.values()]:
        if len(same) < 2 or frozenset(same) in told:
            continue
        told.add(frozenset(same))
        shown = "; ".join(f"{ascii(p)} ({_code_points(p) or 'ASCII only'})" for p in same)
        out.append(f"these {len(same)} submissions' names look alike but differ: {shown}")
    return out
