"""The report files are real documents (PDF text and ruled tables, Word tables, OLE .doc) and byte-stable."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import docx
import pdfplumber
import pytest

from sampleweb import render_doc
from sampleweb.errors import SampleWebBuildError
from sampleweb.gov_tables import T3_ROW_COUNT
from sampleweb.numbers import generate
from sampleweb.resources import DEFAULT_CACHE_DIR, build_site
from sampleweb.truth import SITES, expected_reports

SPEC = SITES["pingluo"]


def body_of(url: str) -> bytes:
    return build_site(SPEC)[url.removeprefix(SPEC.home_url[:-1])].body


def reports_of(kind: str) -> list:
    return [r for r in expected_reports("pingluo") if r.source_kind == kind]


def test_pdfs_have_chinese_text_and_ruled_tables() -> None:
    for report in reports_of("pdf"):
        with pdfplumber.open(io.BytesIO(body_of(report.attachment_urls[0]))) as pdf:
            text = "".join(page.extract_text() or "" for page in pdf.pages)
            tables = [t for page in pdf.pages for t in page.extract_tables()]
        assert report.unit_name in text.replace("\n", "")
        assert f"{report.report_year}年1月1日" in text.replace(" ", "")
        assert any(row and row[0] and "本年新收" in row[0] for t in tables for row in t)


def test_seed_000_pdf_keeps_its_sparse_table3() -> None:
    (report,) = [r for r in reports_of("pdf") if r.seed.startswith("000_")]
    with pdfplumber.open(io.BytesIO(body_of(report.attachment_urls[0]))) as pdf:
        rows = [row for page in pdf.pages for t in page.extract_tables() for row in t]
    new_received = next(row for row in rows if row[0] and row[0].startswith("一、本年新收"))
    assert [c for c in new_received[1:] if c] == ["5", "1", "6"]


def test_docx_reports_open_with_three_tables() -> None:
    for report in reports_of("docx"):
        document = docx.Document(io.BytesIO(body_of(report.attachment_urls[0])))
        assert len(document.tables) >= 3
        text = "\n".join(p.text for p in document.paragraphs)
        assert report.unit_name in text and f"{report.report_year}年1月1日" in text
        assert document.core_properties.created.date().isoformat() == report.published_at


def test_doc_report_is_ole_and_antiword_reads_it() -> None:
    (report,) = reports_of("doc")
    data = body_of(report.attachment_urls[0])
    assert data[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    text = subprocess.run(["antiword", "-m", "UTF-8.txt", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")
    assert report.unit_name in text and "统计期限" in text


def test_missing_soffice_names_the_debian_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_doc.shutil, "which", lambda name: None)
    with pytest.raises(SampleWebBuildError, match="libreoffice-writer-nogui"):
        render_doc.docx_to_doc(b"not cached yet", tmp_path)


@pytest.mark.parametrize("version", ["gov2019", "gov2021"])
def test_generated_statistics_satisfy_the_identities(version: str) -> None:
    for unit in ("甲", "乙", "丙", "丁"):
        tables = generate(version, unit, 2021).tables
        rows = [[int(v) for v in row] for row in tables.table3]
        assert len(rows) == T3_ROW_COUNT[version]
        for row in rows:
            assert row[6] == sum(row[:6])  # T3-ROW
        total, forward = rows[-2], rows[-1]
        for c in range(7):
            assert rows[0][c] + rows[1][c] == total[c] + forward[c]  # T3-COL
            assert total[c] == sum(r[c] for r in rows[2:-2])  # T3-RES
        t4 = [int(v) for v in tables.table4]
        assert all(t4[g + 4] == sum(t4[g:g + 4]) for g in (0, 5, 10))  # T4-SUM


def digests(cache_dir: Path) -> dict[str, str]:
    plan = SPEC.plan(cache_dir)
    return {p.path: hashlib.sha256(p.render()).hexdigest() for p in plan.pages}


def test_builds_are_byte_identical_across_builds_and_processes() -> None:
    here = digests(DEFAULT_CACHE_DIR)
    assert here == digests(DEFAULT_CACHE_DIR)
    script = (
        "import hashlib, json, pathlib\n"
        "from sampleweb.truth import SITES\n"
        f"plan = SITES['pingluo'].plan(pathlib.Path({str(DEFAULT_CACHE_DIR)!r}))\n"
        "print(json.dumps({p.path: hashlib.sha256(p.render()).hexdigest() for p in plan.pages}))\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, cwd=root,
                         env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"})
    assert json.loads(out.stdout) == here
