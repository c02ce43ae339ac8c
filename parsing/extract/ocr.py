"""OCR extractor: images and text-less PDF pages through tesseract (chi_sim), lines kept with their boxes.

Ruling lines are found as long dark pixel runs and erased before recognition (tesseract reads them as
glyphs); when they form a grid, the recognised words are put into its cells, which carry page, bbox (PDF
points) and ``ocr=True``. Other words join into lines; a gap wider than two character heights becomes a
tab, so unruled tables reach the text-table path the way positional text does. Images come out with
``source_kind`` "image", OCR'd PDF pages are listed in ``meta["ocr_pages"]``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import shutil
import subprocess
from dataclasses import dataclass

import pypdfium2
from PIL import Image, ImageDraw, UnidentifiedImageError

from kernel.errors import ParseError
from parsing.extract import ofd_grid
from parsing.types import BBox, Extraction, Table

LANG = "chi_sim"
DPI = 150
PT = 72 / DPI  # pixels → PDF points
RULE_MIN_PX = 60  # a dark run this long is a ruling line, not a character stroke
TIMEOUT_S = 90
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")


@dataclass(frozen=True)
class OcrLine:
    """A recognised word or line: text (tabs at wide gaps), page (1-based), bbox in pixels, mean confidence."""

    text: str
    page: int
    bbox: BBox
    confidence: float


def looks_like_image(data: bytes) -> bool:
    """True for PNG, JPEG, GIF, TIFF and BMP magic bytes."""
    return data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def extract_image(data: bytes) -> Extraction:
    """OCR one image (every frame of a multi-page TIFF)."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ParseError(f"unreadable image: {type(exc).__name__}: {exc}") from exc
    texts: list[str] = []
    tables: list[Table] = []
    frames = getattr(image, "n_frames", 1)
    for index in range(frames):
        image.seek(index)
        text, found = ocr_page(image.convert("L"), page=index + 1)
        texts.append(text)
        tables.extend(found)
    text = "\n".join(texts)
    warnings = [f"text from OCR (tesseract {LANG})"] if text.strip() else ["OCR found no text"]
    return Extraction(text=text, tables=tables, pages=frames, source_kind="image",
                      meta={"ocr": f"tesseract {LANG}"}, warnings=warnings)


def ocr_pdf_page(data: bytes, index: int) -> tuple[str, list[Table]]:
    """Render one PDF page (0-based) at DPI and OCR it."""
    doc = pypdfium2.PdfDocument(data)
    try:
        image = doc[index].render(scale=DPI / 72).to_pil().convert("L")
    finally:
        doc.close()
    return ocr_page(image, page=index + 1)


def ocr_page(image: Image.Image, page: int) -> tuple[str, list[Table]]:
    """The page's text (tables inlined as tab rows, in reading order) and its ruled tables."""
    segments = erase_rules(image)
    words = ocr_words(image)
    glyphs = [(w.text, w.bbox[0] * PT, w.bbox[3] * PT, (w.bbox[3] - w.bbox[1]) * PT) for w in words]
    tables = [_as_ocr(t) for t in ofd_grid.tables(segments, glyphs, page)]
    boxes = [t.bbox for t in tables if t.bbox]
    free = [w for w in words if not any(ofd_grid.contains(b, w.bbox[0] * PT + 1, w.bbox[3] * PT - 1) for b in boxes)]
    blocks = [(line.bbox[1] * PT, line.text) for line in _group(free, page)]
    blocks += [(t.bbox[1] if t.bbox else 0.0, t.as_text()) for t in tables]
    return "\n".join(text for _, text in sorted(blocks, key=lambda b: b[0])), tables


def _as_ocr(table: Table) -> Table:
    rows = [[dataclasses.replace(c, ocr=True) for c in row] for row in table.rows]
    return Table(rows=rows, page=table.page, bbox=table.bbox)


def erase_rules(image: Image.Image) -> list[ofd_grid.Segment]:
    """Find horizontal and vertical ruling lines (in PDF points), paint them white in ``image``."""
    binary = image.point(lambda v: 0 if v < 140 else 255)
    segments: list[ofd_grid.Segment] = []
    draw = ImageDraw.Draw(image)
    for y, x0, x1 in _runs(binary):
        segments.append((x0 * PT, y * PT, x1 * PT, y * PT))
        draw.line([(x0, y), (x1, y)], fill=255, width=5)
    for x, y0, y1 in _runs(binary.transpose(Image.Transpose.TRANSPOSE)):
        segments.append((x * PT, y0 * PT, x * PT, y1 * PT))
        draw.line([(x, y0), (x, y1)], fill=255, width=5)
    return segments


def _runs(binary: Image.Image) -> list[tuple[int, int, int]]:
    """(row, start, end) of every dark run of at least RULE_MIN_PX pixels."""
    data, width = binary.tobytes(), binary.width
    pattern = re.compile(rb"\x00{%d,}" % RULE_MIN_PX)
    out = []
    for y in range(binary.height):
        for match in pattern.finditer(data, y * width, (y + 1) * width):
            out.append((y, match.start() - y * width, match.end() - y * width - 1))
    return out


def ocr_words(image: Image.Image) -> list[OcrLine]:
    """Tesseract's TSV words with their pixel boxes and confidences."""
    binary = shutil.which("tesseract")
    if binary is None:
        raise ParseError("OCR needs tesseract (Debian: tesseract-ocr tesseract-ocr-chi-sim)")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    done = subprocess.run([binary, "stdin", "stdout", "-l", LANG, "--psm", "6", "tsv"], input=buffer.getvalue(),
                          capture_output=True, timeout=TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise ParseError(f"tesseract failed: {done.stderr.decode('utf-8', 'replace').strip()[:300]}")
    words = []
    for row in csv.DictReader(io.StringIO(done.stdout.decode("utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") == "5" and (row.get("text") or "").strip():
            left, top, w, h = (int(row[k]) for k in ("left", "top", "width", "height"))
            box = (float(left), float(top), float(left + w), float(top + h))
            words.append(OcrLine(row["text"].strip(), 0, box, float(row["conf"])))
    return words


def _group(words: list[OcrLine], page: int) -> list[OcrLine]:
    """Words whose vertical centres lie within half a height of a line's first word join that line."""
    lines: list[list[OcrLine]] = []
    for word in sorted(words, key=lambda w: ((w.bbox[1] + w.bbox[3]) / 2, w.bbox[0])):
        centre, height = (word.bbox[1] + word.bbox[3]) / 2, word.bbox[3] - word.bbox[1]
        first = lines[-1][0].bbox if lines else None
        if first and abs((first[1] + first[3]) / 2 - centre) <= max(height, first[3] - first[1]) / 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [_line(sorted(line, key=lambda w: w.bbox[0]), page) for line in lines]


def _line(words: list[OcrLine], page: int) -> OcrLine:
    height = max(1.0, sorted(w.bbox[3] - w.bbox[1] for w in words)[len(words) // 2])
    parts = [words[0].text]
    for prev, word in zip(words, words[1:], strict=False):
        parts.append(("\t" if word.bbox[0] - prev.bbox[2] > 2 * height else "") + word.text)
    bbox = (min(w.bbox[0] for w in words), min(w.bbox[1] for w in words), max(w.bbox[2] for w in words),
            max(w.bbox[3] for w in words))
    return OcrLine("".join(parts), page, bbox, round(sum(w.confidence for w in words) / len(words), 1))
