"""A site's units (storage/units.py, migration 0007), on SQLite and PostgreSQL: added once, completed, never lost;
and read from what the site shows (spiders/units.py): the Hanweb module's unit select, unit sub-columns, the
registry — with levels and region codes, checked against the generated module sites' truth."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from alembic import command

from sampleweb.hanweb_module import module_page, module_site
from spiders.modules import module_choices
from spiders.registry import Site
from spiders.units import level_of, module_units, registry_units, subcolumn_units
from storage.catalog import Catalog
from storage.db import alembic_config, open_catalogue
from storage.units import SiteUnit, known_units, record_units, site_units
from tests.storage.storage_helpers import SITE, T0

PINGLUO = Site(id="pingluo", name="平罗县", home_url="http://www.pingluo.gov.cn/", region_code="640221")


def test_units_are_added_once_completed_and_kept(database_url: str) -> None:
    sessions = open_catalogue(database_url)
    Catalog(sessions).upsert_site(SITE)
    first = [SiteUnit("平罗县教育局", "department", None, None, "unit-subcolumn"),
             SiteUnit("平罗县城关镇人民政府", "town", None, "640221100", "module-select")]
    assert record_units(sessions, "pingluo", first, T0) == 2
    later = [SiteUnit("平罗县教育局", "department", "640221", "11640221MB0000001X", "module-select")]
    assert record_units(sessions, "pingluo", later, T0 + timedelta(days=7)) == 0
    units = {u.name: u for u in site_units(sessions, "pingluo")}
    assert units["平罗县教育局"] == SiteUnit("平罗县教育局", "department", "640221", "11640221MB0000001X",
                                          "unit-subcolumn")
    assert units["平罗县城关镇人民政府"].code == "640221100"  # not seen this time, still known
    assert dict(known_units(sessions, "pingluo")) == {"平罗县城关镇人民政府": None, "平罗县教育局": "640221"}


def test_migration_0007_goes_down_and_up(database_url: str) -> None:
    sessions = open_catalogue(database_url)
    Catalog(sessions).upsert_site(SITE)
    record_units(sessions, "pingluo", [SiteUnit("平罗县教育局", "department", source="registry")], T0)
    config = alembic_config(database_url)
    command.downgrade(config, "-1")
    command.upgrade(config, "head")
    assert site_units(sessions, "pingluo") == []  # the table went and came back empty
    assert record_units(sessions, "pingluo", [SiteUnit("平罗县教育局", source="registry")], T0) == 1


def test_module_units_have_their_levels_codes_and_region_codes() -> None:
    for seed in range(12):
        site = module_site(seed)
        row = Site(id="x", name=site.county.short, home_url=f"http://{site.hostname}/", region_code=site.region_code)
        page = module_page(site, {}).decode("utf-8")
        choices = module_choices(f"http://{site.hostname}/module/xxgk/xxgkAnnualReport.jsp", page, 2026)
        assert choices is not None
        found = {u.name: u for u in module_units(choices, row)}
        assert set(found) == {u.name for u in site.units}, (seed, site.knobs)
        for unit in site.units:
            got = found[unit.name]
            assert (got.level, got.code) == (unit.level, unit.code), (seed, unit)
            numeric_place = unit.level in ("town", "subdistrict") and unit.code.isdigit()
            expected_region = unit.code if numeric_place else None if unit.level in ("town", "subdistrict") \
                else site.region_code
            assert got.region_code == expected_region, (seed, unit, got)


def test_registry_units_are_the_site_and_its_children() -> None:
    town = Site(id="chengguan", name="平罗县城关镇", home_url="http://cg.pingluo.gov.cn/", region_code="640221100",
                parent="pingluo")
    other = dataclasses.replace(town, id="elsewhere", parent="yanchi")
    units = registry_units(PINGLUO, [PINGLUO, town, other])
    assert [(u.name, u.level, u.region_code) for u in units] == [("平罗县", "county", "640221"),
                                                                  ("平罗县城关镇", "town", "640221100")]


def test_only_sub_columns_named_after_one_unit_are_units() -> None:
    from spiders.links import Link

    links = [Link("http://h/a/", "教育局", "unit-subcolumn"), Link("http://h/b/", "乡镇（街道）", "unit-subcolumn"),
             Link("http://h/c/", "2021年", "year-subcolumn"), Link("http://h/d/", "城关镇", "nav-subcolumn")]
    units = subcolumn_units(links, PINGLUO)
    assert [(u.name, u.level, u.region_code) for u in units] == [("教育局", "department", "640221"),
                                                                  ("城关镇", "town", None)]
    assert level_of("东城街道办事处") == "subdistrict" and level_of("某某中心", "县直部门") == "department"
