"""Fixtures for parser tests: the shared seeds and research corpus, and builders for small real documents."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest


def _shared_dir() -> Path:
    env = os.environ.get("NIANBAO_SHARED")
    candidates = [Path(env)] if env else []
    candidates += [Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")]
    for candidate in candidates:
        if (candidate / "seeds").is_dir():
            return candidate
    raise RuntimeError(f"shared directory with seeds/ not found in {candidates}; set NIANBAO_SHARED")


@pytest.fixture(scope="session")
def shared() -> Path:
    """The project's shared directory (seeds/, research-corpus/)."""
    return _shared_dir()


@pytest.fixture(scope="session")
def seed_text(shared: Path) -> Callable[[str], str]:
    """Seed text by number prefix ("000" → seeds/000_….txt)."""

    def read(prefix: str) -> str:
        (path,) = sorted((shared / "seeds").glob(f"{prefix}_*.txt"))
        return path.read_text(encoding="utf-8")

    return read

