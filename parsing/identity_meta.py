"""An article page's metadata (发布机构, 来源, 名称, 发布日期 …) read from its HTML, whatever the labels' spelling.

County templates write the 信息公开 block as a table (label in its own <td>/<th>), as spans, list items or one
inline line; labels come with half- or full-width colons or none and padded with &nbsp; or ideographic spaces
(名&nbsp;&nbsp;称：, 来　　源：, 发 布 机 构). The extractor flattens the page (cells split by tabs, blocks by
newlines); here every label is found with whitespace allowed between its characters, and its value runs to the
next label, tab, line end or bar. A value is kept only if it has the shape its key wants (an organ name, a date),
so a label word inside the prose or the navigation is not taken for the block. Label text never reaches a value.
"""

from __future__ import annotations

import re
from typing import Any

from parsing import identity_rules as ir
from parsing import rules
from parsing.normalize import clean_space, label_key

_SPACE = r"[\s\u00a0\u3000]*"


def _spelled(word: str) -> str:
    return _SPACE.join(re.escape(ch) for ch in word)


_SPELLINGS = sorted({(s, key) for key, spellings in ir.META_LABELS.items() for s in spellings}
                    | {(s, "") for s in ir.STOP_LABELS}, key=lambda p: -len(p[0]))
_KEY_OF = {s: key for s, key in _SPELLINGS}
_ANY_LABEL = "|".join(_spelled(s) for s, _ in _SPELLINGS)
_LABEL = re.compile(rf"(?P<label>{_ANY_LABEL})[ \t\u00a0\u3000]*[:：]?[ \t\u00a0\u3000]*"
                    rf"(?P<value>.*?)(?=[ \u00a0\u3000]*(?:{_ANY_LABEL})[ \u00a0\u3000]*[:：]"
                    rf"|[ \u00a0\u3000]+(?:{_ANY_LABEL})|[\t\n|｜]|$)")
_BOUNDARY = " \t\n|｜]】>:：\u00a0\u3000"
_DATE_PREFIX = re.compile(r"\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}日?")


def page_metadata(doc: Any, flat: str) -> dict[str, str]:
    """The page's metadata: <meta> tags, its title (h1 or <title>), the labelled block and the breadcrumb.

    ``doc`` is the parsed page (lxml), ``flat`` its text as the HTML extractor renders it (tabs between cells).
    """
    meta: dict[str, str] = {}
    for name, key in ir.META_TAGS.items():
        found = doc.xpath(f"//meta[@name='{name}']/@content")
        if found and found[0].strip():
            meta.setdefault(key, clean_space(found[0]))
    if "title" not in meta:
        for xpath in ("//h1", "//title"):
            found = [t for t in (clean_space(e.text_content()) for e in doc.xpath(xpath)) if t]
            if found:
                meta["title"] = re.split(r"\s*[_|]\s*|\s+-\s+", found[0])[0]
                break
    for key, value in labelled_values(flat).items():
        meta.setdefault(key, value)
    crumbs = breadcrumb(flat)
    if crumbs:
        meta["位置"] = " > ".join(crumbs)
    return meta


def labelled_values(flat: str) -> dict[str, str]:
    """key → value of the first well-formed value of each label in ``flat`` (see the module docstring)."""
    out: dict[str, str] = {}
    last_end = -1
    for m in _LABEL.finditer(flat):
        start = m.start()
        if start > 0 and flat[start - 1] not in _BOUNDARY and start != last_end:
            continue
        last_end = m.end()
        key = _KEY_OF.get(label_key(m.group("label")), "")
        value = _value(key, m.group("value"))
        if key and value and key not in out:
            out[key] = value
    return out


def _value(key: str, raw: str) -> str | None:
    """The value in the form its key wants, or None when it does not have that shape."""
    text = clean_space(raw.replace("\u00a0", " "))
    if not text:
        return None
    if key in ir.DATE_META_KEYS:
        date = _DATE_PREFIX.match(text)
        return date.group(0) if date else None
    if key in ir.UNIT_META_KEYS:
        unit = label_key(text.split(" ")[0])
        return unit if looks_like_unit(unit) else None
    return text


def looks_like_unit(key: str) -> bool:
    """A label key shaped like an organ or place name (平罗县人民政府, 宝丰镇, 县政府办), not prose or a menu word."""
    if not 2 <= len(key) <= 40 or ir.NOT_ISSUER.search(key) or re.search(r"\d", key) or ir.META_LABEL_LINE.match(key):
        return False
    return any(p.search(key) for p, _ in rules.UNIT_LEVEL_RULES) or rules.BARE_PLACE.match(key) is not None


def breadcrumb(flat: str) -> list[str]:
    """The crumbs of the page's 当前位置 line, without 首页."""
    for line in flat.split("\n"):
        m = ir.BREADCRUMB.search(line)
        if m:
            crumbs = [clean_space(c) for c in ir.CRUMB_SPLIT.split(m.group("crumbs"))]
            return [c for c in crumbs if c and c not in ("首页", "网站首页")]
    return []
