"""A report's identity — unit, level, region, year, publication date — resolved from all the evidence, ranked.

The document outranks its page: title, then the cover memo, the 落款 signature and the preface name the unit; the
page's 发文机关/发布机构/来源 (a town's report is often posted by the county office) and its breadcrumb only when
the document names none. A short name is expanded (县政府办 → 平罗县人民政府办公室, 宝丰镇 → 平罗县宝丰镇人民政府,
贺兰县 → 贺兰县人民政府) only to a full name that the document, its page or the site's unit list shows: a name that
occurs in none of them is never emitted. The year is the statistics period's, else the title's; the date is the
page's 公开日期/发布日期, else the signature's. Every piece of evidence is kept in the record (``identity.sources``)
and ``disagree`` says when two of them name different units or years.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kernel import report as rk
from parsing import header
from parsing import identity_rules as ir
from parsing.identity_evidence import DATE, UNIT, YEAR, Evidence, document_evidence, page_evidence
from parsing.normalize import label_key

# Sources, strongest first, per field ("page_meta:title" is a report title the page shows, see Evidence.ranked_as).
UNIT_RANK = ("title", "page_meta:title", "memo", "signature", "preface", "page_meta", "column")
YEAR_RANK = ("statistics", "title", "page_meta:title", "memo")
DATE_RANK = ("page_meta", "signature", "memo")
KnownUnits = Sequence[str] | Mapping[str, str | None]


@dataclass
class Identity:
    """The resolved identity and the evidence behind it."""

    unit_name: str | None
    unit_level: str | None
    region_code: str | None
    report_year: int | None
    published_at: str | None
    sources: list[Evidence]
    disagree: bool
    warnings: list[str] = field(default_factory=list)

    def record(self) -> rk.IdentityRecord:
        """The record's ``identity`` object."""
        return {"sources": [{"field": e.field, "value": e.value, "source": e.source, "text": e.text}
                            for e in self.sources], "disagree": self.disagree}


def resolve_identity(text: str, meta: Mapping[str, str], title: header.TitleMatch | None,
                     known_units: KnownUnits = ()) -> Identity:
    """Unit, level, region, year and date of the document ``text`` offered with page metadata ``meta``.

    ``title`` is the inner title found in the text (parsing.header.find_title); ``known_units`` the full unit
    names the site shows (a mapping gives each its region code).
    """
    lines = header.nonempty_lines(text)
    evidence = [e for e in document_evidence(lines, label_key(text), title) + page_evidence(meta) if e.value]
    shown = tuple(label_key(u) for u in known_units)
    corpus = "\n".join([label_key(text), *(label_key(v) for v in meta.values()), *shown])
    pool = _pool(evidence, shown, corpus)
    unit, warnings = _unit(_ranked(evidence, UNIT, UNIT_RANK), pool, corpus)
    years = _ranked(evidence, YEAR, YEAR_RANK)
    dates = _ranked(evidence, DATE, DATE_RANK)
    sources = evidence + [Evidence(UNIT, u, "unit_list", u) for u in shown if u == unit]
    disagree = _disagree(evidence, unit, pool, warnings)
    region = known_units.get(unit) if isinstance(known_units, Mapping) and unit else None
    return Identity(unit, unit_level_of(unit), region, int(years[0].value) if years else None,
                    str(dates[0].value) if dates else None, sources, disagree, warnings)


def dated_by_document(record: Mapping[str, object]) -> bool:
    """True when a record's published_at was read from the document (its 落款 or memo date), not from a page's
    metadata: the page that offers the document then dates it (parsing.record.complete_record)."""
    identity = record.get(rk.IDENTITY)
    sources = identity.get("sources", []) if isinstance(identity, Mapping) else []
    chosen = record.get(rk.PUBLISHED_AT)
    return any(s.get("field") == DATE and s.get("value") == chosen and s.get("source") in DATE_RANK[1:]
               for s in sources) and not any(s.get("field") == DATE and s.get("source") == "page_meta"
                                             for s in sources)


def unit_level_of(unit: str | None) -> str | None:
    """The level of a unit name; a bare place (贺兰县, 宝丰镇) is at its government's level."""
    if not unit:
        return None
    return header.unit_level(unit) or header.unit_level(unit + "人民政府") or rk.LEVEL_OTHER


def _ranked(evidence: list[Evidence], name: str, order: tuple[str, ...]) -> list[Evidence]:
    mine = [e for e in evidence if e.field == name and e.ranked_as() in order]
    return sorted(mine, key=lambda e: order.index(e.ranked_as()))


