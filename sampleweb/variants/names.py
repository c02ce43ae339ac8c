"""Made-up but plausible names for generated variant sites: counties, their units, hostnames, abbreviations."""

from __future__ import annotations

from sampleweb.kit import County

_FIRST = "清安平永和兴宁东西南北长太德福泰新丰崇宝庆吉顺昌华明临"
_SECOND = "河山川源阳城江水泉林丘原陵溪湖台州谷峰岭滨沙坪塘堡"
_TOWN_FIRST = "城关新华金石龙凤青白黄红"
_TOWN_SECOND = "桥岗营集湾寨铺店"
DEPARTMENTS = ("教育局", "卫生健康局", "财政局", "自然资源局", "民政局", "交通运输局", "发展和改革局", "司法局")
OFFICE = "人民政府办公室"


def county_short(seed: int) -> str:
    """The county's name (清河县 …): one per seed below 900."""
    return _FIRST[seed % len(_FIRST)] + _SECOND[(seed // len(_FIRST)) % len(_SECOND)] + "县"


def county(seed: int) -> County:
    short = county_short(seed)
    return County(short, f"{short}人民政府", f"http://{hostname(seed)}", upper="省", city="示例市",
                  province="示例省")


def hostname(seed: int) -> str:
    return f"www.variant{seed:04d}.gov.cn"


def site_id(seed: int) -> str:
    return f"variant{seed:04d}"


def region_code(seed: int) -> str:
    return f"{980000 + seed}"


def town(seed: int, k: int) -> str:
    """The k-th town of the county (a 镇 or a 乡)."""
    first = _TOWN_FIRST[(seed + k) % len(_TOWN_FIRST)]
    second = _TOWN_SECOND[(seed * 3 + k) % len(_TOWN_SECOND)]
    return f"{first}{second}{'镇' if k % 2 == 0 else '乡'}"


def units(seed: int) -> tuple[str, ...]:
    """The units whose reports the county site carries: its office, two departments and two towns."""
    short = county_short(seed)
    deps = [DEPARTMENTS[(seed + j * 3) % len(DEPARTMENTS)] for j in range(2)]
    towns = [town(seed, k) for k in range(2)]
    return (f"{short}{OFFICE}", *(short + d for d in deps), *(f"{short}{t}人民政府" for t in towns))


def abbreviation(seed: int, unit: str) -> str:
    """How a page title shortens ``unit``: 县政府办 for the office, the name without the county for the others
    (县教育局, 城关镇)."""
    short = county_short(seed)
    if unit.endswith(OFFICE):
        return "县政府办"
    rest = unit.removeprefix(short)
    return rest.removesuffix("人民政府") if rest.endswith("人民政府") else "县" + rest
