"""How tensors and their entries are named in every message: ``W1[3, 7]``.

A leaf module: the result objects, the renderers and the input validation all
name entries the same way through it.
"""

from __future__ import annotations


def format_index(name: str, index: tuple[int, ...]) -> str:
    """Render a tensor entry as ``W1[3, 7]`` (``b`` for a 0-d tensor).

    Examples
    --------
    >>> format_index("W1", (3, 7))
    'W1[3, 7]'
    """
    if not index:
        return name
    return f"{name}[{', '.join(str(int(i)) for i in index)}]"
