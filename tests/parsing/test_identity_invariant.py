"""The identity invariant on every document we have: an emitted unit_name occurs in the document or its page.

Documents: the parser's fixture documents (the seeds, the research corpus, the golden set) and every report page,
attachment and decoy page of every sample site (rendered in memory by sampleweb; an attachment is parsed with the
metadata of the page that offers it, as the crawl would). Where the sample web knows the truth (the document of
record of each report), the resolved (unit, year) and the date must be it.
"""

from __future__ import annotations

from collections import Counter

import pytest

from parsing import parse_document
from parsing.extract import extract
from tests.parsing.identity_corpus import Offered, fixture_documents, points_at, sample_site_documents

DOCUMENTS = [*fixture_documents(), *sample_site_documents()]


def _own_page(doc: Offered) -> list[str]:
    """An HTML document is its own page: its metadata (title, 发布机构 …) counts as the page's."""
    is_html = (doc.media_type or "").startswith("text/html") or doc.name.endswith((".html", ".htm"))
    return list(extract(doc.data, media_type="text/html").meta.values()) if is_html else []


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
def test_the_unit_name_occurs_in_the_document_or_its_page(doc: Offered) -> None:
    result = parse_document(doc.data, media_type=doc.media_type, filename=doc.name.rsplit("/", 1)[-1],
                            page_meta=doc.page_meta or None)
    record = result.record
    page = [doc.page_text, *doc.page_meta.values(), *_own_page(doc)]
    unit = record["unit_name"]
    assert unit is None or points_at(unit, result.text, *page), f"{unit!r} occurs nowhere"
    for source in record["identity"]["sources"]:
        if source["field"] == "unit_name" and source["source"] != "unit_list":
            assert points_at(str(source["value"]), source["text"]), source
    if doc.truth is not None:
        assert (unit, record["report_year"]) == doc.truth
        assert record["published_at"] == doc.published_at


def test_the_corpus_holds_every_kind_of_document() -> None:
    """The invariant runs over real documents, every sample site and both pages and attachments."""
    kinds = Counter((d.media_type or d.name.rsplit(".", 1)[-1]).split(";")[0] for d in DOCUMENTS)
    assert {"txt", "pdf", "html", "text/html", "application/pdf"} <= set(kinds)
    assert sum(d.truth is not None for d in DOCUMENTS) >= 40
    assert len({d.name.split(" ")[0] for d in DOCUMENTS if " " in d.name}) >= 6  # every sample site
