"""Text normalisation before matching (schema §7): NFKC, full-width forms, whitespace inside labels."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \f\v\r\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff]+")
_ALL_SPACE = re.compile(r"[\s\u00a0\u200b\u3000\ufeff]+")
# NFKC maps （），：；！ to ASCII; these CJK punctuation marks it leaves alone are folded too.
_FOLD = str.maketrans({"〔": "[", "〕": "]", "【": "[", "】": "]", "—": "-", "－": "-", "–": "-",
                       "～": "~", "“": '"', "”": '"', "‘": "'", "’": "'", "、": "、", "．": "."})


def clean_space(text: str) -> str:
    """Collapse runs of spaces (not tabs or newlines) to one space and strip the ends."""
    return _SPACES.sub(" ", text).strip(" ")


def nfkc(text: str) -> str:
    """NFKC: full-width digits, letters and brackets become ASCII (０→0, （→( , ：→:)."""
    return unicodedata.normalize("NFKC", text)


def label_key(text: str) -> str:
    """A matching key for a label or heading: NFKC, CJK punctuation folded, every whitespace removed.

    "本年新<br />制作数量", "第二十条 第（一）项" and one-character-per-line PDF labels all collapse.
    """
    return _ALL_SPACE.sub("", nfkc(text).translate(_FOLD))

