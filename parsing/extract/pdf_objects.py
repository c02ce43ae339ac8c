"""A pdfplumber page's objects (chars, lines, rects, curves) read by pypdfium2 instead of pdfminer.

Why: pdfplumber gets its objects from pdfminer, which interprets the content streams in pure Python — about 85% of
the time a born-digital PDF takes to parse. pypdfium2 reads the same characters and paths in C. ``page_objects``
builds from them the dicts pdfplumber's own ``Page.parse_objects`` would (same keys, same pdfminer geometry and
pdfplumber's top-left coordinates), to be set as the page's ``_objects``: pdfplumber's text layout and table
finding then run unchanged on top.

Geometry as pdfminer computes it: a char's box is its advance (pdfium's glyph width) by its font size, lowered
by the font's descent, which is read from the PDF's font dictionaries the way pdfminer reads it (the standard 14
fonts from pdfminer's AFM metrics); paths are split into subpaths and classed as line, rect or curve by pdfminer's
rules; everything goes through pdfminer's page matrix (rotation, MediaBox origin) and pdfplumber's flip; chars are
put back in content order (pdfium's text page sorts each line). What remains apart, by hundredths of a point: pdfium
keeps coordinates as 32-bit floats and glyph widths as whole font units (a /W width of 599.6 advances 599), and it
adds the character spacing (Tc) after a string's last glyph, as the PDF specification says and pdfminer does not.
Horizontal scaling (Tz) is in a char's matrix, not in its ``adv``; colours are pdfium's RGB scaled to 0–1 (pdfminer
gives them in their own colour space); nothing in this project reads those three.

Whatever this cannot reproduce raises ``Unsupported`` and the caller lets pdfminer read the page: a page without
chars, chars with no Unicode mapping (pdfminer's ``(cid:N)``), Type3 or vertical fonts, a font not found in the
page's resources, and text pdfium's text page changed (dropped duplicates, split ligatures, ActualText).
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from typing import Any

import pypdfium2
import pypdfium2.raw as fz
from pdfminer.pdffont import FontMetricsDB
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import PSLiteral, literal_name

Obj = dict[str, Any]
Matrix = tuple[float, float, float, float, float, float]
_SUBSET = re.compile(r"^[A-Z]{6}\+")


class Unsupported(Exception):
    """The page holds something this conversion would not reproduce as pdfminer does."""


def page_objects(pdfium_page: pypdfium2.PdfPage, page: Any) -> dict[str, list[Obj]]:
    """The objects of pdfplumber ``page`` read from ``pdfium_page`` (the same page); Unsupported if not exact."""
    flip = _Flip(page)
    base = _page_matrix(page.page_obj)
    fonts = _Fonts(_fonts(page.page_obj.resources, {}, set()))
    text_objects: dict[int, int] = {}  # text object address -> position in content order
    objects: dict[str, list[Obj]] = {"char": [], "line": [], "rect": [], "curve": []}
    raw = pdfium_page.raw
    for handle, kind, matrix in _walk([fz.FPDFPage_GetObject(raw, i) for i in range(fz.FPDFPage_CountObjects(raw))],
                                      base):
        if kind == fz.FPDF_PAGEOBJ_TEXT:
            text_objects[_address(handle)] = len(text_objects)
        elif kind == fz.FPDF_PAGEOBJ_PATH:
            for obj in _paths(handle, matrix):
                objects[obj["object_type"]].append(flip(obj))
    textpage = pdfium_page.get_textpage()
    try:
        chars = _chars(textpage.raw, base, fonts, text_objects)
    finally:
        textpage.close()
    if not chars:
        raise Unsupported("no characters")
    objects["char"] = [flip(obj) for obj in chars]
    return {kind: found for kind, found in objects.items() if found}


class _Flip:
    """pdfplumber's conversion of a pdfminer object to top-left coordinates (``Page.process_object``)."""

    def __init__(self, page: Any) -> None:
        self.page_number, self.height, self.doctop = page.page_number, page.height, page.initial_doctop
        self.x0, self.top = page.mediabox[:2]

    def __call__(self, obj: Obj) -> Obj:
        obj["page_number"] = self.page_number
        obj["top"] = (self.height - obj["y1"]) + self.top
        obj["bottom"] = (self.height - obj["y0"]) + self.top
        obj["doctop"] = self.doctop + obj["top"]
        if self.x0 != 0:
            obj["x0"], obj["x1"] = obj["x0"] + self.x0, obj["x1"] + self.x0
        if "pts" in obj:
            obj["pts"] = [self.point(p) for p in obj["pts"]]
            obj["path"] = [(op, *map(self.point, pts)) for op, *pts in obj["path"]]
        return obj

    def point(self, pt: tuple[float, float]) -> tuple[float, float]:
        return self.x0 + pt[0], self.top + self.height - pt[1]


