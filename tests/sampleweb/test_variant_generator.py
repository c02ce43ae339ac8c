"""The variant generator (sampleweb/variants) on its own, without a crawl: every knob value is drawn somewhere in
the suite's 200 sites, knobs are independent of each other, and the truth matches what the sites serve."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from sampleweb.resources import DEFAULT_CACHE_DIR
from sampleweb.site import Planned
from sampleweb.variants import knobs as k
from sampleweb.variants import variant_plan, variant_spec, variant_truth
from sampleweb.variants.documents import doc_text, variant_doc
from sampleweb.variants.metadata import label
from sampleweb.variants.names import county, units

SUITE = range(200)


def _drawn() -> Counter[tuple[str, str]]:
    seen: Counter[tuple[str, str]] = Counter()
    for seed in SUITE:
        for knobs in variant_truth(seed).report_knobs.values():
            seen.update(knobs.items())
    return seen


@pytest.mark.parametrize("knob", k.SITE_KNOBS + k.REPORT_KNOBS, ids=lambda knob: knob.name)
def test_every_value_of_every_knob_is_drawn_by_the_suite_s_sites(knob: k.Knob) -> None:
    drawn = _drawn()
    missing = [value for value in knob.values if drawn[(knob.name, value)] < 2]
    assert missing == [], f"{knob.name}: values drawn fewer than twice in {len(SUITE)} sites"


def test_a_knob_s_value_does_not_depend_on_another_knob() -> None:
    # Family and charset are drawn from different hashes: every pair of values occurs in 200 sites.
    pairs = {(variant_truth(s).site_knobs["family"], variant_truth(s).site_knobs["charset"]) for s in SUITE}
    ours = [family for family in k.FAMILY.values if family not in k.FOREIGN_FAMILIES]
    assert {pair for pair in pairs if pair[0] in ours} == {(f, c) for f in ours for c in k.CHARSET.values}


def test_sites_are_stable_and_distinct() -> None:
    assert variant_truth(7).reports == variant_truth(7).reports
    hosts = {variant_spec(s).hostname for s in SUITE}
    names = {variant_spec(s).name for s in SUITE}
    assert len(hosts) == len(names) == len(SUITE)


def _pages(seed: int) -> dict[str, Planned]:
    return {p.path: p for p in variant_plan(seed, DEFAULT_CACHE_DIR).pages}


# Sites of our own families (the others' generators test their sites themselves).
OURS = [seed for seed in SUITE if variant_truth(seed).family not in k.FOREIGN_FAMILIES]


@pytest.mark.parametrize("seed", OURS[::7])
def test_the_truth_is_what_the_site_serves(seed: int) -> None:
    truth = variant_truth(seed)
    pages, path = _pages(seed), lambda url: url.split(truth.spec.hostname, 1)[1]  # noqa: E731
    for report in truth.reports:
        assert pages[path(report.page_url)].status == 200
        assert all(path(u) in pages for u in report.attachment_urls if "downfile.jsp" not in u)
    for url in truth.dead_urls + truth.decoy_urls:
        assert (path(url) in pages) == (url in truth.decoy_urls)


@pytest.mark.parametrize("charset", k.CHARSET.values)
def test_pages_come_in_the_charset_drawn_declared_or_not(charset: str) -> None:
    seed = next(s for s in SUITE if variant_truth(s).site_knobs["charset"] == charset)
    truth = variant_truth(seed)
    page = _pages(seed)[truth.reports[0].page_url.split(truth.spec.hostname, 1)[1]]
    body = page.render()
    assert truth.spec.name in body.decode(charset.removesuffix("-undeclared"))
    declared = re.search(rb"charset=", body) is not None or "charset" in page.content_type
    assert declared == (not charset.endswith("-undeclared"))


@pytest.mark.parametrize("evidence", ["title", "memo-only", "signature-only", "everywhere"])
def test_the_unit_is_named_only_where_the_knob_says(evidence: str) -> None:
    unit = units(3)[1]
    doc = variant_doc(county(3), unit, 2022, evidence, 3)
    title_names = unit in doc.title
    memo = next(b.text for b in doc.blocks if b.kind == "para")
    signed = doc.blocks[-2].text == unit
    assert (title_names, unit in memo, signed) == {
        "title": (True, True, False), "memo-only": (False, True, False), "signature-only": (False, False, True),
        "everywhere": (True, True, True)}[evidence]
    assert unit in doc_text(doc)


def test_labels_are_spelled_as_county_templates_spell_them() -> None:
    assert label("名称", "nbsp") == "名&nbsp;&nbsp;&nbsp;&nbsp;称："
    assert label("来源", "ideographic") == "来　　源："
    assert label("发布机构", "no-colon") == "发布机构"
    assert label("发布机构", "halfwidth") == "发布机构:"


def test_a_site_publishes_each_unit_s_report_for_a_year_once() -> None:
    """One report per (unit, year) and site: the suite counts a report found by its page, so a generator that put
    one unit's report on two pages would ask for a report the archive rightly keeps once."""
    doubled = {}
    for seed in SUITE:
        truth = variant_truth(seed)
        counts = Counter((r.unit_name, r.report_year) for r in truth.reports)
        if any(n > 1 for n in counts.values()):
            doubled[seed] = [key for key, n in counts.items() if n > 1]
    assert doubled == {}
