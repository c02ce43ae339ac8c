"""Families drawn by other generators of the sample web, taken in as values of the family knob: Hanweb's
xxgkAnnualReport module (sampleweb/hanweb_module.py) and columns split into year or unit sub-columns
(sampleweb/year_columns.py). Their own knobs come along, prefixed, so the per-knob report covers them too."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sampleweb.document import ReportDoc
from sampleweb.family import Entry
from sampleweb.hanweb_module import module_site, module_spec
from sampleweb.site import SiteSpec
from sampleweb.trs_site import ReportEntry
from sampleweb.year_columns import year_columns_site, year_columns_spec


@dataclass(frozen=True)
class Foreign:
    """A generated site of another generator: its spec, its own knob values, and its reports' documents."""

    spec: SiteSpec
    knobs: Mapping[str, str]
    documents: Mapping[tuple[str, int], Callable[[], ReportDoc]]  # (unit, year) → document


def _knobs(prefix: str, knobs: object) -> dict[str, str]:
    return {f"{prefix}.{name}": str(value) for name, value in dataclasses.asdict(knobs).items()}  # type: ignore[call-overload]


def _documents(entries: list[Entry]) -> dict[tuple[str, int], Callable[[], ReportDoc]]:
    return {(e.unit, e.year): e.make_doc for e in entries if isinstance(e, ReportEntry)}


def hanweb_module(seed: int) -> Foreign:
    site = module_site(seed)
    return Foreign(module_spec(seed), _knobs("module", site.knobs), _documents(list(site.reports.values())))


def year_columns(seed: int) -> Foreign:
    site = year_columns_site(seed)
    entries = list(site.own) + [e for sub in site.subs for e in sub.entries]
    return Foreign(year_columns_spec(seed), _knobs("year_columns", site.knobs), _documents(entries))


FOREIGN: dict[str, Callable[[int], Foreign]] = {"hanweb-module": hanweb_module, "year-columns": year_columns}
