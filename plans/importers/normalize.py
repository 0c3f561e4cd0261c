"""Fold text for matching without moving any character: full-width to half-width, Traditional to Simplified.

Every function here returns a string of the same length as its input, so a match found in the
folded text points at the same characters of the original, which is what the importer keeps.
"""

from __future__ import annotations

import re
from functools import lru_cache

import zhconv
import zhconv.zhconv

_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH.update(
    {
        0x3000: 0x20,  # ideographic space
        ord("【"): ord("["),
        ord("】"): ord("]"),
        ord("〖"): ord("["),
        ord("〗"): ord("]"),
        ord("—"): ord("-"),
        ord("–"): ord("-"),
        ord("〜"): ord("~"),
        0x00A0: 0x20,  # no-break space
    }
)


def fold_width(text: str) -> str:
    """Return the text with full-width ASCII, ideographic spaces and dash variants folded to ASCII."""
    return text.translate(_WIDTH)


@lru_cache(maxsize=1)
def _simplified_table() -> dict[int, str]:
    """Return zhconv's one-character Traditional → Simplified conversions as a str.translate table."""
    return {
        ord(source): target
        for source, target in zhconv.zhconv.getdict("zh-cn").items()
        if len(source) == 1 and len(target) == 1 and source != target
    }


def to_simplified(text: str) -> str:
    """Return the text in Simplified characters, character for character (so offsets stay put)."""
    return text.translate(_simplified_table())


def fold(text: str) -> str:
    """Return the text folded for matching: half-width and Simplified, same length as the input."""
    return to_simplified(fold_width(text))


_SPACES = re.compile(r"\s+")


def squash_spaces(text: str) -> str:
    """Return the text without any white space (how titles are compared)."""
    return _SPACES.sub("", text)
