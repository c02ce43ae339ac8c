"""Discovery rules as data: how a disclosure section, an annual-report column, a list pager, a report
article and an attachment are recognised on a county site, whatever its CMS."""

from __future__ import annotations

import re

# Navigation text that leads to the disclosure section.
SECTION_TEXT = re.compile(r"^(政府信息公开|信息公开|政务公开|政府公开)(目录|平台|专栏)?$")
SECTION_SLUG = re.compile(r"/(xxgk|zwgk|zfxxgk|gk)(/|$)", re.I)

# Names and URL slugs of the annual-report column.
COLUMN_TEXT = re.compile(
    r"(政府信息公开(工作)?年(度报告|报)|信息公开年(度报告|报)|年报专栏|^年度报告$|^年报$|公开年报)")
# A column name never carries a year; a report title does (column links are told apart by this).
YEAR_IN_TEXT = re.compile(r"(19|20)\d{2}\s*年")
COLUMN_SLUG = re.compile(
    r"/(zfxxgknb|xxgknb(_\d+)?|gknb|ndbg|xxgkndbg|tbnb|szfnb|xzndbg|zfxxgkndbg)(/|$)", re.I)

# Article links in a list page: TRS `./YYYYMM/tYYYYMMDD_<id>.html`, and the generic forms.
ARTICLE_HREF = re.compile(r"(/t\d{8}_\d+\.s?html?$|/art/\d{4}/|/content_\d+|/\d{6,}\.s?html?$|info/\d+)", re.I)
REPORT_TEXT = re.compile(r"(年度报告|年报)")

# TRS pager: createPageHTML(N, current, "index", "html") — page k (k ≥ 2) is index_{k-1}.html.
TRS_PAGER = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")
NEXT_PAGE_TEXT = re.compile(r"^(下一页|下页|>|›|»)$")

ATTACHMENT_EXT = re.compile(r"\.(pdf|docx?|wps|xlsx?|et|ofd|zip|rar|7z)$", re.I)
