"""`nianbao sites list|add|check` against the sample web, on a registry file of the test's own."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from sampleweb.server import SampleWebServer
from tests.conftest import run_nianbao

PINGLUO = ('[pingluo]\nname = "平罗县"\nregion_code = "640221"\nhome_url = "http://www.pingluo.gov.cn/"\n'
           'family = "trs"\n')
GONE = '\n[gone]\nname = "无此县"\nhome_url = "http://www.wucixian.gov.cn/"\n'


def _env(tmp_path: Path, registry: str) -> dict[str, str]:
    path = tmp_path / "sites.toml"
    path.write_text(registry, "utf-8")
    return {"NIANBAO_HOME": str(tmp_path / "data"), "NIANBAO_REGISTRY": str(path)}


def test_sites_add_detects_family_and_column(sampleweb: SampleWebServer, tmp_path: Path) -> None:
    env = _env(tmp_path, PINGLUO)
    out = run_nianbao(["sites", "add", "http://www.huinong.gov.cn/", "--region-code", "640205",
                       "--proxy", sampleweb.proxy_url], env)
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    assert "column url=http://www.huinong.gov.cn/xxgk/ndbg.htm rule=column-text" in out.stdout
    rows = tomllib.loads(Path(env["NIANBAO_REGISTRY"]).read_text("utf-8"))
    assert rows["huinong"] == {"name": "惠农区", "region_code": "640205", "home_url": "http://www.huinong.gov.cn/",
                               "family": "vsb"}
    again = run_nianbao(["sites", "add", "http://www.huinong.gov.cn/", "--proxy", sampleweb.proxy_url], env)
    assert again.returncode != 0 and "already" in again.stderr


def test_sites_check_validates_every_row_and_records_alerts(sampleweb: SampleWebServer, tmp_path: Path) -> None:
    env = _env(tmp_path, PINGLUO + GONE)
    out = run_nianbao(["sites", "check", "--proxy", sampleweb.proxy_url], env)
    assert out.returncode == 1, out.stdout + out.stderr[-3000:]
    lines = {line.split()[0]: line.split() for line in out.stdout.splitlines() if line.strip()}
    assert "alert site=gone" in out.stdout and "kind=unreachable source=check" in out.stdout
    assert lines["pingluo"][1:5] == ["ok", "yes", "1", "15"]
    assert lines["gone"][1:3] == ["unreachable", "no"]
    alerts = (tmp_path / "data" / "alerts" / "gone.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(a)["kind"] for a in alerts] == ["unreachable"]
    listed = run_nianbao(["sites", "list"], env)
    assert listed.returncode == 0
    assert [line.split()[-1] for line in listed.stdout.splitlines() if line.startswith(("pingluo", "gone"))] == [
        "0", "1"]
