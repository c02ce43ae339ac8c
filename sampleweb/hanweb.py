"""The Hanweb JCMS family: ``/col/col<id>/index.html`` columns whose list is loaded by the jpage script from
``/module/web/jpage/dataproxy.jsp`` (XML records), articles ``/art/YYYY/M/D/art_<col>_<id>.html`` and attachments
served by ``/module/download/downfile.jsp?classid=0&filename=<hex>.<ext>``.

A county module builds a ``HanwebSite`` and calls ``plan_hanweb_site``.
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote

from sampleweb import chrome
from sampleweb.family import Entry, plan_column
from sampleweb.site import HTML, XML, Endpoint, Planned, Reply, SitePlan
from sampleweb.trs import Link
from sampleweb.trs_site import ReportEntry, day, html_page, pixel, robots

JPAGE = "/module/web/jpage/dataproxy.jsp"
DOWNFILE = "/module/download/downfile.jsp"
IMAGES = "/picture/0/"  # where Hanweb JCMS keeps the pictures of articles


@dataclass(frozen=True)
class HanwebSite:
    """A Hanweb county site as data."""

    hostname: str
    name: str
    column_id: int
    unit_id: int
    web_id: int
    column_name: str
    entries: tuple[Entry, ...]
    section_id: int = 2445
    per_page: int = 15
    first_id: int = 4012000


def _nav(site: HanwebSite) -> tuple[Link, ...]:
    return (Link("首页", "/"), Link("政务公开", f"/col/col{site.section_id}/index.html"))


def _article_path(site: HanwebSite, entry: Entry, i: int) -> str:
    y, m, d = (int(x) for x in entry.date.split("-"))
    return f"/art/{y}/{m}/{d}/art_{site.column_id}_{site.first_id + 23 * i}.html"


def _file(entry: ReportEntry, ext: str, path: str) -> tuple[str, str]:
    name = hashlib.sha256(f"{path}|{ext}".encode()).hexdigest()[:32]
    served = f"{DOWNFILE}?classid=0&filename={name}.{ext}"
    return served, served


def _article(site: HanwebSite, path: str, entry: Entry, body: str, files: tuple[Link, ...]) -> bytes:
    title = entry.page_title if isinstance(entry, ReportEntry) else entry.title
    html = (f'<div class="main-txt"><div class="bt">{escape(title)}</div>'
            f'<div class="sx"><span>发布时间：{entry.date}</span><span>来源：{escape(site.name)}</span></div>'
            f'<div id="zoom" class="bt-content">{body}</div>{chrome.attachment_links(files)}</div>')
    return chrome.page(site.name, title, _nav(site), html, skin="hanweb")


def _column_page(site: HanwebSite, total: int) -> bytes:
    params = (f"col:1,appid:1,webid:{site.web_id},path:'/',columnid:{site.column_id},sourceContentType:1,"
              f"unitid:'{site.unit_id}',webname:'{site.name}',permissiontype:0")
    body = f"""<div class="lm-name">{escape(site.column_name)}</div>
