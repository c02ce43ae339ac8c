"""Pages in another encoding: a planned HTML page re-encoded in GBK or GB18030, its charset declared (in the
Content-Type header and the page's <meta>) or not declared anywhere, as older county templates serve them."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from sampleweb.site import Planned

_CHARSET = re.compile(r"charset=[\"']?([\w-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]*charset=[^>]*>\s*", re.I)


def _declared(content_type: str) -> str:
    m = _CHARSET.search(content_type)
    return m.group(1) if m else "utf-8"


def recode(body: bytes, source: str, target: str, declare: bool) -> bytes:
    """``body`` (an HTML page in ``source``) in ``target``, its <meta> charset changed or, undeclared, removed."""
    text = body.decode(source)
    if declare:
        text = _CHARSET.sub(f"charset={target}", text)
        return text.encode(target, "xmlcharrefreplace")
    return _META_CHARSET.sub(b"", text.encode(target, "xmlcharrefreplace"))


def transcode(planned: Planned, charset: str) -> Planned:
    """``planned`` served in ``charset`` ("utf-8", "gbk", "gb18030", "gbk-undeclared" …); other than HTML pages
    are left as they are."""
    target, declare = charset.removesuffix("-undeclared"), not charset.endswith("-undeclared")
    source = _declared(planned.content_type)
    if not planned.content_type.startswith("text/html") or planned.status != 200 or (target, declare) == (
            source, True):
        return planned
    render: Callable[[], bytes] = planned.render
    content_type = f"text/html; charset={target}" if declare else "text/html"
    return dataclasses.replace(planned, content_type=content_type,
                               render=lambda: recode(render(), source, target, declare))
