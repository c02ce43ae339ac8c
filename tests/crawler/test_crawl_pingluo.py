"""The walking skeleton end to end: crawl the sample 平罗县 site through the proxy, read the archive back."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from warcio.archiveiterator import ArchiveIterator

from sampleweb.server import SampleWebServer
from sampleweb.truth import all_urls, expected_decoy_urls, expected_reports
from storage.db import open_catalogue
from storage.models import Capture, Crawl, Document, Payload
from tests.conftest import fetch_via_proxy, run_nianbao


def _warc_responses(warc_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """Every response/revisit record in the archive, by target URI, in file order."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with path.open("rb") as f:
            for rec in ArchiveIterator(f):
                if rec.rec_type not in ("response", "revisit"):
                    continue
                uri = rec.rec_headers.get_header("WARC-Target-URI")
                body = rec.raw_stream.read() if rec.rec_type == "response" else b""
                found.setdefault(uri, []).append({
                    "type": rec.rec_type, "body": body, "file": path.name,
                    "payload_digest": rec.rec_headers.get_header("WARC-Payload-Digest"),
                    "version": rec.rec_headers.protocol,
                    "content_type": rec.http_headers.get_header("Content-Type") if rec.http_headers else None,
                })
    return found


def _sha256_b32(data: bytes) -> str:
    return "sha256:" + base64.b32encode(hashlib.sha256(data).digest()).decode()


def _reports(env: dict[str, str]) -> list[dict[str, Any]]:
    out = run_nianbao(["reports", "--format", "json", "--site", "pingluo"], env)
    assert out.returncode == 0, out.stderr[-3000:]
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def test_crawl_pingluo_end_to_end(sampleweb: SampleWebServer, database_url: str, tmp_path: Path) -> None:
    home = tmp_path / "data"
    env = {"NIANBAO_HOME": str(home), "NIANBAO_DATABASE_URL": database_url}
    # Both ways in: a registry id with --proxy, and a home URL with the standard http_proxy variable.
    if database_url.startswith("sqlite"):
        crawl_args = ["crawl", "pingluo", "--proxy", sampleweb.proxy_url]
    else:
        crawl_args = ["crawl", "http://www.pingluo.gov.cn/"]
        env["http_proxy"] = sampleweb.proxy_url
    first = run_nianbao(crawl_args, env)
    assert first.returncode == 0, first.stderr[-5000:]

    # The archive: every page and attachment of the site, with correct digests, WARC/1.1, closed files.
    warc_dir = home / "warcs"
    assert not list(warc_dir.glob("*.open")), "WARC files left open after the crawl"
    records = _warc_responses(warc_dir)
    expected = expected_reports("pingluo")
    wanted = {r.page_url for r in expected} | {u for r in expected for u in r.attachment_urls}
    column = "http://www.pingluo.gov.cn/xxgk/zfxxgknb/"
    wanted |= {u for u in expected_decoy_urls("pingluo") if u.startswith(column)}
    wanted |= {u for u in all_urls("pingluo") if u.startswith(column + "index_")}  # list pages 2…N
    assert column in records or column + "index.html" in records  # list page 1, linked as the folder
    for url in sorted(wanted):
        assert url in records, f"{url} not archived"
        rec = records[url][0]
        assert rec["type"] == "response" and rec["version"] == "WARC/1.1"
        # The body as it came off the wire: pages gzipped (the crawler accepts gzip), files as they are.
        served = fetch_via_proxy(sampleweb, url, {"Accept-Encoding": "gzip"})
        assert rec["body"] == served, f"{url}: archived bytes differ from what was served"
        assert rec["payload_digest"] == _sha256_b32(rec["body"])

    # The catalogue: one row per distinct payload.
    sessions = open_catalogue(database_url)
    with sessions() as s:
        payloads_after_first = s.scalar(select(func.count()).select_from(Payload))
        distinct_bodies = len({hashlib.sha256(r[0]["body"]).hexdigest() for r in records.values()
                               if r[0]["type"] == "response"})
        assert payloads_after_first == distinct_bodies

    images = _assert_content_images_archived(sampleweb, records, sessions)

    # The reports: every expected report, no decoy; the public JSON keys are there.
    reports = _reports(env)
    found = {(r["unit_name"], r["report_year"]) for r in reports}
    assert ("平罗县人民政府办公室", 2020) in found
    assert found == {(r.unit_name, r.report_year) for r in expected}
    decoys = set(expected_decoy_urls("pingluo"))
    assert not [r for r in reports if r["source_url"] in decoys]
    office = next(r for r in reports if (r["unit_name"], r["report_year"]) == ("平罗县人民政府办公室", 2020))
    truth = next(r for r in expected if (r.unit_name, r.report_year) == ("平罗县人民政府办公室", 2020))
    assert office["source_url"] == truth.page_url
    assert office["attachment_urls"] == list(truth.attachment_urls)
    assert office["region_code"] == "640221" and office["site"] == "pingluo" and office["version"] == 1
    for key in ("unit_level", "format_version", "source_kind", "table2", "table3", "table4", "validation",
                "sections", "published_at", "captured_at", "payload_sha256"):
        assert key in office

    # A second crawl archives nothing twice: revisits only, no new payload rows, same report versions.
    second = run_nianbao(crawl_args, env)
    assert second.returncode == 0, second.stderr[-5000:]
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Payload)) == payloads_after_first
        last = s.scalars(select(Crawl).order_by(Crawl.id.desc())).first()
        assert last is not None and last.status == "finished"
        kinds = set(s.scalars(select(Capture.record_type).where(Capture.crawl_id == last.id)).all())
        assert kinds == {"revisit"}
        # The content images were asked for again, conditionally (304 → revisit), not skipped.
        recaptured = set(s.scalars(select(Capture.url).where(Capture.crawl_id == last.id)).all())
        assert images <= recaptured
    assert {(r["unit_name"], r["report_year"], r["version"]) for r in _reports(env)} == {
        (u, y, 1) for u, y in found}


