"""Report-level fields read from the text: title, unit name and level, statistics year, decoys, citations."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kernel.report import FORMAT_HYBRID, FORMAT_LEGACY, FORMAT_UNKNOWN, GOV2019, GOV2021
from parsing import rules
from parsing.identity_rules import META_LABEL_LINE
from parsing.normalize import label_key


@dataclass(frozen=True)
class TitleMatch:
    """A report title found in the document: the raw lines, the unit it names (may be ""), its year."""

    raw: str
    unit: str
    year: int
    line_index: int


def nonempty_lines(text: str) -> list[str]:
    """The document's lines, stripped, without blank ones."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def find_title(lines: list[str]) -> TitleMatch | None:
    """The first report title in the head: single lines first, then 2- and 3-line windows (split titles)."""
    head = lines[: rules.TITLE_SEARCH_LINES]
    for size in (1, 2, 3):
        for i in range(len(head) - size + 1):
            window = head[i : i + size]
            found = match_title(window)
            if found is None:
                continue
            unit, year = found
            if not unit and i > 0 and _looks_like_unit(label_key(head[i - 1])):
                unit, i, window = label_key(head[i - 1]), i - 1, head[i - 1 : i + size]
            return TitleMatch(raw="\n".join(window), unit=unit, year=year, line_index=i)
    return None


def match_title(window: list[str]) -> tuple[str, int] | None:
    """(unit, year) when the joined lines are a report title, else None."""
    keys = [label_key(line) for line in window]
    if META_LABEL_LINE.match(keys[0]):
        return None  # a row of the page's metadata block (名称：…), read as page metadata instead
    if any(len(k) > rules.TITLE_MAX_CHARS for k in keys):
        return None
    joined = "".join(keys)
    if len(joined) > rules.TITLE_MAX_CHARS:
        return None
    for pattern in rules.TITLE_PATTERNS:
        m = pattern.match(joined)
        if m is None:
            continue
        unit = m.group("unit") or (m.groupdict().get("unit2") or "")
        if rules.NOT_A_UNIT.search(unit):
            return None
        return unit, int(m.group("year"))
    return None


def _looks_like_unit(key: str) -> bool:
    if not key or len(key) > 30 or rules.NOT_A_UNIT.search(key) or ":" in key or META_LABEL_LINE.match(key):
        return False
    return unit_level(key) is not None or rules.BARE_PLACE.match(key) is not None


def find_decoy(lines: list[str], meta_titles: list[str]) -> str | None:
    """The decoy pattern a notice, interpretation or infographic page matches in its title, else None."""
    candidates = [label_key(t) for t in meta_titles if t]
    if lines:
        candidates.append(label_key(lines[0]))
        candidates.append(label_key("".join(lines[:3]))[: rules.TITLE_MAX_CHARS * 2])
    for key in candidates:
        for pattern in rules.DECOY_PATTERNS:
            if pattern.search(key):
                return f"decoy title {key[:60]!r} matches {pattern.pattern!r}"
    return None


def normalize_unit(unit: str) -> str:
    """A bare place name becomes its people's government (正宁县 → 正宁县人民政府); others unchanged."""
    unit = label_key(unit)
    if unit and unit_level(unit) is None and rules.BARE_PLACE.match(unit):
        return unit + rules.PLACE_GOVERNMENT_SUFFIX
    return unit


def place_organ(place: str, candidates: list[str]) -> str | None:
    """The first candidate that is an organ of ``place`` (正宁县 → 正宁县人民政府办公室), as a label key.

    A title may name only the place (正宁县2020年…年度报告) while the document is issued by one of its organs: the
    page's 发布机构, or the issuer a cover memo names above the title (报送…年度报告的报告).
    """
    for candidate in candidates:
        key = label_key(candidate)
        if key != place and key.startswith(place) and unit_level(key) is not None:
            return key
    return None


def unit_level(unit: str | None) -> str | None:
    """county / county_office / department / town / subdistrict / city / other, by the name's ending."""
    if not unit:
        return None
    for pattern, level in rules.UNIT_LEVEL_RULES:
        if pattern.search(unit):
            return level
    return None


def body_unit(text: str) -> str | None:
    """The unit named in the preface (本报告由…根据…), if any."""
    m = rules.BODY_UNIT.search(label_key(text[:3000]))
    return m.group("unit") if m else None


def stats_year(squeezed: str) -> int | None:
    """The year of the statistics period line (统计期限为YYYY年1月1日至…12月31日)."""
    m = rules.STATS_PERIOD.search(squeezed)
    return int(m.group("year")) if m else None


def template_cited(squeezed: str) -> str | None:
    """The first 国办公开办函〔Y〕N号 the text cites, in its canonical spelling."""
    m = rules.TEMPLATE_CITATION.search(squeezed)
    return rules.TEMPLATE_CITATION_FORMAT.format(year=m.group("year"), num=m.group("num")) if m else None


def iso_date(value: str | None) -> str | None:
    """YYYY-MM-DD from 2021-01-20 / 2021年1月20日 / 2021/1/20 (with or without a time), else None."""
    if not value:
        return None
    m = rules.DATE.search(value)
    if not m:
        return None
    y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def format_version(squeezed: str) -> str:
    """gov2019 / gov2021 / hybrid / legacy / unknown from the table labels the text prints (schema §5)."""
    new = any(label in squeezed for label in rules.T2_GOV2021_LABELS)
    old = any(label in squeezed for label in rules.T2_GOV2019_LABELS)
    three_row = any(label in squeezed for label in rules.T3_THREE_ROW_LABELS)
    if not new and not old and not three_row:
        return FORMAT_LEGACY if any(label in squeezed for label in rules.LEGACY_LABELS) else FORMAT_UNKNOWN
    if new and not old and three_row:
        return GOV2021
    if old and not new and not three_row:
        return GOV2019
    return FORMAT_HYBRID


def fee_collected_yuan(section_text: str | None) -> tuple[int | float | None, str | None]:
    """信息处理费 collected, in yuan, from section 六, and the sentence it was read from; (None, None) when not stated.

    An amount ("收取信息处理费0元", "共计400元") is taken as printed; a statement that none was collected
    ("未收取信息处理费", "未发生收费", "无收取任何费用") is 0.
    """
    if not section_text:
        return None, None
    for sentence in re.split(r"(?<=[。；;！!\n])", section_text):
        key = label_key(sentence)
        m = rules.FEE_AMOUNT.search(key)
        if m:
            amount = float(m.group("amount")) * (10000 if m.group("unit") == "万元" else 1)
            return (int(amount) if amount.is_integer() else amount), sentence.strip()
        if rules.FEE_NONE.search(key):
            return 0, sentence.strip()
    return None, None
