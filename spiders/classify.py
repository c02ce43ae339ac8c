"""Report recognition: what an article is (report, variant, decoy, other), by its title and body text."""

from __future__ import annotations

from dataclasses import dataclass

from spiders import discovery as rules

REPORT, VARIANT, DECOY, OTHER = "report", "variant", "decoy", "other"


@dataclass(frozen=True)
class Classification:
    """What an article is. `year` is the statistics year from the title (or the 统计期限 line), never
    from the URL; `unit` is the title's text before the year (a hint; the parser has the last word)."""

    role: str
    year: int | None = None
    unit: str = ""
    rule: str = ""


def classify_title(title: str) -> Classification:
    """A title alone: report / variant (解读, 图解) / decoy (compiling notices, news) / other."""
    title = " ".join(title.split())
    strict = rules.REPORT_TITLE.search(title)
    loose = strict or rules.REPORT_TITLE_LOOSE.search(title)
    if loose is None:
        return Classification(OTHER)
    year = int(loose.group(1))
    unit = title[:loose.start()].strip(" 《“\"").removeprefix("关于公布").removeprefix("关于印发")
    if rules.VARIANT_TITLE.search(title):
        return Classification(VARIANT, year, unit, "variant-title")
    if rules.DECOY_TITLE.search(title):
        return Classification(DECOY, year, unit, "decoy-title")
    return Classification(REPORT, year, unit, "report-title" if strict else "report-title-loose")


def classify_article(titles: list[str], body: str = "") -> Classification:
    """The first title (page meta title, list anchor text, <title>) that says something wins; a body
    with a 统计期限 line supplies the year when no title has one."""
    best = Classification(OTHER)
    for title in titles:
        found = classify_title(title)
        if found.role != OTHER:
            best = found
            break
    if best.role in (REPORT, OTHER):
        period = rules.PERIOD_LINE.search(body)
        if period and best.role == OTHER and rules.REPORT_TEXT_IN_BODY.search(body[:600]):
            return Classification(REPORT, int(period.group(1)), "", "period-line")
    return best
