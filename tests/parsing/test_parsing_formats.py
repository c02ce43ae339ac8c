"""Small real documents built in the test (PDF, DOCX, DOC, HTML) parse to the seed's metadata."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from parsing import parse_document
from parsing.extract import detect_kind, extract
from parsing.extract import docx as docx_extractor
from tests.parsing.parsing_builders import make_docx, make_pdf


def test_pdf_with_cid_font_parses_like_the_seed(seed_text: Callable[[str], str]) -> None:
    data = make_pdf(seed_text("000"))
    assert detect_kind(data, None, None) == "pdf"
    result = parse_document(data, url="http://www.pingluo.gov.cn/a/P020210120.pdf")
    record = result.record
    assert result.is_report and result.source_kind == "pdf"
    assert (record["unit_name"], record["unit_level"], record["report_year"]) == (
        "平罗县人民政府办公室", "county_office", 2020)
    assert record["source_url"] == "http://www.pingluo.gov.cn/a/P020210120.pdf"
    assert {"s1_overview", "s2_active", "s6_other"} <= set(record["sections"])


def test_docx_paragraphs_and_tables_in_body_order(seed_text: Callable[[str], str]) -> None:
    data = make_docx(seed_text("003"))
    extraction = extract(data)
    assert extraction.source_kind == "docx" and extraction.tables
    first_row = [c.text for c in extraction.tables[0].rows[0]]
    assert first_row == ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]
    assert extraction.text.index("二、公开发布政府信息情况") < extraction.text.index("信息内容\t本年新制作数量")
    record = parse_document(data, filename="report.docx").record
    assert (record["unit_name"], record["unit_level"], record["report_year"]) == (
        "平罗县宝丰镇人民政府", "town", 2020)
    assert record["source_kind"] == "docx"


def test_docx_merged_cells_appear_once_with_spans() -> None:
    import io

    from docx import Document

    document = Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "申请人情况"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "三、本年度办理结果"
    table.cell(1, 1).text, table.cell(1, 2).text = "（一）予以公开", "5"
    table.cell(2, 1).text, table.cell(2, 2).text = "（七）总计", "5"
    out = io.BytesIO()
    document.save(out)
    parsed = docx_extractor.extract(out.getvalue()).tables[0]
    top, left = parsed.rows[0][0], parsed.rows[1][0]
    assert len(parsed.rows[0]) == 1 and (top.colspan, top.text) == (3, "申请人情况")
    assert (left.row, left.col, left.rowspan) == (1, 0, 2)
    assert [(c.col, c.text) for c in parsed.rows[2]] == [(1, "（七）总计"), (2, "5")]
    assert parsed.grid()[2][0] is left


def test_doc_converted_by_libreoffice_parses_like_the_docx(seed_text: Callable[[str], str],
                                                         tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (Debian package libreoffice-writer-nogui) is required for this test"
    source = tmp_path / "report.docx"
    source.write_bytes(make_docx(seed_text("003")))
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    data = (tmp_path / "report.doc").read_bytes()
    assert detect_kind(data, None, "report.doc") == "doc"
    result = parse_document(data, filename="report.doc")
    record = result.record
    assert result.is_report and record["source_kind"] == "doc"
    assert (record["unit_name"], record["unit_level"], record["report_year"]) == (
        "平罗县宝丰镇人民政府", "town", 2020)
    assert "s4_review_litigation" in record["sections"]
    assert parse_document(data, filename="report.wps").record["source_kind"] == "wps"


HTML_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>平罗县人民政府办公室2020年政府信息公开年度报告_年度报告_平罗县人民政府</title>
<meta name="ArticleTitle" content="平罗县人民政府办公室2020年政府信息公开年度报告">
<script>var x = "一、总体情况";</script></head><body>
<div class="nav">首页 &gt; 政府信息公开 &gt; 年度报告</div>
<table class="meta"><tr><td>索引号：</td><td>640221/2021-00012</td><td>发布机构：平罗县人民政府办公室</td></tr>
<tr><td>生成日期：2021-01-20</td><td>发布日期：2021年01月21日</td></tr></table>
<div id="zoom">{body}</div><div class="footer">版权所有：平罗县人民政府</div></body></html>"""


def _html_body(text: str) -> str:
    return "".join(f"<p>{line}</p>" for line in text.split("\n") if line.strip() and "\t" not in line)


def test_html_page_metadata_block_and_title(seed_text: Callable[[str], str]) -> None:
    body = _html_body(seed_text("000").split("\n", 2)[2])  # the title lives outside #zoom on real pages
    data = HTML_PAGE.format(body=body).encode("utf-8")
    extraction = extract(data)
    assert extraction.meta["索引号"] == "640221/2021-00012"
    assert extraction.meta["发布机构"] == "平罗县人民政府办公室"
    assert extraction.meta["生成日期"] == "2021-01-20"
    assert "首页" not in extraction.text and "var x" not in extraction.text
    result = parse_document(data, url="http://www.pingluo.gov.cn/t20210120_123.html")
    record = result.record
    assert result.is_report and record["source_kind"] == "html_inline"
    assert (record["unit_name"], record["report_year"]) == ("平罗县人民政府办公室", 2020)
    assert record["published_at"] == "2021-01-21"
    overridden = parse_document(data, page_meta={"发布日期": "2021-02-01 09:00"}).record
    assert overridden["published_at"] == "2021-02-01"


def test_html_tables_expand_rowspan_and_colspan() -> None:
    page = ("<html><body><div id='zoom'><p>" + "正文" * 30 + "</p><table>"
            "<tr><td colspan='2' rowspan='2'>注</td><td>申请人情况</td></tr>"
            "<tr><td>自然人</td></tr><tr><td>一、本年新收</td><td></td><td>5</td></tr></table></div></body></html>")
    (table,) = extract(page.encode()).tables
    grid = table.grid()
    assert [c.text if c else None for c in grid[1]] == ["注", "注", "自然人"]
    assert (grid[1][2].row, grid[1][2].col) == (1, 2) if grid[1][2] else False
    assert [c.text for c in table.rows[2]] == ["一、本年新收", "", "5"]
