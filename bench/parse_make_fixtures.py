"""Write the parser's fixture documents and golden files (run by hand; tests only read what it wrote).

Sample-web documents: rendered from sampleweb (PDF, DOCX, DOC, HTML) with goldens computed from the
numbers the sample web printed (sampleweb.gov_tables.ReportTables) — independent of the parser.
Real documents (seeds, research corpus): copied; their goldens are drafted from the parser output
only with ``--draft-real`` and must then be checked by hand against the document before committing.

    .venv/bin/python bench/parse_make_fixtures.py [--draft-real]
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from parsing import rules_tables as rt
from sampleweb.document import ReportDoc, compose
from sampleweb.gov_tables import T2_ROWS, ReportTables
from sampleweb.kit import County, derived_doc
from sampleweb.render_doc import docx_to_doc
from sampleweb.render_docx import report_docx
from sampleweb.render_html import report_html
from sampleweb.render_pdf import report_pdf
from sampleweb.sites.pingluo_seeds import baofeng_2020_tables, office_2020_tables

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests/fixtures/parsing"
SHARED = Path("/work/shared")
REAL = {
    "seeds/000_e497ca72f28c193c.txt": "text", "seeds/001_ef11941af22d82b9.txt": "text",
    "seeds/002_a9a2dcbd1bff277a.txt": "text", "seeds/003_df2de3352bcf5852.txt": "text",
    "seeds/004_a0eb56bf1a87750f.txt": "text",
    "pdf/kirogovcompare_hzq2023_working.pdf": "pdf", "pdf/kirogovcompare_hzq2024_working.pdf": "pdf",
    "pdf/govnianbao_szfgs2024.pdf": "pdf", "html/shanghai-szfbgt_2019_report_fullhtml.html": "html",
    "html/fixture_hangzhou-style_2025_2021fmt.html": "html",
}
T2_COLUMNS = {
    "gov2019": {"art20_1": ("new_made", "new_published", "total_published"),
                "art20_5": ("prev_year_items", "change", "decisions"),
                "art20_6": ("prev_year_items", "change", "decisions"),
                "art20_8": ("prev_year_items", "change"), "art20_9": ("procurement_items", "procurement_amount")},
    "gov2021": {"art20_1": ("issued", "repealed", "in_force"), "art20_5": ("decisions",),
                "art20_6": ("decisions",), "art20_8": ("fee_amount_wan",)},
}
T2_BLOCK_OF = {"规章": "art20_1", "规范性文件": "art20_1", "行政规范性文件": "art20_1", "行政许可": "art20_5",
               "其他对外管理服务事项": "art20_5", "行政处罚": "art20_6", "行政强制": "art20_6",
               "行政事业性收费": "art20_8", "政府集中采购": "art20_9"}


def number(raw: str) -> float | int | None:
    text = raw.replace("万元", "").replace("元", "").strip()
    if not text:
        return None
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def truth_cells(tables: ReportTables) -> dict[str, Any]:
    """Golden cells from what the sample web printed (blank → null)."""
    cells: dict[str, Any] = {}
    for label, _width in T2_ROWS[tables.version]:
        block = T2_BLOCK_OF[label]
        row = next(k for k, p in rt.T2_ROWS if p.match(label))
        for col, raw in zip(T2_COLUMNS[tables.version][block], tables.table2[label], strict=False):
            cells[f"table2.{block}.{row}.{col}"] = number(raw)
    order = rt.T3_ORDER_SINGLE if tables.version == "gov2019" else rt.T3_ORDER_THREE
    for path, raw_row in zip(order, tables.table3, strict=True):
        for col, raw in zip(rt.T3_COLUMNS, raw_row, strict=True):
            cells[f"table3.{path}.{col}"] = number(raw)
    if tables.version == "gov2021":
        for col in rt.T3_COLUMNS:
            parts = [cells[f"table3.{p}.{col}"] for p in rt.T3_OTHER_DETAIL]
            known = [v for v in parts if v is not None]
            cells[f"table3.results.other.{col}"] = sum(known) if known else None
    for i, raw in enumerate(tables.table4):
        group, col = rt.T4_GROUPS[i // 5], rt.T4_COLUMNS[i % 5]
        cells[f"table4.{group}.{col}"] = number(raw)
    return cells


def sample_documents() -> list[tuple[str, str, ReportDoc, ReportTables]]:
    county = County("平罗县", "平罗县人民政府", "http://www.pingluo.gov.cn")
    office, baofeng, yaofu = "平罗县人民政府办公室", "平罗县宝丰镇人民政府", "平罗县姚伏镇人民政府"
    from sampleweb.numbers import generate

    out = []
    seed000 = office_2020_tables()
    out.append(("sampleweb_pingluo_office_2020.pdf", "pdf",
                compose("pingluo_office_2020.txt", {}, seed000, office, 2020), seed000))
    seed003 = baofeng_2020_tables()
    out.append(("sampleweb_pingluo_baofeng_2020.docx", "docx",
                compose("pingluo_baofeng_2020.txt", {}, seed003, baofeng, 2020), seed003))
    for name, kind, unit, short, year in (
        ("sampleweb_pingluo_office_2019.html", "html", office, "县政府办公室", 2019),
        ("sampleweb_pingluo_yaofu_2020.doc", "doc", yaofu, "我镇", 2020),
        ("sampleweb_pingluo_office_2022.pdf", "pdf", office, "县政府办公室", 2022),
        ("sampleweb_pingluo_baofeng_2022.docx", "docx", baofeng, "我镇", 2022),
        ("sampleweb_pingluo_yaofu_2021.html", "html", yaofu, "我镇", 2021),
    ):
        version = "gov2021" if year >= 2021 else "gov2019"
        out.append((name, kind, derived_doc(county, unit, short, year), generate(version, unit, year).tables))
    return out


def render(doc: ReportDoc, kind: str) -> bytes:
    if kind == "pdf":
        return report_pdf(doc)
    if kind == "html":
        body = report_html(doc)
        return f'<html><head><meta charset="utf-8"><title>{doc.title}</title></head><body>' \
               f'<div class="TRS_Editor">{body}</div></body></html>'.encode()
    docx = report_docx(doc, dt.date(2021, 1, 20))
    if kind == "docx":
        return docx
    with tempfile.TemporaryDirectory() as tmp:
        return docx_to_doc(docx, Path(tmp))


def write_golden(name: str, golden: dict[str, Any]) -> None:
    path = FIXTURES / "golden" / f"{Path(name).stem}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(golden, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")


def main() -> None:
    docs_dir = FIXTURES / "documents"
    docs_dir.mkdir(parents=True, exist_ok=True)
    for name, kind, doc, tables in sample_documents():
        (docs_dir / name).write_bytes(render(doc, kind))
        write_golden(name, {"document": name, "kind": kind, "checked": "computed from the sample web's printed numbers",
                            "record": {"unit_name": doc.unit_name, "report_year": doc.report_year,
                                       "format_version": tables.version},
                            "cells": truth_cells(tables), "uncertain": []})
    for rel, kind in REAL.items():
        source = SHARED / rel if rel.startswith("seeds") else SHARED / "research-corpus" / rel
        shutil.copyfile(source, docs_dir / Path(rel).name)
        if "--draft-real" in sys.argv:
            draft_real(Path(rel).name, kind)


def draft_real(name: str, kind: str) -> None:
    """A draft golden from the parser output: CHECK EVERY VALUE AGAINST THE DOCUMENT before committing."""
    from parsing import parse_document
    from parsing.tree import iter_cells

    record = parse_document((FIXTURES / "documents" / name).read_bytes(), filename=name).record
    cells: dict[str, Any] = {}
    uncertain: list[str] = []
    for table in ("table2", "table3", "table4"):
        for path, cell in iter_cells(record[table], table):
            cells[path] = cell["value"]
            if cell["uncertain"]:
                uncertain.append(path)
    write_golden(name, {"document": name, "kind": kind, "checked": "DRAFT - check by hand",
                        "record": {k: record[k] for k in ("unit_name", "report_year", "format_version")},
                        "cells": cells, "uncertain": uncertain,
                        "validation": sorted({f"{v['rule']}:{v['cells'][-1]}" for v in record["validation"]})})


if __name__ == "__main__":
    main()
