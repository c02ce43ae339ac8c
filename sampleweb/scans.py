"""Scanned reports for tests: a generated report rendered to PDF, rasterised and degraded the way scans are.

``make_scan(seed)`` composes a report from the generic template of its year (random but 勾稽-consistent numbers,
from one to four digits), renders it with ``render_pdf``, rasterises every page at the scan's dpi and applies the
degradation knobs, each drawn independently from the seed by ``knobs_for``. It returns the sheets as JPEG, the same
sheets as an image-only PDF, and the truth: unit, year and every printed table cell by template key.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass

import pypdfium2
from PIL import Image

from sampleweb import scan_degrade as degrade
from sampleweb.document import ReportDoc, compose
from sampleweb.gov_tables import ReportTables
from sampleweb.numbers import generate, rng_for
from sampleweb.render_pdf import report_pdf
from sampleweb.scan_truth import table_truth

UNITS = ("平罗县姚伏镇人民政府", "贺兰县人民政府办公室", "盐池县教育体育局", "正宁县山河镇人民政府",
         "灵武市宁东镇人民政府", "惠农区市场监督管理局")


@dataclass(frozen=True)
class Knobs:
    """How one scan is degraded; every field is drawn from the seed on its own (see ``knobs_for``)."""

    dpi: int = 300
    rotation: float = 0.0  # degrees, ± up to 3
    perspective: float = 0.0  # corner displacement as a share of the page size
    noise: float = 0.0  # grain sigma in grey levels
    blur: float = 0.0  # Gaussian radius in pixels at 300 dpi
    jpeg_quality: int = 90
    seal: bool = False
    signature: bool = False
    fold_shadow: bool = False
    two_up: bool = False


CLEAN = Knobs()


def knobs_for(seed: str) -> Knobs:
    """The degradation of scan ``seed``: each knob from its own random stream, so knobs vary independently."""
    def pick(name: str) -> object:
        rng = rng_for("scan-knob", name, seed)
        return {
            "dpi": lambda: rng.choice((150, 200, 250, 300)),
            "rotation": lambda: 0.0 if rng.random() < 0.3 else round(rng.uniform(-3, 3), 2),
            "perspective": lambda: rng.choice((0.0, 0.0, 0.004, 0.008)),
            "noise": lambda: rng.choice((0.0, 4.0, 8.0, 12.0)),
            "blur": lambda: rng.choice((0.0, 0.0, 0.6, 1.0)),
            "jpeg_quality": lambda: rng.randint(40, 90),
            "seal": lambda: rng.random() < 0.5,
            "signature": lambda: rng.random() < 0.5,
            "fold_shadow": lambda: rng.random() < 0.3,
            "two_up": lambda: rng.random() < 0.2,
        }[name]()
    return Knobs(**{name: pick(name) for name in asdict(CLEAN)})  # type: ignore[arg-type]


@dataclass(frozen=True)
class Scan:
    """One scanned report: its sheets (JPEG, in page order), the same sheets as an image-only PDF, and the truth.
    ``pages`` counts the report's pages (two to a sheet when copied two-up)."""

    seed: str
    knobs: Knobs
    pages: int
    unit_name: str
    report_year: int
    format_version: str
    sheets: tuple[bytes, ...]
    pdf: bytes
    cells: dict[str, int | float | None]


def report_doc(seed: str) -> tuple[ReportDoc, ReportTables]:
    """The report scan ``seed`` shows (a unit, a year: gov2019 before 2021, numbers of 1–4 digits) and its tables."""
    rng = rng_for("scan-report", seed)
    unit, year = rng.choice(UNITS), rng.randint(2019, 2024)
    version = "gov2021" if year >= 2021 else "gov2019"
    stats = generate(version, unit, year, seed, scale=rng.choice((8, 60, 400, 2500)))
    fields = {
        "unit": unit, "year": str(year), "short": "本机关", "issued": str(stats.issued),
        "web_items": str(rng.randint(120, 900)), "interpretations": str(rng.randint(1, 12)),
        "new_received": str(stats.new_received), "review_total": str(stats.review_total),
        "portal": "县人民政府", "home": "http://www.example.gov.cn", "upper": "自治区", "city": "市",
        "province": "宁夏回族自治区",
    }
    return compose(f"generic_{version}.txt", fields, stats.tables, unit, year), stats.tables


def make_scan(seed: str, knobs: Knobs | None = None) -> Scan:
    """Scan ``seed`` with ``knobs`` (default: drawn from the seed); the same bytes every time."""
    knobs = knobs or knobs_for(seed)
    doc, tables = report_doc(seed)
    pages = _office(_raster(report_pdf(doc), knobs.dpi), knobs, seed)
    count = len(pages)
    if knobs.two_up:
        pages = [degrade.two_up(pages[i], pages[i + 1] if i + 1 < len(pages) else None)
                 for i in range(0, len(pages), 2)]
    sheets = tuple(_scanner(page, knobs, f"{seed}/{i}") for i, page in enumerate(pages))
    return Scan(seed, knobs, count, doc.unit_name, doc.report_year, tables.version, sheets,
                image_pdf(sheets, knobs.dpi), table_truth(tables))


def _raster(pdf: bytes, dpi: int) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [document[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(document))]
    finally:
        document.close()


def _office(pages: list[Image.Image], knobs: Knobs, seed: str) -> list[Image.Image]:
    """What happens on paper before scanning: the seal over table cells, the signature, the fold."""
    rng = rng_for("scan-office", seed)
    out = list(pages)
    if knobs.seal:
        index = rng.randrange(1, len(out)) if len(out) > 1 else 0
        page = out[index]
        centre = (int(page.width * rng.uniform(0.55, 0.8)), int(page.height * rng.uniform(0.3, 0.8)))
        out[index] = degrade.red_seal(page, rng, centre)
    if knobs.signature:
        last = out[-1]
        out[-1] = degrade.signature(last, rng, (int(last.width * 0.6), int(last.height * 0.9)))
    if knobs.fold_shadow:
        out = [degrade.fold_shadow(page, rng) for page in out]
    return out


def _scanner(page: Image.Image, knobs: Knobs, seed: str) -> bytes:
    """What the scanner does: skew on the glass, optics, grain and compression."""
    rng = rng_for("scan-scanner", seed)
    page = degrade.perspective(degrade.rotate(page, knobs.rotation), rng, knobs.perspective)
    page = degrade.blur(page, knobs.blur * knobs.dpi / 300)
    return degrade.jpeg(degrade.grain(page, rng, knobs.noise), knobs.jpeg_quality)


def image_pdf(sheets: tuple[bytes, ...], dpi: int) -> bytes:
    """An image-only PDF of the JPEG sheets, one sheet a page at its scanned size (the JPEG bytes embedded as-is)."""
    pdf = pypdfium2.PdfDocument.new()
    try:
        for sheet in sheets:
            with Image.open(io.BytesIO(sheet)) as image:
                width, height = image.width * 72 / dpi, image.height * 72 / dpi
            page = pdf.new_page(width, height)
            picture = pypdfium2.PdfImage.new(pdf)
            picture.load_jpeg(io.BytesIO(sheet), inline=True)
            picture.set_matrix(pypdfium2.PdfMatrix().scale(width, height))
            page.insert_obj(picture)
            page.gen_content()
        buffer = io.BytesIO()
        pdf.save(buffer)
        return buffer.getvalue()
    finally:
        pdf.close()
