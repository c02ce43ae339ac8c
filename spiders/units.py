"""The units a site shows — its county government, departments, towns, streets — read from its annual-report
module's unit choices, its column tree's unit sub-columns and the registry (the site's row, and the rows whose
parent it is). Names are kept as the site writes them; nothing is expanded or invented here."""

from __future__ import annotations

from collections.abc import Iterable

from kernel import report as rk
from parsing.identity import unit_level_of
from spiders import discovery as rules
from spiders.links import Link
from spiders.modules import ModuleChoices
from spiders.registry import Site
from storage.units import SiteUnit

# How a module or menu groups its units (an <optgroup> label, a group sub-column's name) → the level of its members.
GROUP_LEVELS = ((("街道",), rk.LEVEL_SUBDISTRICT), (("乡镇", "镇", "乡"), rk.LEVEL_TOWN),
                (("部门", "县直", "区直", "市直", "单位"), rk.LEVEL_DEPARTMENT))
_PLACE_LEVELS = (rk.LEVEL_TOWN, rk.LEVEL_SUBDISTRICT)


def level_of(name: str, group: str = "") -> str:
    """The unit's level from its name (parsing.identity), else from the group it is listed in."""
    level = unit_level_of(name)
    if level not in (None, rk.LEVEL_OTHER):
        return str(level)
    for words, grouped in GROUP_LEVELS:
        if any(word in group for word in words):
            return grouped
    return rk.LEVEL_OTHER


def region_of(code: str, level: str, site_region: str | None) -> str | None:
    """A unit's region code: a town's or street's own 行政区划 code when the site's code for it is one (9 or 12
    digits under the county's), the county's for its government and departments; else unknown."""
    if level in _PLACE_LEVELS:
        digits = code.isdigit() and len(code) in (9, 12)
        return code if digits and site_region and code.startswith(site_region) else None
    return site_region if level in (rk.LEVEL_COUNTY, rk.LEVEL_COUNTY_OFFICE, rk.LEVEL_DEPARTMENT) else None


def module_units(choices: ModuleChoices, site: Site) -> list[SiteUnit]:
    """The units an annual-report module offers, with the module's code for each."""
    out = []
    for unit in choices.units.values():
        if unit.name:
            level = level_of(unit.name, unit.group)
            out.append(SiteUnit(unit.name, level, region_of(unit.code, level, site.region_code), unit.code,
                                "module-select" if unit.group or unit.code else "module-link"))
    return out


def subcolumn_units(links: Iterable[Link], site: Site) -> list[SiteUnit]:
    """Sub-columns named after one unit (教育局, 城关镇 — not a group such as 乡镇（街道）, not a year)."""
    out = []
    for link in links:
        name = link.text.strip()
        if rules.UNIT_SUBCOLUMN_TEXT.match(name) and not rules.UNIT_GROUP_TEXT.match(name) and \
                not rules.YEAR_IN_TEXT.search(name) and len(name) > 1:
            level = level_of(name)
            out.append(SiteUnit(name, level, region_of("", level, site.region_code), None, link.rule))
    return out


def registry_units(site: Site, registry: Iterable[Site]) -> list[SiteUnit]:
    """The site itself, and the registry's sites whose parent it is (a town's own site, a department's)."""
    out = [SiteUnit(site.name, level_of(site.name), site.region_code, None, "registry")]
    for child in registry:
        if child.parent == site.id and child.id != site.id:
            out.append(SiteUnit(child.name, level_of(child.name), child.region_code, None, "registry"))
    return out