def _unit(ranked: list[Evidence], pool: list[str], corpus: str) -> tuple[str | None, list[str]]:
    """The best-ranked unit that can be pointed at, expanded to the full name the evidence shows."""
    memo_units = [str(e.value) for e in ranked if e.source == "memo"]
    for e in ranked:
        name = str(e.value)
        organ = _place_organ(name, memo_units)
        full = organ or canonical(name, pool)
        if full not in corpus:
            continue
        warnings = []
        if e.ranked_as() in ("page_meta", "column"):
            warnings.append(f"unit_name from the page ({e.text}): the document names no unit")
        if organ:
            warnings.append(f"unit_name: the title names {name}, the document is issued by {organ}")
        return full, warnings
    return None, []


def _place_organ(name: str, memo_units: list[str]) -> str | None:
    """A title naming only a county (正宁县) belongs to the organ whose cover memo files it (正宁县人民政府办公室)."""
    if header.unit_level(name) is not None or not header.rules.BARE_PLACE.match(name):
        return None
    return header.place_organ(name, memo_units)


def canonical(name: str, pool: Iterable[str]) -> str:
    """``name`` expanded to the first full name in ``pool`` it abbreviates, else ``name`` itself."""
    if is_full(name):
        return name
    return next((p for p in pool if abbreviates(name, p)), name)


def abbreviates(short: str, full: str) -> bool:
    """True if ``full`` is a fuller spelling of ``short``: the place's government (宝丰镇 → 平罗县宝丰镇人民政府,
    贺兰县 → 贺兰县人民政府) or the same organ with its place (县政府办 → 平罗县人民政府办公室,
    教育局 → 平罗县教育局)."""
    if short == full or not is_full(full) or is_full(short):
        return False
    if is_place(short):
        for suffix in ir.GOVERNMENT_SUFFIXES:
            stem = full.removesuffix(suffix)
            if stem != full and stem.endswith(short):
                rest = stem[: -len(short)]
                return not rest or ir.PLACE_PREFIX.fullmatch(rest) is not None
        return False
    if header.unit_level(short) != header.unit_level(full):
        return False
    chars = iter(full)
    return all(ch in chars for ch in short)


def is_place(name: str) -> bool:
    """A place without an organ: 贺兰县, 某某实验区, 宝丰镇, 平罗县宝丰镇, 某某街道."""
    level = header.unit_level(name)
    return level is None or level in (rk.LEVEL_TOWN, rk.LEVEL_SUBDISTRICT) and not name.endswith(ir.ORGAN_SUFFIXES)


def is_full(name: str) -> bool:
    """A name that starts with its place and ends with an organ (平罗县人民政府办公室, 上海市人民政府办公厅)."""
    return (ir.PLACE_PREFIX.match(name) is not None and not ir.PLACELESS.match(name) and not is_place(name))


def _pool(evidence: list[Evidence], shown: tuple[str, ...], corpus: str) -> list[str]:
    """Full names an abbreviation may expand to: those the evidence and the site show, then the governments of
    the places named that occur in the text (贺兰县人民政府, 平罗县宝丰镇人民政府 when the page says so)."""
    named = [str(e.value) for e in evidence if e.field == UNIT]
    places = sorted({p.group(0) for n in (*named, *shown) if (p := ir.PLACE_PREFIX.match(n))})
    found = [prefix + name + suffix for name in named if is_place(name) for prefix in ("", *places)
             if not name.startswith(prefix) or not prefix for suffix in ir.GOVERNMENT_SUFFIXES]
    pool = [n for n in (*named, *shown) if is_full(n)] + [f for f in found if f in corpus and is_full(f)]
    return list(dict.fromkeys(pool))


def _disagree(evidence: list[Evidence], unit: str | None, pool: list[str], warnings: list[str]) -> bool:
    """True (with a warning) when a source names another unit than the chosen one, or another year."""
    others = sorted({str(e.value) for e in evidence if e.field == UNIT and not _agrees(str(e.value), unit, pool)})
    years = sorted({int(e.value) for e in evidence if e.field == YEAR})
    if others:
        warnings.append(f"identity: evidence names other units than {unit}: {', '.join(others)}")
    if len(years) > 1:
        warnings.append(f"identity: evidence names several years: {', '.join(map(str, years))}")
    return bool(others) or len(years) > 1


def _agrees(name: str, unit: str | None, pool: list[str]) -> bool:
    """``name`` is ``unit``, a shorter spelling of it, or the place whose organ it is (正宁县, 正宁县人民政府办公室)."""
    if unit is None or name == unit or canonical(name, pool) == unit or abbreviates(name, unit):
        return True
    return is_place(name) and unit.startswith(name)
