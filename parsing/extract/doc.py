"""Old Word / WPS (.doc, OLE2) extractor: LibreOffice converts to .docx (real tables with merged cells, read
by the DOCX extractor); ``antiword -m UTF-8.txt`` text when LibreOffice is missing or fails; LibreOffice txt last."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from kernel.errors import ParseError
from parsing.extract import docx
from parsing.types import Extraction

TIMEOUT_SECONDS = 60
# Without "-m UTF-8.txt" antiword prints "?" for every Chinese character.
ANTIWORD_ARGS = ["-m", "UTF-8.txt", "-w", "0"]
# An OLE2 compound file declares its major version (3 or 4) at byte 26 and the byte-order mark FE FF at byte 28.
_OLE_VERSIONS = (b"\x03\x00", b"\x04\x00")
_OLE_BYTE_ORDER = b"\xfe\xff"


def extract(data: bytes) -> Extraction:
    """Text and tables of a .doc/.wps file (tables only through the LibreOffice .docx conversion)."""
    if not data:
        raise ParseError("empty DOC document")
    if data[26:28] not in _OLE_VERSIONS or data[28:30] != _OLE_BYTE_ORDER:
        # LibreOffice would import the bytes as plain text and "succeed" with garbage
        raise ParseError("damaged DOC/WPS file: its OLE2 header has no valid version and byte-order mark; not "
                         "parsed — fetch it again, or open it by hand if it stays broken")
    tried: list[str] = []
    with tempfile.TemporaryDirectory(prefix="nianbao-doc-") as tmp:
        path = Path(tmp) / "input.doc"
        path.write_bytes(data)
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        converted = _run_soffice_docx(soffice, path, Path(tmp), tried) if soffice else None
        if converted is not None:
            try:
                extraction = docx.extract(converted)
            except ParseError as exc:
                tried.append(f"soffice docx: {exc}")
            else:
                extraction.source_kind = "doc"
                extraction.meta["converter"] = "soffice-docx"
                return extraction
        if shutil.which("antiword"):
            text = _run_antiword(path, tried)
            if text.strip():
                return Extraction(text=text, source_kind="doc", meta={"converter": "antiword"})
        else:
            tried.append("antiword: not installed (Debian package antiword)")
        if soffice:
            text = _run_soffice(soffice, path, Path(tmp), tried)
            if text.strip():
                return Extraction(text=text, source_kind="doc", meta={"converter": "soffice"},
                                  warnings=[f"antiword failed: {'; '.join(tried)}"] if tried else [])
        else:
            tried.append("soffice: not installed (Debian package libreoffice-writer-nogui)")
    raise ParseError("unreadable DOC: " + "; ".join(tried))


def _run(args: list[str], tried: list[str], name: str) -> subprocess.CompletedProcess[bytes] | None:
    try:
        done = subprocess.run(args, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        tried.append(f"{name}: timed out after {TIMEOUT_SECONDS}s")
        return None
    except OSError as exc:
        tried.append(f"{name}: {exc}")
        return None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", errors="replace").strip()[:200]
        tried.append(f"{name}: exit {done.returncode} {err}")
        return None
    return done


def _run_antiword(path: Path, tried: list[str]) -> str:
    done = _run(["antiword", *ANTIWORD_ARGS, str(path)], tried, "antiword")
    return cells_on_own_lines(done.stdout.decode("utf-8", errors="replace")) if done else ""


def cells_on_own_lines(text: str) -> str:
    """antiword draws tables as |cell |cell | rows and can glue the next paragraph onto the last row;
    put every cell on its own line (the one-cell-per-line shape Word text exports have, seed 001)."""
    out: list[str] = []
    for line in text.split("\n"):
        if "|" in line:
            out.extend(cell.strip() for cell in line.split("|") if cell.strip())
        else:
            out.append(line)
    return "\n".join(out)


def _run_soffice(soffice: str, path: Path, tmp: Path, tried: list[str]) -> str:
    profile = tmp / "lo-profile"
    outdir = tmp / "out"
    args = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
            "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(outdir), str(path)]
    if _run(args, tried, "soffice") is None:
        return ""
    out = outdir / "input.txt"
    if not out.exists():
        tried.append("soffice: produced no output")
        return ""
    return out.read_text(encoding="utf-8-sig", errors="replace")


def _run_soffice_docx(soffice: str, path: Path, tmp: Path, tried: list[str]) -> bytes | None:
    """The .docx LibreOffice makes of ``path`` (None when the conversion fails, with the reason in tried)."""
    outdir = tmp / "docx"
    args = [soffice, f"-env:UserInstallation={(tmp / 'lo-profile').as_uri()}", "--headless", "--norestore",
            "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir), str(path)]
    if _run(args, tried, "soffice docx") is None:
        return None
    out = outdir / "input.docx"
    if not out.exists():
        tried.append("soffice docx: produced no output")
        return None
    return out.read_bytes()