def _page_matrix(page_obj: Any) -> Matrix:
    """pdfminer's initial CTM for the page (``PDFPageInterpreter.process_page``)."""
    x0, y0, x1, y1 = page_obj.mediabox
    rotated = {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1), 270: (0, 1, -1, 0, y1, -x0)}
    return rotated.get(page_obj.rotate, (1, 0, 0, 1, -x0, -y0))


def _mult(m: Matrix, n: Matrix) -> Matrix:
    """The matrix applying ``m`` then ``n``."""
    a, b, c, d, e, f = m
    a1, b1, c1, d1, e1, f1 = n
    return (a * a1 + b * c1, a * b1 + b * d1, c * a1 + d * c1, c * b1 + d * d1,
            e * a1 + f * c1 + e1, e * b1 + f * d1 + f1)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _address(handle: Any) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _matrix(handle: Any) -> Matrix:
    m = fz.FS_MATRIX()
    if not fz.FPDFPageObj_GetMatrix(handle, m):
        raise Unsupported("object without a matrix")
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _walk(handles: list[Any], outer: Matrix) -> Iterator[tuple[Any, int, Matrix]]:
    """Every object in content order, form XObjects opened in place, with its matrix to pdfminer's space."""
    for handle in handles:
        kind = fz.FPDFPageObj_GetType(handle)
        matrix = _mult(_matrix(handle), outer) if kind in (fz.FPDF_PAGEOBJ_PATH, fz.FPDF_PAGEOBJ_FORM) else outer
        yield handle, kind, matrix
        if kind == fz.FPDF_PAGEOBJ_FORM:
            inner = [fz.FPDFFormObj_GetObject(handle, i) for i in range(fz.FPDFFormObj_CountObjects(handle))]
            yield from _walk(inner, matrix)


def _colour(getter: Any, handle: Any) -> tuple[float, ...]:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(handle, r, g, b, a):
        return (0,)
    return (r.value / 255, g.value / 255, b.value / 255)


def _paths(handle: Any, matrix: Matrix) -> list[Obj]:
    """The lines, rects and curves pdfminer's ``PDFLayoutAnalyzer.paint_path`` makes of one path object."""
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    fz.FPDFPath_GetDrawMode(handle, fill_mode, stroke)
    if fill_mode.value == fz.FPDF_FILLMODE_NONE and not stroke.value:
        return []
    width = ctypes.c_float()
    fz.FPDFPageObj_GetStrokeWidth(handle, width)
    style = {"linewidth": width.value, "stroke": bool(stroke.value), "fill": fill_mode.value != 0,
             "evenodd": fill_mode.value == fz.FPDF_FILLMODE_ALTERNATE, "dash": None, "mcid": None, "tag": None,
             "stroking_color": _colour(fz.FPDFPageObj_GetStrokeColor, handle),
             "non_stroking_color": _colour(fz.FPDFPageObj_GetFillColor, handle)}
    ops = _segments(handle, matrix)
    if not ops or ops[0][0] != "m":
        return []
    starts = [i for i, op in enumerate(ops) if op[0] == "m"] + [len(ops)]
    out = []
    for start, end in zip(starts, starts[1:], strict=False):
        if end - start > 1:  # pdfminer skips a lone moveto
            out.append({**style, **_shape(ops[start:end])})
    return out


def _segments(handle: Any, matrix: Matrix) -> list[tuple[Any, ...]]:
    """The path as pdfminer records it: ("m"|"l", pt), ("c", pt, pt, pt), ("h", start) — pdfium marks ``h`` as a
    closing flag on the segment before it, after a line back to the start when the path was not already there."""
    x, y = ctypes.c_float(), ctypes.c_float()
    ops: list[tuple[Any, ...]] = []
    curve: list[tuple[float, float]] = []
    start = (0.0, 0.0)
    for j in range(fz.FPDFPath_CountSegments(handle)):
        segment = fz.FPDFPath_GetPathSegment(handle, j)
        fz.FPDFPathSegment_GetPoint(segment, x, y)
        point = _apply(matrix, x.value, y.value)
        kind = fz.FPDFPathSegment_GetType(segment)
        if kind == fz.FPDF_SEGMENT_MOVETO:
            ops.append(("m", point))
            start = point
        elif kind == fz.FPDF_SEGMENT_LINETO:
            ops.append(("l", point))
        elif kind == fz.FPDF_SEGMENT_BEZIERTO:
            curve.append(point)
            if len(curve) < 3:
                continue
            ops.append(("c", *curve))
            curve = []
        else:
            raise Unsupported("unknown path segment")
        if fz.FPDFPathSegment_GetClose(segment):
            ops.append(("h", start))
    return ops


