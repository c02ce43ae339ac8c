"""Fixtures for parser tests: the seed reports, read from the repository's fixture documents."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.parsing.golden import DOCUMENTS


@pytest.fixture(scope="session")
def seed_text() -> Callable[[str], str]:
    """Seed text by number prefix ("000" → tests/fixtures/parsing/documents/000_….txt)."""

    def read(prefix: str) -> str:
        (path,) = sorted(DOCUMENTS.glob(f"{prefix}_*.txt"))
        return path.read_text(encoding="utf-8")

    return read
