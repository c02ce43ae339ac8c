"""Made-up but self-consistent statistics for derived reports (every 勾稽关系 of report-schema.md §6 holds)."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from sampleweb.gov_tables import T3_ROW_COUNT, ReportTables

# Result rows a request may end in, by data-row index (gov2019 numbering; gov2021 shifts "other" to 3 rows).
_RESULT_WEIGHTS = {2: 8, 3: 2, 7: 1, 12: 3, 16: 1, 20: 1}


@dataclass(frozen=True)
class Statistics:
    """The generated tables plus the figures the prose quotes."""

    tables: ReportTables
    new_received: int
    review_total: int
    issued: int


def rng_for(*parts: object) -> random.Random:
    """A random generator seeded from ``parts`` only (stable across processes and Python versions)."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _table3_rows(rng: random.Random, version: str, scale: int) -> list[list[int]]:
    n_rows = T3_ROW_COUNT[version]
    rows = [[0] * 6 for _ in range(n_rows)]
    total_row, forward_row = n_rows - 2, n_rows - 1
    result_rows = [r if (r != 20 or version == "gov2019") else 22 for r in _RESULT_WEIGHTS]
    weights = list(_RESULT_WEIGHTS.values())
    for col in range(6):
        new = rng.randint(0, scale) if col in (0, 1) else rng.choice((0, 0, 0, 1))
        carried = rng.choice((0, 0, 1)) if new else 0
        forward = rng.choice((0, 1)) if new + carried > 1 else 0
        rows[0][col], rows[1][col], rows[forward_row][col] = new, carried, forward
        for _ in range(new + carried - forward):
            rows[rng.choices(result_rows, weights)[0]][col] += 1
        rows[total_row][col] = new + carried - forward
    return rows


def _table2(rng: random.Random, version: str) -> tuple[dict[str, tuple[str, ...]], int]:
    issued = rng.randint(0, 6)
    if version == "gov2021":
        in_force = issued + rng.randint(5, 60)
        return {
            "规章": ("0", "0", "0"),
            "行政规范性文件": (str(issued), str(rng.randint(0, 3)), str(in_force)),
            "行政许可": (str(rng.randint(0, 400)),),
            "行政处罚": (str(rng.randint(0, 80)),),
            "行政强制": (str(rng.randint(0, 5)),),
            "行政事业性收费": (f"{rng.randint(0, 9000) / 100:.2f}",),
        }, issued
    return {
        "规章": ("0", "0", "0"),
        "规范性文件": (str(issued), str(issued), str(issued + rng.randint(5, 40))),
        "行政许可": (str(rng.randint(10, 90)), str(rng.randint(-3, 3)), str(rng.randint(0, 300))),
        "其他对外管理服务事项": ("0", "0", "0"),
        "行政处罚": (str(rng.randint(0, 60)), "0", str(rng.randint(0, 50))),
        "行政强制": ("0", "0", "0"),
        "行政事业性收费": ("0", "0"),
        "政府集中采购": (str(rng.randint(0, 12)), f"{rng.randint(0, 90000) / 100:.2f}万元"),
    }, issued


def _table4(rng: random.Random) -> tuple[str, ...]:
    out: list[int] = []
    for _ in range(3):
        parts = [rng.choice((0, 0, 0, 1)), 0, 0, rng.choice((0, 0, 1))]
        out.extend(parts + [sum(parts)])
    return tuple(map(str, out))


def generate(version: str, *seed_parts: object, scale: int = 8) -> Statistics:
    """Deterministic statistics for one report; ``scale`` bounds the yearly requests per applicant type."""
    rng = rng_for(version, *seed_parts)
    rows = _table3_rows(rng, version, scale)
    table3 = tuple(tuple(str(v) for v in row + [sum(row)]) for row in rows)
    table2, issued = _table2(rng, version)
    table4 = _table4(rng)
    tables = ReportTables(version, table2, table3, table4)
    return Statistics(tables, new_received=sum(rows[0]), review_total=int(table4[4]), issued=issued)
