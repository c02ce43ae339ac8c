"""A crawl of the sample 平罗县 and its re-crawl (which revalidates: 304 → head-less revisits), shared by the
replay tests of this directory: pywb over the WARC files, WACZ exports, ReplayWeb.page in Chromium."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_timestamp

from archive.records import NOT_MODIFIED_PROFILE
from sampleweb.server import SampleWebServer
from sampleweb.truth import ExpectedReport, expected_reports
from tests.conftest import run_nianbao

SITE = "pingluo"


@dataclass(frozen=True)
class Recrawled:
    """The data directory after two crawls; ``originals``: URL → payload (content-encoding undone) as first
    archived; ``timeline``: URL → the 14-digit timestamp of each response or revisit record of it, in file order;
    ``confirmed``: URL → those of its server-not-modified revisits (the re-crawl's 304s); ``second_files``: the
    names of the re-crawl's WARC files."""

    home: Path
    env: dict[str, str]
    originals: dict[str, bytes]
    timeline: dict[str, list[str]]
    confirmed: dict[str, list[str]]
    reports: list[ExpectedReport]
    second_files: set[str]

    @property
    def warc_dir(self) -> Path:
        return self.home / "warcs"

    def report_urls(self) -> list[str]:
        """Every report page and attachment of the site (what replay must show)."""
        return [url for report in self.reports for url in (report.page_url, *report.attachment_urls)]


@pytest.fixture(scope="session")
def recrawled(sampleweb: SampleWebServer, tmp_path_factory: pytest.TempPathFactory) -> Recrawled:
    home = tmp_path_factory.mktemp("replay") / "data"
    env = {"NIANBAO_HOME": str(home)}
    files: list[set[str]] = []
    for _ in range(2):  # the crawl, then the re-crawl
        out = run_nianbao(["crawl", SITE, "--proxy", sampleweb.proxy_url], env)
        assert out.returncode == 0, out.stderr[-3000:]
        files.append({p.name for p in (home / "warcs").glob("*.warc.gz")})
    second_files = files[1] - files[0]
    originals: dict[str, bytes] = {}
    timeline: dict[str, list[str]] = {}
    confirmed: dict[str, list[str]] = {}
    for path in sorted((home / "warcs").glob("*.warc.gz")):
        with path.open("rb") as file:
            for record in ArchiveIterator(file):
                if record.rec_type not in ("response", "revisit"):
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                timestamp = iso_date_to_timestamp(record.rec_headers.get_header("WARC-Date"))
                timeline.setdefault(url, []).append(timestamp)
                if record.rec_type == "response":
                    originals.setdefault(url, record.content_stream().read())
                elif record.rec_headers.get_header("WARC-Profile") == NOT_MODIFIED_PROFILE:
                    confirmed.setdefault(url, []).append(timestamp)
    return Recrawled(home, env, originals, timeline, confirmed, expected_reports(SITE), second_files)


@pytest.fixture(scope="session")
def recrawl_wacz(recrawled: Recrawled) -> Path:
    """The re-crawl (crawl 2) exported alone as a signed WACZ."""
    path = recrawled.home / "crawl-2.wacz"
    out = run_nianbao(["archive", "export-wacz", "--crawl", "2", "-o", str(path), "--sign"], recrawled.env)
    assert out.returncode == 0, out.stderr[-3000:]
    return path
