"""Whether a page that shows no list to static rules draws one with a script (and so is worth a browser render)."""

from __future__ import annotations

from archive.html_links import html_tree
from spiders import discovery as rules


def draws_list_by_script(text: str) -> bool:
    """Its inline scripts fetch data or write markup (fetch, XMLHttpRequest, $.ajax, innerHTML, a template), it
    loads a list or framework script (jpage, pagination, vue, app bundles), or it has a framework's mount point
    or template attributes (id="app", v-for, ng-repeat)."""
    sel = html_tree(text)
    if any(rules.SCRIPT_LIST_CODE.search(code) for code in sel.css("script::text").getall()):
        return True
    if any(rules.SCRIPT_LIST_SRC.search(src) for src in sel.css("script::attr(src)").getall()):
        return True
    return bool(rules.SCRIPT_LIST_MARKUP.search(text))
