"""The items spiders yield: small typed records of what was found, never the bytes themselves."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DocumentItem:
    """A report-column article page or an attachment it offers, already archived as `capture_id`."""

    url: str
    # page / attachment
    kind: str
    capture_id: int | None
    title: str | None = None
    page_url: str | None = None
    anchor_text: str | None = None
    # The discovery rule that found it (e.g. "column-list", "attachment-link").
    rule: str = ""
