"""Pagination: the other list pages of a column, in every form county CMSs write them.

`pager_links(url, text, links, this_year)` returns the list pages (or list data requests) a list page
points to, each tagged with the rule that found it. Pure functions; limits are applied by the spider.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import chain, islice
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

from spiders import discovery as rules
from spiders.links import Link

# A page that claims more list pages than this (createPageHTML(10**9, …), a huge totalRecord) is broken or hostile:
# its pager is read this far only, so that the claim costs no time (the spider's max_list_pages cuts lower still).
MAX_PAGER_LINKS = 10_000


def pager_links(url: str, text: str, links: list[Link], this_year: int) -> list[Link]:
    """Every other list page this page leads to (duplicates removed, the page itself left out)."""
    found = islice(chain(trs_pages(url, text), linked_pages(url, links), counted_pages(url, text, links),
                         jpage_requests(url, text), jpaas_requests(url, text)), MAX_PAGER_LINKS)
    seen = {url}
    out = []
    for link in found:
        if link.url not in seen:
            seen.add(link.url)
            out.append(link)
    return out


def trs_pages(url: str, text: str) -> Iterator[Link]:
    """TRS createPageHTML, 4-argument (current 0-based) and 6-argument (current 1-based) forms; read on the
    first page only. Page k (k ≥ 2) is name_{k-1}.ext in both."""
    for count, current, name, ext in rules.TRS_PAGER_4.findall(text):
        if int(current) == 0:
            yield from (Link(urljoin(url, f"{name}_{k}.{ext}"), "", "trs-createPageHTML")
                        for k in range(1, int(count)))
    for count, current, name, ext in rules.TRS_PAGER_6.findall(text):
        if int(current) == 1:
            yield from (Link(urljoin(url, f"{name}_{k}.{ext}"), "", "trs-createPageHTML-6")
                        for k in range(1, int(count)))


def _pager_form(url: str) -> tuple[str, str, int] | None:
    """(form, template with {n}, n) when `url` looks like a numbered list page."""
    parts = urlsplit(url)
    m = rules.PAGER_QUERY.search(parts.query)
    if m:
        query = parts.query[:m.start("n")] + "{n}" + parts.query[m.end("n"):]
        return "query-" + m.group("key"), urlunsplit(parts._replace(query=query)), int(m.group("n"))
    for form, pattern in rules.PAGER_HREF:
        m = pattern.search(parts.path)
        if m:
            path = parts.path[:m.start("n")] + "{n}" + parts.path[m.end("n"):]
            return form, urlunsplit(parts._replace(path=path, query="")), int(m.group("n"))
    return None


def _near(url: str, page: str) -> bool:
    """A pager link stays beside the list page: same folder, the folder named after it, or same path."""
    a, b = urlsplit(url), urlsplit(page)
    if a.netloc != b.netloc:
        return False
    folder = b.path.rsplit("/", 1)[0] + "/"
    stem = re.sub(r"\.s?html?$", "/", b.path)
    return a.path == b.path or a.path.startswith(folder) and a.path.count("/") <= folder.count("/") + 1 \
        or a.path.startswith(stem)


def linked_pages(url: str, links: list[Link]) -> Iterator[Link]:
    """Pager links: 下一页 / 尾页 / numbered links, list_N.html, page_N.html, N.html, ?page=N, cur_page=N."""
    for link in links:
        if rules.JPAGE_PROXY.search(urlsplit(link.url).path):
            continue  # jpage's own <nextgroup> link: the groups are asked for by jpage_requests
        form = _pager_form(link.url)
        text_says_pager = bool(rules.PAGER_TEXT.match(link.text))
        if not _near(link.url, url):
            continue
        if form and (text_says_pager or form[0] != "numeric-n"):
            yield Link(link.url, link.text, f"pager-link:{form[0]}")
        elif text_says_pager and (rules.NEXT_PAGE_TEXT.match(link.text) or rules.LAST_PAGE_TEXT.match(link.text)):
            yield Link(link.url, link.text, "next-link")


def counted_pages(url: str, text: str, links: list[Link]) -> Iterator[Link]:
    """On a first page, every page at once: from its 下一页 link to its 尾页 link (ascending or, as VSB numbers
    them, descending), or with 共N页 and the 下一页 link's number (page 2 fixes the offset)."""
    if _pager_form(url) is not None:
        return
    nxt = _text_link_form(url, links, rules.NEXT_PAGE_TEXT)
    if nxt is None:
        return
    last = _text_link_form(url, links, rules.LAST_PAGE_TEXT)
    if last is not None and last[1] == nxt[1]:
        low, high = sorted((nxt[2], last[2]))
        numbers, rule = range(low, high + 1), f"last-link:{nxt[0]}"
    else:
        m = rules.PAGE_COUNT_TEXT.search(text)
        if not m:
            return
        total, offset = int(next(g for g in m.groups()[1:] if g)), nxt[2] - 2
        numbers, rule = range(2 + offset, total + offset + 1), f"page-count:{nxt[0]}"
    yield from (Link(nxt[1].replace("{n}", str(n)), "", rule) for n in numbers)