def _shape(path: list[tuple[Any, ...]]) -> Obj:
    """One subpath as pdfminer classes it, in pdfminer's (bottom-left) coordinates."""
    shape = "".join(op[0] for op in path)
    pts = [op[-1] for op in path]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:  # a redundant line before the close
        shape, pts = shape[:-2] + "h", pts[:-2] + pts[-1:]
    kind = "curve"
    if shape in ("mlh", "ml"):
        kind, pts = "line", pts[:2]
    elif shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        if pts[0] == pts[4] and ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                                 or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)):
            kind, pts = "rect", [(x0, y0), (x2, y0), (x2, y2), (x0, y2)]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    return {"object_type": kind, "x0": x0, "y0": y0, "x1": x1, "y1": y1, "width": x1 - x0, "height": y1 - y0,
            "pts": pts, "path": [(op[0], *op[1:]) if op[0] != "h" else ("h",) for op in path]}


def _fonts(resources: Any, out: dict[str, tuple[float, str] | None], seen: set[int]) -> dict[str, Any]:
    """Font BaseFont name -> (descent per unit of font size, font name) as pdfminer's PDFFont reads them, for the
    fonts of ``resources`` and of the form XObjects it holds; None for a name two different fonts share."""
    resources = resolve1(resources)
    if not isinstance(resources, dict) or id(resources) in seen:
        return out
    seen.add(id(resources))
    for spec in (resolve1(resolve1(resources.get("Font")) or {})).values():
        spec = resolve1(spec)
        if isinstance(spec, dict):  # keyed without the subset tag, which pdfium's name may lack
            name = _SUBSET.sub("", _name(spec.get("BaseFont")))
            metrics = _font_metrics(spec)
            known = out.get(name, metrics)
            if known is None or metrics is None or known[0] != metrics[0]:
                out[name] = None
            else:  # subsets named apart by their tags only: the name without the tag
                out[name] = metrics if known == metrics else (metrics[0], name)
    for xobject in (resolve1(resolve1(resources.get("XObject")) or {})).values():
        xobject = resolve1(xobject)
        if isinstance(xobject, PDFStream) and _name(xobject.get("Subtype")) == "Form":
            _fonts(xobject.get("Resources"), out, seen)
    return out


def _name(value: Any) -> str:
    value = resolve1(value)
    if isinstance(value, PSLiteral):
        return str(literal_name(value))
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _font_metrics(spec: dict[str, Any]) -> tuple[float, str] | None:
    subtype = _name(spec.get("Subtype", "Type1"))
    if subtype == "Type3":
        return None
    if subtype == "Type0":
        encoding = resolve1(spec.get("Encoding"))
        if _name(encoding).endswith("-V") or (isinstance(encoding, PDFStream) and encoding.get("WMode") == 1):
            return None  # vertical writing: pdfminer boxes its chars differently
        descendants = resolve1(spec.get("DescendantFonts"))
        spec = resolve1(descendants[0]) if isinstance(descendants, list) and descendants else {}
        descriptor = resolve1(spec.get("FontDescriptor")) if isinstance(spec, dict) else None
    elif subtype in ("CIDFontType0", "CIDFontType2"):
        descriptor = resolve1(spec.get("FontDescriptor"))
    else:
        try:
            descriptor = FontMetricsDB.get_metrics(_name(spec.get("BaseFont")))[0]
        except KeyError:
            descriptor = resolve1(spec.get("FontDescriptor"))
    descriptor = descriptor if isinstance(descriptor, dict) else {}
    descent = resolve1(descriptor.get("Descent", 0))
    descent = descent if isinstance(descent, (int, float)) else 0
    return -abs(descent) * 0.001, _name(descriptor.get("FontName", "unknown"))


