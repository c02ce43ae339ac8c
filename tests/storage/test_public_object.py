"""The public report object: the parsed record completed once (parsing.record), then the catalogue keys, in order."""

from __future__ import annotations

from kernel import report as rk
from parsing import parse_document
from parsing.record import CrawlFacts, complete_record
from storage.queries import CSV_COLUMNS, csv_row, latest_reports
from tests.parsing.golden import DOCUMENTS
from tests.storage.storage_helpers import BASE, SITE, T0, Doc, FakeSite

SEED = "000_e497ca72f28c193c.txt"


def test_the_public_object_is_the_completed_record_then_the_catalogue_keys(database_url: str) -> None:
    parsed = parse_document((DOCUMENTS / SEED).read_bytes(), filename=SEED).record
    page = {**parsed, rk.PUBLISHED_AT: "2021-01-20"}  # the page's metadata block dates it, the document does not
    site = FakeSite(database_url)
    site.crawl(T0, [Doc("t1.html", "p" * 64, page),
                    Doc("P1.pdf", "1" * 64, parsed, kind="attachment", page="t1.html")])
    [obj] = latest_reports(site.sessions)
    assert tuple(obj) == rk.PUBLIC_KEYS
    expected = complete_record(parsed, CrawlFacts(
        page_url=BASE + "t1.html", attachment_urls=[BASE + "P1.pdf"], primary_is_page=False,
        primary_source_kind=rk.KIND_PDF, region_code=SITE.region_code, page_published_at="2021-01-20"))
    assert {key: obj[key] for key in rk.RECORD_KEYS} == expected
    assert (obj[rk.SOURCE_KIND], obj[rk.REGION_CODE], obj[rk.PUBLISHED_AT]) == ("pdf", "640221", "2021-01-20")
    assert (obj[rk.SITE], obj[rk.VERSION], obj[rk.STATUS], obj[rk.WITHDRAWN_AT]) == (
        "pingluo", 1, rk.STATUS_CURRENT, None)
    assert obj[rk.AUTHORITATIVE_URL] == BASE + "P1.pdf" and obj[rk.PAYLOAD_SHA256] == "1" * 64
    row = csv_row(obj)
    assert list(row) == CSV_COLUMNS
    assert row["new_requests"] == obj[rk.TABLE3]["new_received"]["total"]["value"]
