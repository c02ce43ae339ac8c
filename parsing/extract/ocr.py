"""OCR extractor: images and text-less PDF pages read from the picture, tables from their ruling lines.

A sheet is cleaned and straightened (``scan_prep``: seal ink dropped via the red channel, two-page sheets
split, dust dropped, skew undone, ink by local threshold), its ruled tables found by morphology (``scan_grid``,
cells and spans by ``ofd_grid`` as for OFD), and every cell and every text line outside the tables read on its own by
RapidOCR's recogniser (``scan_read``). Cells carry page, bbox (PDF points), ``ocr=True``, the engine and its
confidence, and ``uncertain`` when it was unsure. Text lines come out in reading order with each table inlined
as tab rows, so header and section parsing work as for born-digital text. Images come out with ``source_kind``
"image"; OCR'd PDF pages are listed in ``meta["ocr_pages"]``.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
import pypdfium2
from PIL import Image, UnidentifiedImageError

from kernel.errors import ParseError
from parsing.extract import scan_grid, scan_prep, scan_read
from parsing.types import Extraction, Table

LANG = scan_read.ENGINE  # what the warnings name as the OCR engine
RENDER_DPI = 200  # PDF pages with no single full-page image are rendered at this resolution
WORK_DPI = 200  # finer scans are scaled down to this before reading
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")


def looks_like_image(data: bytes) -> bool:
    """True for PNG, JPEG, GIF, TIFF and BMP magic bytes."""
    return data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def extract_image(data: bytes) -> Extraction:
    """OCR one image (every frame of a multi-page TIFF)."""
    return extract_image_pages([data])


def extract_image_pages(images: list[bytes]) -> Extraction:
    """A report shown as a run of page images (图片版): every image (and TIFF frame) OCR'd in the order given and
    joined into one document, pages numbered through."""
    texts: list[str] = []
    tables: list[Table] = []
    for data in images:
        try:
            image = Image.open(io.BytesIO(data))
            image.load()
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise ParseError(f"unreadable image: {type(exc).__name__}: {exc}") from exc
        stated = image.info.get("dpi", (None,))[0]
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            text, found = ocr_sheet(np.asarray(image.convert("RGB")), len(texts) + 1, _float(stated))
            texts.append(text)
            tables.extend(found)
    text = "\n".join(texts)
    warnings = [f"text from OCR ({LANG})"] if text.strip() else ["OCR found no text"]
    return Extraction(text=text, tables=tables, pages=len(texts), source_kind="image", meta={"ocr": LANG},
                      warnings=warnings)


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def ocr_pdf_page(data: bytes, index: int) -> tuple[str, list[Table]]:
    """OCR one PDF page (0-based): its full-page scan image at native resolution, else a render at RENDER_DPI."""
    doc = pypdfium2.PdfDocument(data)
    try:
        page = doc[index]
        width_pt = page.get_width()
        picture = _full_page_image(page)
        if picture is not None:
            rgb = np.asarray(picture.get_bitmap(render=False).to_pil().convert("RGB"))
            dpi = rgb.shape[1] / (width_pt / 72)
        else:
            rgb, dpi = np.asarray(page.render(scale=RENDER_DPI / 72).to_pil().convert("RGB")), float(RENDER_DPI)
    finally:
        doc.close()
    return ocr_sheet(rgb, index + 1, dpi)


def _full_page_image(page: pypdfium2.PdfPage) -> pypdfium2.PdfImage | None:
    """The image object covering most of the page (a scan), if there is exactly that."""
    area = page.get_width() * page.get_height()
    for obj in page.get_objects(filter=(pypdfium2.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=1):
        left, bottom, right, top = obj.get_bounds()
        if (right - left) * (top - bottom) >= 0.8 * area and isinstance(obj, pypdfium2.PdfImage):
            return obj
    return None


def ocr_sheet(rgb: np.ndarray, page: int, dpi: float | None = None) -> tuple[str, list[Table]]:
    """The text (tables inlined as tab rows, in reading order) and the ruled tables of one scanned sheet."""
    grey = scan_prep.grey_without_seal(rgb)
    texts: list[str] = []
    tables: list[Table] = []
    sheet_dpi = scan_prep.page_dpi(grey, dpi)
    for part in scan_prep.split_sheet(grey):
        text, found = ocr_page(part, page, sheet_dpi)
        texts.append(text)
        tables.extend(found)
    return "\n".join(texts), tables


def ocr_page(grey: np.ndarray, page: int, dpi: float) -> tuple[str, list[Table]]:
    """One page: scaled to at most WORK_DPI, deskewed, its tables found, cells and free text lines read."""
    if dpi > WORK_DPI * 1.1:  # finer scans cost more and read no better: the recogniser sees 48-pixel lines
        grey = cv2.resize(grey, None, fx=WORK_DPI / dpi, fy=WORK_DPI / dpi, interpolation=cv2.INTER_AREA)
        dpi = float(WORK_DPI)
    grey, ink, _ = scan_prep.deskew(*scan_prep.clean(grey, dpi))
    found, rules = scan_grid.tables(ink, dpi, page)
    grey, ink = scan_read.erase(grey, ink, rules, [t.bbox for t in found if t.bbox])
    free = ink.copy()
    for table in found:
        x0, y0, x1, y1 = (int(v) for v in table.bbox or (0, 0, 0, 0))
        free[max(0, y0 - 3):y1 + 4, max(0, x0 - 3):x1 + 4] = 0
    boxes = scan_read.line_boxes(free, (0, 0, free.shape[1], free.shape[0]), max(4, int(dpi / 25)))
    tables = scan_read.fill_tables(found, grey, ink, dpi, 72 / dpi)
    blocks = [(float(box[1]), text) for box, text in scan_read.read_text(grey, free, boxes)]
    blocks += [((t.bbox[1] if t.bbox else 0.0) * dpi / 72, t.as_text()) for t in tables]
    return "\n".join(text for _, text in sorted(blocks, key=lambda b: b[0])), tables