class _TextObject:
    """What the chars of one text object share: content order, font metrics, font size, matrix, colours."""

    def __init__(self, handle: Any, order: int, base: Matrix, fonts: _Fonts, textpage: Any, i: int):
        self.order = order
        self.font = fz.FPDFTextObj_GetFont(handle)
        size = ctypes.c_float()
        if not self.font or not fz.FPDFTextObj_GetFontSize(handle, size):
            raise Unsupported("text object without a font")
        ratio, self.fontname = fonts.metrics(self.font)
        self.size, self.descent = size.value, ratio * size.value
        m = fz.FS_MATRIX()
        fz.FPDFText_GetMatrix(textpage, i, m)
        a, b, c, d, _e, _f = _mult((m.a, m.b, m.c, m.d, 0, 0), base)
        self.matrix = (a, b, c, d)
        self.upright = a * d > 0 and b * c <= 0
        self.stroking_color = _colour(fz.FPDFPageObj_GetStrokeColor, handle)
        self.non_stroking_color = _colour(fz.FPDFPageObj_GetFillColor, handle)


class _Fonts:
    """pdfium font -> (descent per unit of size, font name) found by the font's name in ``_fonts``' table."""

    def __init__(self, by_name: dict[str, Any]) -> None:
        self.by_name = by_name
        self.by_handle: dict[int, tuple[float, str]] = {}

    def metrics(self, font: Any) -> tuple[float, str]:
        key = _address(font)
        found = self.by_handle.get(key)
        if found is None:
            buffer = ctypes.create_string_buffer(256)
            length = fz.FPDFFont_GetBaseFontName(font, buffer, 256)
            found = self.by_name.get(_SUBSET.sub("", buffer.raw[:max(length - 1, 0)].decode("utf-8", "replace")))
            if found is None:
                raise Unsupported("font not found in the page resources, ambiguous, Type3 or vertical")
            self.by_handle[key] = found
        return found


def _chars(textpage: Any, base: Matrix, fonts: _Fonts, text_objects: dict[int, int]) -> list[Obj]:
    """The page's chars as pdfminer's LTChar, in content-stream order (pdfium's text page reorders within lines)."""
    x, y, width = ctypes.c_double(), ctypes.c_double(), ctypes.c_float()
    infos: dict[int, _TextObject] = {}
    keyed: list[tuple[int, int, Obj]] = []
    last: tuple[int, float, float] | None = None
    for i in range(fz.FPDFText_CountChars(textpage)):
        if fz.FPDFText_IsGenerated(textpage, i):
            continue
        if fz.FPDFText_HasUnicodeMapError(textpage, i):
            raise Unsupported("a char without a Unicode mapping")
        handle = fz.FPDFText_GetTextObject(textpage, i)
        key = _address(handle)
        info = infos.get(key)
        if info is None:
            if key not in text_objects:
                raise Unsupported("a char outside the page's text objects")
            info = infos[key] = _TextObject(handle, text_objects[key], base, fonts, textpage, i)
        fz.FPDFText_GetCharOrigin(textpage, i, x, y)
        code = fz.FPDFText_GetUnicode(textpage, i)
        if last == (key, x.value, y.value) or not fz.FPDFFont_GetGlyphWidth(info.font, code, info.size, width):
            raise Unsupported("a char pdfium split or cannot measure")
        last = (key, x.value, y.value)
        keyed.append((info.order, i, _char(info, code, width.value, _apply(base, x.value, y.value))))
    if len(infos) != len(text_objects):
        raise Unsupported("pdfium's text page dropped a text object")  # duplicates, or no visible width
    keyed.sort(key=lambda item: (item[0], item[1]))
    return [obj for _order, _i, obj in keyed]


def _char(info: _TextObject, code: int, adv: float, origin: tuple[float, float]) -> Obj:
    """An LTChar: the box (0, descent)–(adv, descent + size) in text space, through the char's matrix."""
    a, b, c, d = info.matrix
    e, f = origin
    low, high = info.descent, info.descent + info.size
    xs = (e + c * low, a * adv + c * low + e, a * adv + c * high + e, c * high + e)
    ys = (d * low + f, b * adv + d * low + f, b * adv + d * high + f, d * high + f)
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    return {"matrix": (a, b, c, d, e, f), "fontname": info.fontname, "adv": adv, "upright": info.upright,
            "x0": x0, "y0": y0, "x1": x1, "y1": y1, "width": x1 - x0, "height": y1 - y0, "size": y1 - y0,
            "mcid": None, "tag": None, "object_type": "char", "text": chr(code),
            "stroking_color": info.stroking_color, "non_stroking_color": info.non_stroking_color}
