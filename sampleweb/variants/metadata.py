"""The 信息公开 metadata block of an article page, drawn in the spellings and containers county templates use:
labels with half- or full-width colons or none, padded with &nbsp; or ideographic spaces (名&nbsp;&nbsp;称,
来　　源), each label in its own <td>/<th>/<span>, inside an <li>, or inline in one line."""

from __future__ import annotations

from html import escape


def label(word: str, spelling: str) -> str:
    """``word`` (发布机构, 名称 …) as HTML in ``spelling``: halfwidth, fullwidth, nbsp, ideographic, no-colon."""
    if spelling == "nbsp":
        pad = "&nbsp;" * (4 if len(word) == 2 else 1)
        return pad.join(word) + "："
    if spelling == "ideographic":
        pad = "　" * (2 if len(word) == 2 else 1)
        return (pad.join(word) if len(word) <= 3 else word) + "："
    return word + {"halfwidth": ":", "fullwidth": "：", "no-colon": ""}[spelling]


def meta_block(fields: list[tuple[str, str]], spelling: str, cell: str) -> str:
    """The block of (label word, value) pairs: a table (td or th labels), spans, list items or one inline line."""
    pairs = [(label(word, spelling), escape(value)) for word, value in fields]
    if cell in ("td", "th"):
        rows = "".join(f'<tr><{cell} class="t">{name}</{cell}><td>{value}</td></tr>' for name, value in pairs)
        return f'<table class="xxgk-info" border="0">{rows}</table>'
    if cell == "span":
        rows = "".join(f'<div class="row"><span class="lab">{name}</span><span class="val">{value}</span></div>'
                       for name, value in pairs)
        return f'<div class="xxgk-info">{rows}</div>'
    if cell == "li":
        return '<ul class="xxgk-info">' + "".join(f"<li>{name}{value}</li>" for name, value in pairs) + "</ul>"
    return '<p class="xxgk-info">' + "&nbsp;&nbsp;".join(f"{name}{value}" for name, value in pairs) + "</p>"


def article_fields(presence: str, publisher_label: str, publisher: str, title: str, date: str,
                   index_no: str) -> list[tuple[str, str]]:
    """The fields a block shows: full (索引号, publisher, 名称, 生成日期, 文号), partial (publisher and date)."""
    if presence == "partial":
        return [(publisher_label, publisher), ("发布日期", date)]
    return [("索引号", index_no), (publisher_label, publisher), ("名称", title), ("生成日期", date), ("文号", "")]
