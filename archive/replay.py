"""An earlier capture read back as the HTTP response it recorded: what stands in for a 304 Not Modified."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archive.reader import read_record
from archive.records import ORIG_TRANSFER_ENCODING, payload_sha256
from kernel.errors import ArchiveError


@dataclass(frozen=True)
class ArchivedResponse:
    """Status, headers (as recorded, in order) and the payload as stored (content-encoding kept)."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def archived_response(
    directory: Path, head: tuple[str, int], payload: tuple[str, int], expected_sha256: str
) -> ArchivedResponse:
    """The response whose HTTP head is the record at ``head`` and whose payload is the record at ``payload``.

    Both are (file, offset); they differ when the capture was itself a revisit of an identical payload
    archived under another record. The payload must hash to ``expected_sha256``.
    """
    head_record = read_record(directory, *head)
    body_record = head_record if payload == head else read_record(directory, *payload)
    if head_record.http_status is None:
        raise ArchiveError(f"record at file={head[0]} offset={head[1]} has no HTTP response head")
    body = body_record.raw_payload
    if payload_sha256(body) != expected_sha256:
        raise ArchiveError(f"payload at file={payload[0]} offset={payload[1]} does not hash to {expected_sha256}")
    headers = [(name, value) for name, value in head_record.http_headers if name != ORIG_TRANSFER_ENCODING]
    return ArchivedResponse(head_record.http_status, headers, body)