def _assert_content_images_archived(sampleweb: SampleWebServer, records: dict[str, list[dict[str, Any]]],
                                    sessions: Any) -> set[str]:
    """The images report and 图解 pages show are archived (page requisites), no chrome image is, and none is a
    document. Returns the content image URLs."""
    column = "http://www.pingluo.gov.cn/xxgk/zfxxgknb/"
    expected = expected_reports("pingluo")
    scans = {u for r in expected for u in r.image_urls}  # a report page's scanned pages (JPEG, bytes of their own)
    tujie = {u for u in all_urls("pingluo") if u.startswith(column) and u.endswith(".gif")}  # 图解 pictures
    assert len(scans) >= 2 and len(tujie) >= 2
    for url in sorted(scans):
        assert url in records, f"{url} not archived"
        rec = records[url][0]
        assert rec["type"] == "response" and rec["content_type"] == "image/jpeg"
        assert rec["body"][:3] == b"\xff\xd8\xff" and rec["body"] == fetch_via_proxy(sampleweb, url)
    # The 图解 pictures are one GIF served at several URLs: one response, the others identical-payload revisits.
    assert tujie <= set(records)
    assert {records[u][0]["content_type"] for u in tujie} == {"image/gif"}
    assert len({records[u][0]["payload_digest"] for u in tujie}) == 1
    assert sorted(records[u][0]["type"] for u in tujie) == ["response"] + ["revisit"] * (len(tujie) - 1)
    # No chrome: the only images asked for are those; the portal's logo, QR codes and badges never were.
    archived_images = {u for u in records if re.search(r"\.(jpe?g|png|gif|bmp|webp|tiff?)$", urlsplit(u).path)}
    assert archived_images == scans | tujie
    assert not any("/images/" in u for u in records)
    with sessions() as s:
        captured = dict(s.execute(select(Capture.url, Capture.media_type).where(Capture.url.in_(scans))).all())
        assert captured == dict.fromkeys(scans, "image/jpeg")
        documents = set(s.scalars(select(Document.url)).all())
    # Documents are what they were before images were archived: report pages, their files, 解读/图解 pages.
    assert documents == {u for r in expected for u in (r.page_url, *r.attachment_urls, *r.variant_urls)}
    return scans | tujie


def test_reports_json_is_empty_before_any_crawl(tmp_path: Path) -> None:
    env = {"NIANBAO_HOME": str(tmp_path / "data")}
    assert _reports(env) == []