def _text_link_form(url: str, links: list[Link], text: re.Pattern[str]) -> tuple[str, str, int] | None:
    for link in links:
        if text.match(link.text) and _near(link.url, url):
            form = _pager_form(link.url)
            if form:
                return form
    return None


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update(params)
    return urlunsplit(parts._replace(query=urlencode(query, safe="/:{},\"")))


def jpage_requests(url: str, text: str) -> Iterator[Link]:
    """Hanweb jpage: dataproxy.jsp?startrecord=…&endrecord=…&perpage=…&columnid=…&unitid=…&webid=… with the ids,
    perPage, groupSize and totalRecord read from the column page (or, on a dataproxy answer, from its own URL
    and <totalrecord>). One request per group of pages, as the jpage plugin asks."""
    parts = urlsplit(url)
    total_m = rules.JPAGE_TOTAL.search(text)
    if rules.JPAGE_PROXY.search(parts.path):
        query = dict(parse_qsl(parts.query))
        if query.get("startrecord") != "1" or not total_m:
            return
        proxy, ids = url.split("?", 1)[0], {k: query.get(k, "") for k in rules.JPAGE_PARAM}
        per_page = _digits(query.get("perpage"), rules.JPAGE_DEFAULT_PER_PAGE)
        step = _digits(query.get("endrecord"), per_page)  # startrecord is 1: the first answer's size is the step
    else:
        proxy_m = rules.JPAGE_PROXY.search(text)
        ids = {k: m.group(1) for k, p in rules.JPAGE_PARAM.items() if (m := p.search(text))}
        if not proxy_m or "columnid" not in ids:
            return
        proxy = urljoin(url, proxy_m.group(1))
        per_m, group_m = rules.JPAGE_PER_PAGE.search(text), rules.JPAGE_GROUP_SIZE.search(text)
        per_page = int(per_m.group(2)) if per_m else rules.JPAGE_DEFAULT_PER_PAGE
        step = per_page * (int(group_m.group(1)) if group_m else rules.JPAGE_DEFAULT_GROUP)
    total = int(total_m.group(2)) if total_m else step
    if step < 1 or per_page < 1:
        return  # "perPage: 0": a broken pager, not a request to make
    for first in range(1, total + 1, step):
        ask: dict[str, object] = {"startrecord": first, "endrecord": first + step - 1, "perpage": per_page,
                 "columnid": ids.get("columnid", ""), "unitid": ids.get("unitid", ""), "webid": ids.get("webid", "")}
        yield Link(f"{proxy}?{urlencode(ask)}", "", "jpage")


def _digits(value: str | None, default: int) -> int:
    return int(value) if value and value.isascii() and value.isdigit() else default


def jpaas_requests(url: str, text: str) -> Iterator[Link]:
    """Kaipu jpaas: the unit-builder JSON URL named in a page (paramJson.pageNo = 1); its JSON answers page on."""
    if _looks_like_json(text):
        yield from json_pages(url, text)
        return
    m = rules.JPAAS_URL.search(text)
    if m:
        yield Link(_set_page_no(urljoin(url, m.group(1).replace("&amp;", "&")), 1), "", "jpaas")


def _looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def json_pages(url: str, text: str) -> Iterator[Link]:
    """A JSON list answer for page 1 (?pageNo=1 or paramJson pageNo 1): pages 2…P, P from the JSON's page
    count or its total over the page size."""
    try:
        data = json.loads(text)
    except ValueError:
        return
    form = _pager_form(url)
    in_param_json = "paramJson" in urlsplit(url).query
    if not in_param_json and (form is None or not form[0].startswith("query-") or form[2] != 1):
        return
    if in_param_json and _page_no(url) != 1:
        return
    pages = _json_int(data, rules.JSON_PAGES_KEYS)
    if pages is None:
        total = _json_int(data, rules.JSON_TOTAL_KEYS)
        size = _json_int(data, rules.JSON_PAGE_SIZE_KEYS) or (_page_size(url) if in_param_json else None)
        pages = -(-total // size) if total is not None and size else None
    for n in range(2, (pages or 1) + 1):
        target = _set_page_no(url, n) if in_param_json else form[1].replace("{n}", str(n)) if form else url
        yield Link(target, "", "json-pager")


def _json_int(data: object, keys: tuple[str, ...]) -> int | None:
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in keys:
                if isinstance(node.get(key), int | str) and str(node[key]).isascii() and str(node[key]).isdigit():
                    return int(node[key])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


def _param_json(url: str) -> dict[str, object]:
    raw = dict(parse_qsl(urlsplit(url).query)).get("paramJson", "{}")
    try:
        value = json.loads(unquote(raw))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _page_no(url: str) -> int:
    return _digits(str(_param_json(url).get("pageNo", 1)), 1)


def _page_size(url: str) -> int:
    return _digits(str(_param_json(url).get("pageSize", 15)), 15)


def _set_page_no(url: str, n: int) -> str:
    param = {**_param_json(url), "pageNo": n}
    return _with_query(url, paramJson=json.dumps(param, separators=(",", ":")))

