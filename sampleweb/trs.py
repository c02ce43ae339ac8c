"""HTML page templates of the TRS WCM family (portal chrome, list pages with createPageHTML, article pages)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from sampleweb import trs_chrome

# The TRS pager, shaped like the real one (research-corpus zhangshu list page): it document.write()s the links,
# so no static <a href="index_1.html"> exists anywhere.
PAGER_FUNCTION = """<script language="javascript">
<!--
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt)
{
var styleDIY = "fystyle";
if(_nPageCount == null || _nPageCount<=0){
return;
}
function link(i, text){
  var href = (i==0) ? _sPageName+"."+_sPageExt : _sPageName+"_" + i + "."+_sPageExt;
  return "<a href=\\""+href+"\\" class=\\"" + styleDIY +"\\">"+text+"</a> ";
}
function plain(text){ return "<font class=\\"" + styleDIY +"\\">"+text+"</font> "; }
if(_nCurrIndex==0)
  document.write(plain("首页") + plain("上一页"));
else
  document.write(link(0, "首页") + link(_nCurrIndex-1, "上一页"));
if(_nCurrIndex<_nPageCount-1)
  document.write(link(_nCurrIndex+1, "下一页") + link(_nPageCount-1, "尾页"));
else
  document.write(plain("下一页") + plain("尾页"));
document.write("　<font class=\\"" + styleDIY +"\\">总共" + _nPageCount + "页</font>　");
document.write("<font class=\\"" + styleDIY +"\\">当前第" + (_nCurrIndex+1) + "页</font>　");
document.write("<select name=\\"select\\" onchange=\\"location.replace(this.value)\\">");
document.write("<option selected >转到</option>");
for(var i=0; i<_nPageCount; i++)
{
  if(i==0)
    document.write("<option value=\\""+_sPageName+"."+_sPageExt+"\\">第1页</option>");
  else
    document.write("<option value=\\""+_sPageName+"_" + i + "."+_sPageExt+"\\">第"+(i+1)+"页</option>");
}
document.write("</select>");
} //WCM置标
-->
</script>"""


# The newer TRS pager (6 arguments): writes into a div; page k (1-based) is name.ext for k = 1, else name_{k-1}.ext.
PAGER_FUNCTION_6 = """<script type="text/javascript">
function createPageHTML(_sDivId, _nPageCount, _nCurrPage, _sPageName, _sPageExt, _nRecordCount) {
  var div = document.getElementById(_sDivId);
  if (!div || _nPageCount <= 1) { return; }
  function href(k) { return k == 1 ? _sPageName + "." + _sPageExt : _sPageName + "_" + (k - 1) + "." + _sPageExt; }
  var html = "<span>共" + _nRecordCount + "条</span> ";
  html += _nCurrPage > 1 ? "<a href='" + href(1) + "'>首页</a> <a href='" + href(_nCurrPage - 1) + "'>上一页</a> "
                         : "<span>首页</span> <span>上一页</span> ";
  for (var k = 1; k <= _nPageCount; k++) {
    html += k == _nCurrPage ? "<b>" + k + "</b> " : "<a href='" + href(k) + "'>" + k + "</a> ";
  }
  html += _nCurrPage < _nPageCount ? "<a href='" + href(_nCurrPage + 1) + "'>下一页</a> <a href='"
                                     + href(_nPageCount) + "'>尾页</a>" : "<span>下一页</span> <span>尾页</span>";
  div.innerHTML = html;
}
</script>"""


@dataclass(frozen=True)
class Portal:
    """The chrome shared by every page of one site (sampleweb/trs_chrome.py draws it).

    ``nav`` is the navigation bar, ``menus`` the drop-down entries of some of its items (by item name), ``footer``
    the 主办/承办/地址 lines; ``site_code`` (网站标识码), ``icp``, ``police_record`` (公安备案 number) and ``abbr``
    (the province's one-character name) fill the identification line; ``region_links`` the 区内市县 select.
    """

    name: str
    nav: tuple[tuple[str, str], ...]
    footer: tuple[str, ...]
    hostname: str = ""
    site_code: str = ""
    icp: str = ""
    police_record: str = ""
    abbr: str = ""
    menus: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    region_links: tuple[tuple[str, str], ...] = ()
    stats_id: str = ""


@dataclass(frozen=True)
class PageMeta:
    """What TRS writes into a page's <meta> block: its column, and on an article its title, date, source, URL."""

    column: str
    article_title: str = ""
    pub_date: str = ""
    source: str = ""
    url: str = ""


@dataclass(frozen=True)
class Link:
    """A titled link with an optional date (list rows, menus, news boxes)."""

    title: str
    href: str
    date: str = ""


@dataclass(frozen=True)
class ArticleMeta:
    """The 信息公开 metadata block of an article page."""

    index_no: str
    publisher: str
    date: str
    category: str
    topic: str = "政务公开"
    doc_no: str = ""


def links_ul(links: tuple[Link, ...] | list[Link], css: str = "list") -> str:
    """A TRS-style ``<ul>`` of links with dates in ``<span>``."""
    rows = []
    for link in links:
        title = escape(link.title)
        date = f"<span>{link.date}</span>" if link.date else ""
        rows.append(f'<li><a href="{link.href}" title="{title}" target="_blank">{title}</a>{date}</li>')
    return f'<ul class="{css}">\n' + "\n".join(rows) + "\n</ul>"


def breadcrumb(crumbs: tuple[Link, ...]) -> str:
    """The 当前位置 line."""
    parts = " &gt; ".join(f'<a href="{c.href}" class="CurrChnlCls">{escape(c.title)}</a>' for c in crumbs)
    return f'<div class="position">当前位置：{parts}</div>'


def page(portal: Portal, title: str, body: str, meta: PageMeta | None = None) -> bytes:
    """A full page: head with the TRS <meta> block, the portal's header and navigation, ``body`` and footer."""
    html = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{escape(title)}</title>
{trs_chrome.head_meta(portal, meta)}
</head>
<body>
{trs_chrome.header(portal)}
<div class="main">
{body}
</div>
{trs_chrome.footer(portal)}
</body>
</html>
"""
    return html.encode("utf-8")


def side_menu(heading: str, entries: tuple[Link, ...], current: str = "") -> str:
    """The left column menu of a section (政府信息公开 …)."""
    on = ' class="on"'
    items = "".join(
        f'<li{on if e.href == current else ""}><a href="{e.href}">{escape(e.title)}</a></li>' for e in entries
    )
    return f'<div class="left"><div class="left_tit">{escape(heading)}</div><ul class="left_menu">{items}</ul></div>'


def pager(page_count: int, current: int, name: str = "index", style: str = "classic", records: int = 0) -> str:
    """The pager of page ``current`` (0-based): classic 4-argument TRS call, or the newer 6-argument one."""
    if style == "six":
        return (f'<div class="page" id="page_div"></div>{PAGER_FUNCTION_6}\n<script type="text/javascript">'
                f"createPageHTML('page_div', {page_count}, {current + 1}, '{name}', 'html', {records});</script>")
    return f'<div class="page">{PAGER_FUNCTION}\n<script>createPageHTML({page_count}, {current}, "{name}", "html");' \
           "</script></div>"


def list_page(column: str, rows: tuple[Link, ...], page_count: int, current: int, name: str = "index",
              style: str = "classic", records: int = 0, above: str = "") -> str:
    """A list page body: optional sub-column links, the rows of page ``current`` (0-based) and the TRS pager."""
    return f"""<div class="list_right">
<div class="list_tit"><span>{escape(column)}</span></div>{above}
<div class="list_con">
{links_ul(rows)}
</div>
{pager(page_count, current, name, style, records)}
</div>"""


def redirect_shell(target: str, title: str) -> bytes:
    """A column folder page that only forwards to its list (meta refresh plus a JS fallback)."""
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{escape(title)}</title>
<meta http-equiv="refresh" content="0; url={target}">
<script type="text/javascript">window.location.href = "{target}";</script>
</head><body></body></html>
""".encode()


def meta_table(meta: ArticleMeta, title: str) -> str:
    """The 索引号 / 发布机构 / 生成日期 block."""
    cells = [
        ("索 引 号：", meta.index_no, "信息分类：", meta.category),
        ("发布机构：", meta.publisher, "生成日期：", meta.date),
        ("文　　号：", meta.doc_no, "主题分类：", meta.topic),
    ]
    rows = "".join(
        f'<tr><td class="xxgk_t">{a}</td><td>{escape(b)}</td><td class="xxgk_t">{c}</td><td>{escape(d)}</td></tr>'
        for a, b, c, d in cells
    )
    rows += f'<tr><td class="xxgk_t">名　　称：</td><td colspan="3">{escape(title)}</td></tr>'
    return f'<table class="xxgk_table" cellspacing="0" cellpadding="0">{rows}</table>'


def attachments_block(attachments: tuple[Link, ...]) -> str:
    """The 附件 list below the body (TRS names files P0<date><digits>.ext; the anchor shows the real name)."""
    if not attachments:
        return ""
    links = "".join(f'<p><a href="{a.href}" target="_blank">{escape(a.title)}</a></p>' for a in attachments)
    return f'<div class="fujian"><span>附件：</span>{links}</div>'


def rel_appendix(attachments: tuple[Link, ...]) -> str:
    """Attachments held in a JS variable and document.write()n: no static <a> exists."""
    anchors = "".join(f'<a href="{a.href}">{escape(a.title)}</a>' for a in attachments)
    return (f"<script type=\"text/javascript\">\nvar rel_appendix = '{anchors}';\n"
            "if (rel_appendix != '') { document.write('<div class=\"fujian\"><span>附件：</span>' + rel_appendix"
            " + '</div>'); }\n</script>")


def appendix_links(attachments: tuple[Link, ...]) -> str:
    """Attachments as the TRS editor inlines them in the body: ``appendix="true"`` links."""
    return "".join(f'<p><a href="{a.href}" appendix="true" OLDSRC="/protect{a.href[1:]}">{escape(a.title)}</a></p>'
                   for a in attachments)


def article(title: str, meta: ArticleMeta | None, content: str, attachments: tuple[Link, ...],
            style: str = "block") -> str:
    """An article body: optional metadata table, title, date line, TRS_Editor content and attachments.

    ``style`` says where the attachments go: a 附件 block (block), a JS variable (rel_appendix), links inside the
    editor content (appendix) or a block after the article div (outside).
    """
    head = meta_table(meta, title) if meta else ""
    date = f'<div class="info">发布时间：{meta.date}</div>' if meta else ""
    inner = content + (appendix_links(attachments) if style == "appendix" else "")
    below = {"block": attachments_block(attachments), "rel_appendix": rel_appendix(attachments)}.get(style, "")
    after = f'\n<div class="xgfj">{attachments_block(attachments)}</div>' if style == "outside" else ""
    return f"""<div class="article">
{head}
<h2 class="art_tit">{escape(title)}</h2>
{date}
<div id="zoom" class="art_con"><div class="TRS_Editor">
{inner}
</div></div>
{below}
</div>{after}"""
