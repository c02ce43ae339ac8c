"""The JS-only family (Kaipu jpaas style): the column page holds no article link; an inline script fetch()es a
JSON list (``/jpaas-jpolicy-web-server/front/info/list?columnId=…&pageNo=N&pageSize=M``) and draws rows and pager
into the DOM. Only a browser (or a crawler that reads the script) finds the reports.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path

from sampleweb import chrome
from sampleweb.family import Entry, plan_column
from sampleweb.site import HTML, JSON, Endpoint, Reply, SitePlan
from sampleweb.trs import Link
from sampleweb.trs_site import ReportEntry, day, html_page, pixel, robots

API = "/jpaas-jpolicy-web-server/front/info/list"
COLUMN = "/xxgk/zfxxgknb/"
IMAGES = "/uploadfiles/"  # the pictures of articles


@dataclass(frozen=True)
class JsListSite:
    """A county site whose report list is drawn by JavaScript from a JSON endpoint."""

    hostname: str
    name: str
    site_id: int
    column_id: int
    column_name: str
    entries: tuple[Entry, ...]
    per_page: int = 10


def _nav() -> tuple[Link, ...]:
    return (Link("首页", "/"), Link("政府信息公开", "/xxgk/index.html"))


def _hex(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def _article(site: JsListSite, entry: Entry, body: str, files: tuple[Link, ...]) -> bytes:
    title = entry.page_title if isinstance(entry, ReportEntry) else entry.title
    html = (f'<div class="detail"><h1 class="detail-title">{escape(title)}</h1><p class="detail-info">'
            f'发布时间：{entry.date}</p><div class="detail-content">{body}</div>{chrome.attachment_links(files)}</div>')
    return chrome.page(site.name, title, _nav(), html, skin="kaipu")


SCRIPT = """<script type="text/javascript">
(function () {
  var box = document.getElementById("info-list"), pager = document.getElementById("info-page");
  function load(pageNo) {
    fetch("%(api)s?siteId=%(site)d&columnId=%(column)d&pageNo=" + pageNo + "&pageSize=%(size)d")
      .then(function (r) { return r.json(); })
      .then(function (res) {
        var rows = res.data.rows, html = "";
        for (var i = 0; i < rows.length; i++) {
          html += '<li><a href="' + rows[i].url + '" target="_blank">' + rows[i].title + '</a><span>'
                + rows[i].publishedTime + '</span></li>';
        }
        box.innerHTML = html;
        var pages = Math.ceil(res.data.total / res.data.pageSize), p = "";
        for (var k = 1; k <= pages; k++) {
          p += k == pageNo ? "<b>" + k + "</b> " : '<a href="javascript:;" data-page="' + k + '">' + k + "</a> ";
        }
        pager.innerHTML = p;
      });
  }
  pager.addEventListener("click", function (ev) {
    var k = ev.target.getAttribute("data-page");
    if (k) { load(parseInt(k, 10)); }
  });
  load(1);
})();
</script>"""


def _column_page(site: JsListSite) -> bytes:
    script = SCRIPT % {"api": API, "site": site.site_id, "column": site.column_id, "size": site.per_page}
    body = (f'<div class="column-title">{escape(site.column_name)}</div><ul class="info-list" id="info-list"></ul>'
            f'<div class="page" id="info-page"></div>\n{script}')
    return chrome.page(site.name, f"{site.column_name}_{site.name}", _nav(), body, skin="kaipu")


def list_json(site: JsListSite, rows: list[Link], params: Mapping[str, str]) -> bytes:
    """The jpaas answer: ``{"success": true, "data": {"total", "pageNo", "pageSize", "rows": [...]}}``."""
    known = params.get("columnId") == str(site.column_id)
    chosen = rows if known else []
    try:
        page_no, size = max(1, int(params.get("pageNo", "1"))), max(1, int(params.get("pageSize", "10")))
    except ValueError:
        page_no, size = 1, site.per_page
    part = chosen[(page_no - 1) * size:page_no * size]
    data = {"total": len(chosen), "pageNo": page_no, "pageSize": size,
            "rows": [{"id": _hex(r.href), "title": r.title, "url": r.href, "publishedTime": r.date} for r in part]}
    return json.dumps({"success": True, "code": 200, "data": data}, ensure_ascii=False).encode("utf-8")


def plan_jslist_site(site: JsListSite, cache_dir: Path) -> SitePlan:
    """Every resource of ``site`` and its ground truth."""
    col = plan_column(site.entries, lambda e, i: f"{COLUMN}{e.date[:7].replace('-', '')}/{_hex(e.date, i)}.shtml",
                      lambda e, ext, p: (f"{p.rsplit('/', 1)[0]}/{_hex(p, ext)}.{ext}",) * 2,
                      lambda p, e, b, f: _article(site, e, b, f), HTML, site.hostname, cache_dir, IMAGES)
    newest = col.rows[0].date
    guide = Link("政府信息公开指南", "/xxgk/zn/index.html", "")
    section = chrome.link_list([Link(site.column_name, COLUMN, ""), guide])
    planned = [
        robots(), pixel(IMAGES + "tujie.gif"), *col.planned,
        html_page(COLUMN + "index.html", newest, lambda: _column_page(site)),
        html_page("/index.html", newest, functools.partial(chrome.page, site.name, site.name, _nav(), section)),
        html_page("/xxgk/index.html", newest,
                  functools.partial(chrome.page, site.name, "政府信息公开", _nav(), section)),
        html_page("/xxgk/zn/index.html", "2020-06-01", functools.partial(
            chrome.page, site.name, "政府信息公开指南", _nav(), "<p>年度报告于每年1月31日前发布。</p>")),
    ]

    def respond(params: Mapping[str, str]) -> Reply:
        return Reply(list_json(site, col.rows, params), JSON, day(newest))

    pages = max(1, math.ceil(len(col.rows) / site.per_page))
    lists = tuple(f"http://{site.hostname}{API}?siteId={site.site_id}&columnId={site.column_id}&pageNo={k}"
                  f"&pageSize={site.per_page}" for k in range(1, pages + 1))
    return SitePlan(tuple(planned), tuple(col.reports), (*col.decoys, f"http://{site.hostname}/xxgk/zn/index.html"),
                    endpoints=(Endpoint(API, respond),), endpoint_urls=lists, list_pages=lists)
