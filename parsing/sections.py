"""Split report text into the schema §0 sections by heading text (numerals are not trusted)."""

from __future__ import annotations

from kernel.report import EXTRA_SECTION_PREFIX, Section
from parsing import rules
from parsing.normalize import label_key


def chinese_numeral(text: str) -> int:
    """一..十, 十一..十九, 二十.. as an int (0 when not a numeral)."""
    values = [rules.CHINESE_NUMERALS.get(c, 0) for c in text]
    if not values or 0 in values:
        return 0
    if len(values) == 1:
        return values[0]
    if values[0] == 10:
        return 10 + values[1]
    return values[0] * 10 + (values[2] if len(values) > 2 else 0)


def classify_heading(line: str) -> tuple[str | None, int] | None:
    """(section key or None for an unknown heading, numeral) when the line is shaped like a heading."""
    m = rules.HEADING_LINE.match(label_key(line))
    if not m or rules.NOT_HEADINGS.match(m.group("body")):
        return None
    body = m.group("body")
    for key, pattern in rules.SECTION_PATTERNS.items():
        if pattern.search(body):
            return key, chinese_numeral(m.group("num"))
    return None, chinese_numeral(m.group("num"))


def split_sections(text: str) -> dict[str, Section]:
    """Sections keyed s1_overview … s6_other; unknown top-level headings in numeral order become extra_N.

    A known heading starts its section wherever it appears (PDF text can put 五 inside table 3); an
    unknown heading only counts when its numeral follows the previous heading's (三 after 二), so
    numbered list items inside a section do not split it.
    """
    sections: dict[str, Section] = {}
    current: str | None = None
    bodies: dict[str, list[str]] = {}
    last_num = 0
    extra = 0
    for line in text.split("\n"):
        found = classify_heading(line) if line.strip() else None
        key: str | None = None
        if found is not None:
            known, num = found
            if known is not None and known not in sections:
                key, last_num = known, num
            elif known is None and num == last_num + 1 and last_num > 0:
                extra += 1
                key, last_num = f"{EXTRA_SECTION_PREFIX}{extra}", num
        if key is not None:
            sections[key] = {"heading_raw": line.strip(), "text": ""}
            bodies[key] = []
            current = key
        elif current is not None:
            bodies[current].append(line)
    for key, lines in bodies.items():
        sections[key]["text"] = "\n".join(lines).strip()
    return sections