<div id="{site.unit_id}"></div>
<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
<script type="text/javascript" src="/module/web/jpage/jpage.js"></script>
<script type="text/javascript">
$(document).ready(function () {{
  $('#{site.unit_id}').jpage({{
    proxyUrl: '{JPAGE}', perPage: {site.per_page}, totalRecord: {total}, groupSize: 1,
    barPosition: 'bottom', ajaxParam: {{ {params} }}
  }});
}});
</script>"""
    return chrome.page(site.name, f"{site.column_name}_{site.name}", _nav(site), body, skin="hanweb")


def _records(rows: list[Link]) -> str:
    return "".join(f'<record><![CDATA[<li><a href="{r.href}" target="_blank" title="{escape(r.title)}">'
                   f'{escape(r.title)}</a><span class="bt-data-time">{r.date}</span></li>]]></record>\n'
                   for r in rows)


def jpage_xml(site: HanwebSite, rows: list[Link], params: Mapping[str, str]) -> bytes:
    """The dataproxy answer: records startrecord..endrecord (1-based, inclusive) of the asked column."""
    wanted = (str(site.column_id), str(site.unit_id), str(site.web_id))
    known = (params.get("columnid"), params.get("unitid"), params.get("webid", str(site.web_id))) == wanted
    chosen = rows if known else []
    start = max(1, int(params.get("startrecord") or 1))
    end = int(params.get("endrecord") or start + site.per_page - 1)
    nextgroup = (f'<a href="{JPAGE}?page=1&amp;webid={site.web_id}&amp;path=/&amp;columnid={site.column_id}'
                 f'&amp;unitid={site.unit_id}&amp;webname={quote(site.name)}&amp;permissiontype=0"></a>')
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<nextgroup><![CDATA[{nextgroup}]]></nextgroup>\n'
           f"<recordset>\n{_records(chosen[start - 1:end])}</recordset>\n"
           f"<totalrecord>{len(chosen)}</totalrecord>\n</datastore>\n")
    return xml.encode("utf-8")


def list_urls(site: HanwebSite, total: int) -> list[str]:
    """GET URLs of every page of the column list (the ids a crawler reads from the column page)."""
    pages = max(1, math.ceil(total / site.per_page))
    return [f"http://{site.hostname}{JPAGE}?startrecord={k * site.per_page + 1}&endrecord={(k + 1) * site.per_page}"
            f"&perpage={site.per_page}&columnid={site.column_id}&unitid={site.unit_id}&webid={site.web_id}"
            for k in range(pages)]


def plan_hanweb_site(site: HanwebSite, cache_dir: Path, extra: tuple[Planned, ...] = ()) -> SitePlan:
    """Every resource of ``site`` and its ground truth."""
    col = plan_column(site.entries, lambda e, i: _article_path(site, e, i), _file,
                      lambda p, e, b, f: _article(site, p, e, b, f), HTML, site.hostname, cache_dir, IMAGES)
    newest = col.rows[0].date
    column_path = f"/col/col{site.column_id}/index.html"
    section = chrome.link_list([Link(site.column_name, column_path, ""),
                                Link("政府信息公开指南", f"/col/col{site.section_id + 5}/index.html", "")])
    guide = "<p>政府信息公开工作年度报告于每年1月31日前在本网站“政府信息公开年报”栏目公布。</p>"
    planned = [
        robots(), pixel(IMAGES + "tujie.gif"), *col.planned, *extra,
        html_page(column_path, newest, lambda: _column_page(site, len(col.rows))),
        html_page("/index.html", newest, lambda: chrome.page(site.name, site.name, _nav(site),
                                                             chrome.link_list(col.rows[:5]), skin="hanweb")),
        html_page(f"/col/col{site.section_id}/index.html", newest,
                  lambda: chrome.page(site.name, "政务公开", _nav(site), section, skin="hanweb")),
        html_page(f"/col/col{site.section_id + 5}/index.html", "2020-06-01",
                  lambda: chrome.page(site.name, "政府信息公开指南", _nav(site), guide, skin="hanweb")),
    ]
    files = {served.split("filename=", 1)[1]: (functools.cache(p.render), p) for served, p in col.query_files.items()}

    def downfile(params: Mapping[str, str]) -> Reply | None:
        found = files.get(params.get("filename", ""))
        return Reply(found[0](), found[1].content_type, found[1].last_modified) if found else None

    def dataproxy(params: Mapping[str, str]) -> Reply:
        return Reply(jpage_xml(site, col.rows, params), XML, day(newest))

    lists = list_urls(site, len(col.rows))
    endpoints = (Endpoint(JPAGE, dataproxy), Endpoint(DOWNFILE, downfile))
    attachment_urls = [f"http://{site.hostname}{served}" for served in col.query_files]
    return SitePlan(tuple(planned), tuple(col.reports),
                    tuple(col.decoys) + (f"http://{site.hostname}/col/col{site.section_id + 5}/index.html",),
                    endpoints=endpoints, endpoint_urls=tuple(lists + attachment_urls), list_pages=tuple(lists))
