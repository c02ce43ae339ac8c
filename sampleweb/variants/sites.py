"""Generated variant sites as the sample web serves them: SiteSpec, plan (family plan, dead link removed, pages
re-encoded) and the truth a crawl is checked against, with the knob values of every site and report."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sampleweb.document import ReportDoc
from sampleweb.resources import DEFAULT_CACHE_DIR
from sampleweb.site import ExpectedReport, SitePlan, SiteSpec
from sampleweb.variants import knobs as k
from sampleweb.variants import names
from sampleweb.variants.drafts import variant
from sampleweb.variants.encoding import transcode
from sampleweb.variants.families import PLANNERS, REGISTRY_FAMILY
from sampleweb.variants.foreign import FOREIGN


@dataclass(frozen=True)
class VariantTruth:
    """What generated site ``seed`` promises: its reports (with the knob values each was drawn with, site's and
    its own), the documents behind them, pages that must not be taken for reports, and dead links."""

    seed: int
    spec: SiteSpec
    family: str
    site_knobs: Mapping[str, str]
    reports: tuple[ExpectedReport, ...]
    report_knobs: Mapping[str, Mapping[str, str]]  # page URL → knob values (site knobs included)
    documents: Mapping[str, Callable[[], ReportDoc]]  # page URL → the report document shown or attached
    decoy_urls: tuple[str, ...]
    dead_urls: tuple[str, ...]  # report links that answer 404


def _family_plan(seed: int, cache_dir: Path) -> tuple[SitePlan, list[ExpectedReport]]:
    """The family's plan of site ``seed`` with the dead-linked report's page (and files) gone, pages re-encoded;
    and the reports whose pages are gone."""
    drawn = variant(seed)
    plan = PLANNERS[drawn.family](drawn.draft, cache_dir)
    dead = [r for r in plan.reports if (r.unit_name, r.report_year) in drawn.dead]
    gone = {urlsplit(u).path for r in dead for u in (r.page_url, *r.attachment_urls)}
    charset = drawn.knobs[k.CHARSET.name]
    pages = tuple(transcode(p, charset) for p in plan.pages if p.path not in gone)
    kept = tuple(r for r in plan.reports if r not in dead)
    return dataclasses.replace(plan, pages=pages, reports=kept), dead


def variant_plan(seed: int, cache_dir: Path) -> SitePlan:
    """Everything site ``seed`` serves, rendered lazily."""
    return _family_plan(seed, cache_dir)[0]


def variant_spec(seed: int) -> SiteSpec:
    """The SiteSpec of site ``seed`` (registry id variantNNNN, host www.variantNNNN.gov.cn; the other generators'
    own ids and hosts for their families)."""
    family = variant(seed).family
    if family in FOREIGN:
        return FOREIGN[family](seed).spec
    return SiteSpec(names.site_id(seed), names.hostname(seed), names.county_short(seed), names.region_code(seed),
                    REGISTRY_FAMILY[variant(seed).family], functools.partial(variant_plan, seed))


def variant_specs(count: int, first: int = 0) -> list[SiteSpec]:
    return [variant_spec(seed) for seed in range(first, first + count)]


@functools.cache
def variant_truth(seed: int) -> VariantTruth:
    """What site ``seed`` promises (planning renders nothing: this is cheap)."""
    drawn = variant(seed)
    if drawn.family in FOREIGN:
        return _foreign_truth(seed, drawn.knobs)
    plan, dead = _family_plan(seed, Path(DEFAULT_CACHE_DIR))
    by_identity = {(r.entry.unit, r.entry.year): r for r in drawn.reports}
    report_knobs, documents = {}, {}
    for report in plan.reports:
        drafted = by_identity[(report.unit_name, report.report_year)]
        report_knobs[report.page_url] = {**drawn.knobs, **drafted.knobs}
        documents[report.page_url] = drafted.entry.make_doc
    return VariantTruth(seed, variant_spec(seed), drawn.family, drawn.knobs, plan.reports, report_knobs, documents,
                        plan.decoy_urls, tuple(r.page_url for r in dead))


def _foreign_truth(seed: int, site_knobs: Mapping[str, str]) -> VariantTruth:
    foreign = FOREIGN[site_knobs[k.FAMILY.name]](seed)
    plan = foreign.spec.plan(Path(DEFAULT_CACHE_DIR))
    knobs = {**site_knobs, **{knob.name: "n/a" for knob in k.REPORT_KNOBS}, **foreign.knobs}
    return VariantTruth(seed, foreign.spec, site_knobs[k.FAMILY.name], site_knobs, plan.reports,
                        {r.page_url: knobs for r in plan.reports},
                        {r.page_url: foreign.documents[(r.unit_name, r.report_year)] for r in plan.reports},
                        plan.decoy_urls, ())
