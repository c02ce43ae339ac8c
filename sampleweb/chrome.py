"""Minimal page chrome for the non-TRS families: head with the declared charset, header, nav, body, footer."""

from __future__ import annotations

from html import escape

from sampleweb.trs import Link


def page(site_name: str, title: str, nav: tuple[Link, ...], body: str, charset: str = "utf-8",
         skin: str = "default", footer: str = "") -> bytes:
    """A full page encoded in ``charset`` (which the page also declares)."""
    links = "".join(f'<li><a href="{n.href}">{escape(n.title)}</a></li>' for n in nav)
    html = f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{escape(title)}</title>
<link rel="stylesheet" href="/css/{skin}.css">
</head>
<body class="{skin}">
<div class="top"><div class="sitename">{escape(site_name)}</div></div>
<div class="menu"><ul>{links}</ul></div>
<div class="container">
{body}
</div>
<div class="bottom"><p>{escape(site_name)}主办</p>{footer}</div>
</body>
</html>
"""
    return html.encode(charset)


def link_list(rows: list[Link] | tuple[Link, ...], css: str = "list") -> str:
    """``<ul>`` of titled links with the date in a span."""
    items = "".join(f'<li><a href="{r.href}" target="_blank" title="{escape(r.title)}">{escape(r.title)}</a>'
                    f"<span>{r.date}</span></li>\n" for r in rows)
    return f'<ul class="{css}">\n{items}</ul>'


def attachment_links(files: tuple[Link, ...]) -> str:
    if not files:
        return ""
    items = "".join(f'<p><a href="{f.href}" target="_blank">{escape(f.title)}</a></p>' for f in files)
    return f'<div class="attachments"><b>附件：</b>{items}</div>'
