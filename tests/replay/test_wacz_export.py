"""The WACZ of a re-crawl alone: valid, self-contained (the originals its revisits point to are in it), page lists
titled from the catalogue, and an anonymous signature that verifies."""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from warcio.archiveiterator import ArchiveIterator

from archive.wacz import validate_wacz
from sampleweb.truth import list_page_urls
from tests.replay.conftest import SITE, Recrawled


def _jsonl(wacz: zipfile.ZipFile, name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in wacz.read(name).decode("utf-8").splitlines() if line.strip()]


def test_the_wacz_validates(recrawl_wacz: Path) -> None:
    ok, log = validate_wacz(recrawl_wacz)
    assert ok, log


def test_it_carries_the_recrawl_and_the_originals_its_revisits_point_to(recrawled: Recrawled,
                                                                         recrawl_wacz: Path) -> None:
    with zipfile.ZipFile(recrawl_wacz) as wacz:
        warcs = {name: wacz.read(name) for name in wacz.namelist() if name.startswith("archive/")}
    (originals,) = [name for name in warcs if name.endswith("-originals.warc.gz")]
    assert set(warcs) - {originals} == {f"archive/{name}" for name in recrawled.second_files}
    ids, refers, responses = set(), set(), set()
    for data in warcs.values():
        for record in ArchiveIterator(BytesIO(data)):
            ids.add(record.rec_headers.get_header("WARC-Record-ID"))
            if record.rec_type == "revisit":
                refers.add(record.rec_headers.get_header("WARC-Refers-To"))
            elif record.rec_type == "response":
                responses.add(record.rec_headers.get_header("WARC-Target-URI"))
    assert refers and refers <= ids
    assert set(recrawled.report_urls()) <= responses
    print(f"WACZ: {len(warcs)} WARC files, {len(refers)} originals referred to, all inside")


def test_pages_are_the_reports_titled_by_the_catalogue_and_list_pages_are_extra(recrawled: Recrawled,
                                                                                 recrawl_wacz: Path) -> None:
    with zipfile.ZipFile(recrawl_wacz) as wacz:
        pages, extra = _jsonl(wacz, "pages/pages.jsonl"), _jsonl(wacz, "pages/extraPages.jsonl")
    assert pages[0]["format"] == extra[0]["format"] == "json-pages-1.0"
    by_url = {page["url"]: page for page in pages[1:]}
    for report in recrawled.reports:  # the report's identity as the catalogue holds it (unit names normalised)
        title = f"{report.unit_name}{report.report_year}年政府信息公开工作年度报告"
        assert by_url[report.page_url]["title"] == title
        for url in report.attachment_urls:
            assert by_url[url]["title"].startswith(title), url
    for url in recrawled.report_urls():  # each at its capture of this crawl: the 304 that confirmed it
        assert by_url[url]["ts"].replace("-", "").replace("T", "").replace(":", "")[:14] in recrawled.confirmed[url]
    extra_urls = {page["url"] for page in extra[1:]}
    assert {url.removesuffix("index.html") for url in list_page_urls(SITE)} <= \
        {url.removesuffix("index.html") for url in extra_urls}
    assert not extra_urls & set(by_url)


def test_the_signature_verifies_and_a_changed_hash_does_not(recrawl_wacz: Path) -> None:
    with zipfile.ZipFile(recrawl_wacz) as wacz:
        digest = json.loads(wacz.read("datapackage-digest.json"))
        datapackage = wacz.read("datapackage.json")
    assert digest["hash"] == "sha256:" + hashlib.sha256(datapackage).hexdigest()
    signed = digest["signedData"]
    assert signed["hash"] == digest["hash"] and signed["created"] == json.loads(datapackage)["created"]
    key = serialization.load_der_public_key(base64.b64decode(signed["publicKey"]))
    assert isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp384r1"
    raw = base64.b64decode(signed["signature"])  # r‖s, as WebCrypto (ReplayWeb.page) verifies it
    assert len(raw) == 96
    der = encode_dss_signature(int.from_bytes(raw[:48], "big"), int.from_bytes(raw[48:], "big"))
    key.verify(der, signed["hash"].encode(), ec.ECDSA(hashes.SHA256()))
    with pytest.raises(InvalidSignature):
        key.verify(der, ("sha256:" + "0" * 64).encode(), ec.ECDSA(hashes.SHA256()))
