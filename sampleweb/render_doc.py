"""Produce an old-style Word .doc from .docx bytes with LibreOffice, cached on disk by the docx's SHA-256."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from sampleweb.errors import SampleWebBuildError

SOFFICE_TIMEOUT_S = 180


def _convert(docx_bytes: bytes, soffice: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="sampleweb-soffice-") as tmp:
        work = Path(tmp)
        source = work / "report.docx"
        source.write_bytes(docx_bytes)
        command = [
            soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
            "--convert-to", "doc:MS Word 97", "--outdir", str(work / "out"), str(source),
        ]
        result = subprocess.run(command, capture_output=True, timeout=SOFFICE_TIMEOUT_S, check=False)
        target = work / "out" / "report.doc"
        if result.returncode != 0 or not target.exists():
            stderr = result.stderr.decode("utf-8", "replace").strip()
            raise SampleWebBuildError(f"soffice failed rc={result.returncode} reason={stderr[:300]!r}")
        return target.read_bytes()


def docx_to_doc(docx_bytes: bytes, cache_dir: Path) -> bytes:
    """The .doc rendering of ``docx_bytes``; computed once per cache_dir, then read back byte-identical."""
    key = hashlib.sha256(docx_bytes).hexdigest()
    cached = cache_dir / f"{key}.doc"
    if cached.exists():
        return cached.read_bytes()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SampleWebBuildError(
            "cannot build the .doc report: soffice not found; install the Debian package libreoffice-writer-nogui"
        )
    data = _convert(docx_bytes, soffice)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, cached)
    return data
