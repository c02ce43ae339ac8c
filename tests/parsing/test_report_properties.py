"""Properties of the report parser on generated text (hypothesis; profiles in tests/hypothesis_profiles.py).

The text is a seed report mutated line by line — lines dropped, repeated, swapped, numbers changed, noise
inserted, the whole cut short — then served as plain text (UTF-8 or GB18030) or wrapped in an HTML page. Whatever
comes out, parse_document raises nothing but ParseError, and a parse gives a record with every §9 key in the
schema's order, a report year that is a year, and validation entries that name their rule.
"""

from __future__ import annotations

import re
from html import escape

from hypothesis import given
from hypothesis import strategies as st

import tests.hypothesis_profiles  # noqa: F401 — registers and loads the profile
from kernel import report as rk
from kernel.errors import ParseError
from parsing.report import parse_document
from tests.parsing.golden import DOCUMENTS

SEEDS = [p.read_text("utf-8").splitlines() for p in sorted(DOCUMENTS.glob("0*.txt"))]
NUMBER = re.compile(r"\d+")
NOISE = st.one_of(st.text(max_size=40), st.sampled_from(["一、总体情况", "（一）", "合计", "—", "/", "0", "-1",
                                                          "2023年", "收到和处理政府信息公开申请情况", "\t\t", "表格"]))


@st.composite
def mutated_report(draw: st.DrawFn) -> str:
    lines = list(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 12))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "repeat", "swap", "numbers", "noise"]))
        if op == "drop":
            del lines[i]
        elif op == "repeat":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "numbers":
            value = str(draw(st.integers(-10**6, 10**12)))
            lines[i] = NUMBER.sub(value, lines[i])
        else:
            lines.insert(i, draw(NOISE))
    text = "\n".join(lines)
    return text[: draw(st.integers(0, len(text)))] if draw(st.booleans()) else text


@given(mutated_report(), st.sampled_from(["txt-utf8", "txt-gb18030", "html"]))
def test_parse_of_any_text_gives_a_full_record_or_a_parse_error(text: str, form: str) -> None:
    if form == "html":
        body = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
        data, name = f"<html><body><div id=\"zoom\">{body}</div></body></html>".encode(), "r.html"
    else:
        data, name = text.encode("utf-8" if form == "txt-utf8" else "gb18030"), "r.txt"
    try:
        result = parse_document(data, filename=name)
    except ParseError:
        return
    record = result.record
    assert list(record)[: len(rk.RECORD_KEYS)] == list(rk.RECORD_KEYS)
    year = record[rk.REPORT_YEAR]
    assert year is None or 1990 <= year <= 2100, year
    assert all(isinstance(v, dict) and v.get("rule") for v in record[rk.VALIDATION]), record[rk.VALIDATION]
