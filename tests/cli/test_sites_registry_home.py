"""The registry an operator edits lives in NIANBAO_HOME (or NIANBAO_REGISTRY), never in the installed package.

`nianbao sites add`, `sites list` and a crawl run from a copy of the package tree whose shipped spiders/sites.toml
lacks 惠农区: the site is added to $NIANBAO_HOME/sites.toml, read on top of the shipped rows, listed and crawled,
and not one file of the package tree changes. Then the layering rules, on files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from kernel.config import Config
from kernel.errors import UnknownSiteError
from sampleweb.server import SampleWebServer
from sampleweb.truth import expected_reports
from spiders.registry import REGISTRY_FILE, DuplicateSiteError, ReadOnlyRegistryError, Site, add_site, load_registry
from tests.conftest import REPO

PACKAGES = ["kernel", "parsing", "storage", "archive", "lifecycle", "crawler", "spiders", "distributed", "scheduling",
            "web", "cli", "sampleweb"]


def _package_copy(root: Path) -> Path:
    """The installed code as a tree of its own, its shipped registry without the huinong row."""
    for package in PACKAGES:
        shutil.copytree(REPO / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "scrapy.cfg", root / "scrapy.cfg")
    shipped = root / "spiders" / "sites.toml"
    rows = shipped.read_text("utf-8").split("\n[")
    shipped.write_text("\n[".join(r for r in rows if not r.startswith("huinong]")), "utf-8")
    assert "huinong" in load_registry(REGISTRY_FILE) and "huinong" not in load_registry(shipped)
    return root


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def _nianbao(code: Path, args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NIANBAO_HOME": str(home), "NIANBAO_REGISTRY": "", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=code, env=env, capture_output=True, text=True,
                          timeout=300)


def test_sites_add_writes_to_nianbao_home_and_nothing_into_the_package(sampleweb: SampleWebServer,
                                                                      tmp_path: Path) -> None:
    code, home = _package_copy(tmp_path / "code"), tmp_path / "home"
    before = _digests(code)
    added = _nianbao(code, ["sites", "add", "http://www.huinong.gov.cn/", "--region-code", "640205",
                            "--proxy", sampleweb.proxy_url], home)
    assert added.returncode == 0, added.stdout + added.stderr[-3000:]
    assert f"registry={home / 'sites.toml'}" in added.stdout
    rows = tomllib.loads((home / "sites.toml").read_text("utf-8"))
    assert rows == {"huinong": {"name": "惠农区", "region_code": "640205", "home_url": "http://www.huinong.gov.cn/",
                                "family": "vsb"}}
    listed = _nianbao(code, ["sites", "list"], home)
    shipped_sites = len(load_registry(code / "spiders" / "sites.toml"))
    assert listed.returncode == 0 and f"{shipped_sites + 1} site(s)" in listed.stdout, listed.stdout
    assert [line.split()[0] for line in listed.stdout.splitlines()].count("huinong") == 1
    crawled = _nianbao(code, ["crawl", "huinong", "--proxy", sampleweb.proxy_url], home)
    assert crawled.returncode == 0, crawled.stdout[-3000:] + crawled.stderr[-3000:]
    assert f"{len(expected_reports('huinong'))} report(s)" in crawled.stdout
    again = _nianbao(code, ["sites", "add", "http://www.huinong.gov.cn/", "--proxy", sampleweb.proxy_url], home)
    assert again.returncode != 0 and "already" in again.stderr
    assert _digests(code) == before


def test_the_home_registry_adds_sites_and_overrides_shipped_rows_key_by_key(tmp_path: Path) -> None:
    config = Config.from_env({"NIANBAO_HOME": str(tmp_path)})
    shipped = REGISTRY_FILE.read_bytes()
    (tmp_path / "sites.toml").write_text('[pingluo]\nmax_list_pages = 7\nfamily = "vsb"\n', "utf-8")
    path = add_site(Site(id="xinxian", name="新县", home_url="http://www.xinxian.gov.cn/", region_code="411523"),
                    config=config)
    assert path == tmp_path / "sites.toml"
    registry = load_registry(config=config)
    assert set(load_registry(REGISTRY_FILE)) | {"xinxian"} == set(registry)
    assert registry["xinxian"].region_code == "411523"
    pingluo = registry["pingluo"]
    assert (pingluo.name, pingluo.family, pingluo.overrides["max_list_pages"]) == ("平罗县", "vsb", 7)
    with pytest.raises(DuplicateSiteError):  # a shipped site's host, under a new id
        add_site(Site(id="pl", name="平罗", home_url="http://www.pingluo.gov.cn/"), config=config)
    with pytest.raises(ReadOnlyRegistryError):
        add_site(Site(id="new", name="新", home_url="http://www.new.gov.cn/"), REGISTRY_FILE)
    assert REGISTRY_FILE.read_bytes() == shipped
    with (tmp_path / "sites.toml").open("a", encoding="utf-8") as f:
        f.write("\n[nosuch]\nmax_list_pages = 3\n")  # changes a site that is not shipped: an error, not a half row
    with pytest.raises(UnknownSiteError, match="nosuch"):
        load_registry(config=config)


def test_nianbao_registry_is_the_whole_registry_and_where_sites_are_added(tmp_path: Path) -> None:
    own = tmp_path / "own.toml"
    own.write_text('[gone]\nname = "无此县"\nhome_url = "http://www.wucixian.gov.cn/"\n', "utf-8")
    config = Config.from_env({"NIANBAO_HOME": str(tmp_path / "home"), "NIANBAO_REGISTRY": str(own)})
    assert add_site(Site(id="pingluo", name="平罗县", home_url="http://www.pingluo.gov.cn/"), config=config) == own
    assert list(load_registry(config=config)) == ["gone", "pingluo"]
    assert not (tmp_path / "home").exists()
