"""The knobs of a generated variant site: each knob a named tuple of values, its value a small function of the seed.

A value is drawn from a hash of (knob, seed, item), so knobs are independent of each other and a site's value of
one knob never moves when another knob gains a value. ``applies`` narrows a knob to the families that can show it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Knob:
    """A named choice and its values; ``families`` (empty: all) says where it can be turned."""

    name: str
    values: tuple[str, ...]
    families: tuple[str, ...] = ()
    weights: tuple[int, ...] = ()  # how often each value is drawn (default: equally often)

    def pick(self, seed: int, item: object = "", family: str = "") -> str:
        """The value for ``seed`` (and ``item`` within the site); "n/a" on a family the knob does not apply to."""
        if self.families and family not in self.families:
            return "n/a"
        pool = [v for v, w in zip(self.values, self.weights or (1,) * len(self.values), strict=True) for _ in range(w)]
        return choose(pool, self.name, seed, item)


def choose(values: Sequence[str], *key: object) -> str:
    """One of ``values``, stable for ``key``."""
    digest = hashlib.sha256("|".join(map(str, key)).encode()).digest()
    return values[int.from_bytes(digest[:8], "big") % len(values)]


TRS_LIKE = ("trs", "trs6")
FOREIGN_FAMILIES = ("hanweb-module", "year-columns")  # drawn with knobs of their own (sampleweb/variants/foreign.py)
# --- site knobs ---------------------------------------------------------------------------------------------
# hanweb-module and year-columns are drawn by sampleweb/hanweb_module.py and sampleweb/year_columns.py.
# Their sites hold many more reports than ours (every unit × year): they are drawn less often.
FAMILY = Knob("family", ("trs", "trs6", "hanweb", "vsb", "jiyue", "kaipu", "hanweb-module", "year-columns"),
              weights=(5, 5, 5, 5, 5, 5, 1, 1))
PAGES = Knob("pages", ("single", "paged"))
CHARSET = Knob("charset", ("utf-8", "gbk", "gb18030", "gbk-undeclared", "gb18030-undeclared"))
META_BLOCK = Knob("meta_block", ("family", "full", "partial", "absent"))
LABEL_SPELLING = Knob("label_spelling", ("halfwidth", "fullwidth", "nbsp", "ideographic", "no-colon"))
LABEL_CELL = Knob("label_cell", ("td", "th", "span", "li", "inline"))
PUBLISHER_LABEL = Knob("publisher_label", ("发布机构", "来源", "信息来源", "发文机关"))
SUB_COLUMNS = Knob("sub_columns", ("none", "first-page", "later-page", "navigation"), TRS_LIKE)
DECOYS = Knob("decoys", ("none", "notice", "jiedu", "tujie", "all"))
DEAD_LINK = Knob("dead_link", ("none", "dead-report-link"))
# --- report knobs -------------------------------------------------------------------------------------------
# Files cost most (rendered, then parsed): inline reports are drawn more often, so the suite stays fast.
KIND = Knob("kind", ("html_inline", "pdf", "docx", "html+pdf", "images"), weights=(8, 1, 1, 1, 1))
PAGE_TITLE = Knob("page_title", ("full", "no-unit", "abbreviated", "spaced"))
UNIT_EVIDENCE = Knob("unit_in_doc", ("title", "memo-only", "signature-only", "everywhere"))
PUBLISHER = Knob("publisher", ("unit", "county-office"))
BROKEN_ATTACHMENT = Knob("broken_attachment", ("none", "404"))
OTHER_YEARS = Knob("other_year_links", ("none", "links"))

SITE_KNOBS = (FAMILY, PAGES, CHARSET, META_BLOCK, LABEL_SPELLING, LABEL_CELL, PUBLISHER_LABEL, SUB_COLUMNS,
              DECOYS, DEAD_LINK)
REPORT_KNOBS = (KIND, PAGE_TITLE, UNIT_EVIDENCE, PUBLISHER, BROKEN_ATTACHMENT, OTHER_YEARS)
