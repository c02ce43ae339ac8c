"""Report documents with the unit in different places: the title, only the cover memo, only the 落款 signature,
or all of them. Built on the generic template (sampleweb.kit.derived_doc); only the title, memo and signature
blocks change, so the tables and prose stay those of the sample web."""

from __future__ import annotations

import dataclasses

from sampleweb.document import Block, ReportDoc
from sampleweb.kit import County, derived_doc, short_of


def signed_on(year: int, seed: int) -> str:
    """The date written under the signature (January of the next year)."""
    return f"{year + 1}年1月{10 + seed % 18}日"


def variant_doc(county: County, unit: str, year: int, evidence: str, seed: int) -> ReportDoc:
    """The report of ``unit`` for ``year`` naming the unit where ``evidence`` says: "title" (title and memo, as the
    template has it), "memo-only", "signature-only" or "everywhere" (title, memo and signature)."""
    doc = derived_doc(county, unit, short_of(unit), year)
    memo = next(i for i, block in enumerate(doc.blocks) if block.kind == "para")
    blocks: list[Block] = []
    for i, block in enumerate(doc.blocks):
        if block.kind == "title" and block.text == unit and evidence not in ("title", "everywhere"):
            continue
        if i == memo and evidence == "signature-only":
            block = Block("para", block.text.replace(f"{unit}{year}年", f"{year}年"))
        blocks.append(block)
    if evidence in ("signature-only", "everywhere"):
        blocks += [Block("para", unit), Block("para", signed_on(year, seed))]
    return dataclasses.replace(doc, blocks=tuple(blocks))


def doc_text(doc: ReportDoc) -> str:
    """Every text of the document, tables' cells included (what a reader of it sees)."""
    parts = []
    for block in doc.blocks:
        parts.append(block.text)
        if block.grid is not None:
            parts.extend(cell.text for row in block.grid for cell in row)
    return "\n".join(parts)
