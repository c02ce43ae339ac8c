"""A pywb collection over the archive: a config.yaml whose collection reads the WARC and CDXJ files in place."""

from __future__ import annotations

from pathlib import Path

COLLECTION = "nianbao"


def pywb_config(warc_dir: Path, collection: str = COLLECTION) -> str:
    """config.yaml text: ``collection`` indexed by the ``*.cdxj`` files of ``warc_dir``, records read from it."""
    warcs = Path(warc_dir).resolve()
    return (
        "# Written by `nianbao archive pywb`. Start replay from this directory: wayback --bind 127.0.0.1 -p 8080\n"
        "collections:\n"
        f"  {collection}:\n"
        f"    index_paths: {_yaml_str(str(warcs))}\n"
        f"    archive_paths: {_yaml_str(str(warcs) + '/')}\n"
        "enable_memento: true\n"
    )


def write_pywb_config(pywb_dir: Path, warc_dir: Path, collection: str = COLLECTION) -> Path:
    """Write ``pywb_dir/config.yaml`` for ``warc_dir``; return its path."""
    pywb_dir.mkdir(parents=True, exist_ok=True)
    path = pywb_dir / "config.yaml"
    path.write_text(pywb_config(warc_dir, collection), encoding="utf-8")
    return path


def _yaml_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
