"""The catalogue's tables: sites, crawls, captures, payloads, documents, parse outcomes, reports, versions.

Append-only by design: payloads are keyed by SHA-256, parse outcomes by (payload, parser version), and a
report changes only by gaining a ReportVersion.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kernel.report import STATUS_CURRENT


class Base(DeclarativeBase):
    """Declarative base of every nianbao table."""


class Site(Base):
    """A government website nianbao crawls (a registry row, mirrored here for joins)."""

    __tablename__ = "sites"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(String(12))
    home_url: Mapped[str] = mapped_column(String(2000))
    family: Mapped[str | None] = mapped_column(String(40))


class Crawl(Base):
    """One run over one site."""

    __tablename__ = "crawls"
    # One `running` row per site at most (migration 0004): the database, not a read-then-insert, decides which
    # of two runs started at once goes ahead.
    __table_args__ = (Index("uq_crawls_one_running_per_site", "site_id", unique=True,
                            sqlite_where=text("status = 'running'"), postgresql_where=text("status = 'running'")),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # running / finished / failed / interrupted
    status: Mapped[str] = mapped_column(String(20))
    close_reason: Mapped[str | None] = mapped_column(String(200))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    attachments: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    # manual (`nianbao crawl`) / scheduled (`nianbao schedule`)
    trigger: Mapped[str] = mapped_column(String(20), default="manual", server_default="manual")
    # The process that opened the run, set on insert: lets `nianbao schedule` tell a stale `running` row
    # (its process is gone) from a live one.
    host: Mapped[str | None] = mapped_column(String(255), default=lambda: socket.gethostname())
    pid: Mapped[int | None] = mapped_column(Integer, default=lambda: os.getpid())


class Payload(Base):
    """A distinct HTTP payload (entity body as served), stored once in the WARCs whoever served it."""

    __tablename__ = "payloads"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str | None] = mapped_column(String(200))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Capture(Base):
    """One HTTP response recorded in a WARC: a full `response` record or a `revisit` of an earlier one."""

    __tablename__ = "captures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawls.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    captured_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    http_status: Mapped[int] = mapped_column(Integer)
    # response / revisit
    record_type: Mapped[str] = mapped_column(String(20))
    warc_file: Mapped[str] = mapped_column(String(300))
    warc_offset: Mapped[int] = mapped_column(BigInteger)
    warc_length: Mapped[int] = mapped_column(BigInteger)
    warc_record_id: Mapped[str] = mapped_column(String(100))
    payload_sha256: Mapped[str | None] = mapped_column(ForeignKey("payloads.sha256"), index=True)
    media_type: Mapped[str | None] = mapped_column(String(200))
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (Index("ix_captures_url", "url"),)


class Document(Base):
    """A report page or an attachment, as offered by its site (one row per URL)."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    # page / attachment
    kind: Mapped[str] = mapped_column(String(20))
    page_url: Mapped[str | None] = mapped_column(Text)
    anchor_text: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    latest_capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_crawl_id: Mapped[int | None] = mapped_column(ForeignKey("crawls.id"))

    __table_args__ = (UniqueConstraint("site_id", "url", name="uq_documents_site_url"),)


class ParseOutcome(Base):
    """Every parse of a payload by a parser version, including failures and their reason."""

    __tablename__ = "parse_outcomes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payload_sha256: Mapped[str] = mapped_column(ForeignKey("payloads.sha256"))
    parser_version: Mapped[str] = mapped_column(String(40))
    # ok / failed
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    is_report: Mapped[bool] = mapped_column(Boolean, default=False)
    source_kind: Mapped[str | None] = mapped_column(String(20))
    unit_name: Mapped[str | None] = mapped_column(String(200))
    report_year: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    record: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The parser's warnings about the document (why it is not a report, …); NULL for outcomes before 0005.
    warnings: Mapped[list[str] | None] = mapped_column(JSON)
    parsed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("payload_sha256", "parser_version", name="uq_parse_outcomes_payload_version"),
    )


class Report(Base):
    """A report's identity: region code + unit name + statistics year, independent of URL and digest.

    Besides the identity it keeps where the report stands now: `status` (current / withdrawn), the page that
    offers it and the last crawl that found it; the history of those lives in ReportEvent.
    """

    __tablename__ = "reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    unit_name: Mapped[str] = mapped_column(String(200))
    report_year: Mapped[int] = mapped_column(Integer)
    # kernel.report.REPORT_STATUSES: current / withdrawn
    status: Mapped[str] = mapped_column(String(20), default=STATUS_CURRENT, server_default=STATUS_CURRENT)
    page_url: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_offered_crawl_id: Mapped[int | None] = mapped_column(ForeignKey("crawls.id"))

    __table_args__ = (
        UniqueConstraint("region_code", "unit_name", "report_year", name="uq_reports_identity"),
    )


class ReportVersion(Base):
    """An immutable parsed record of a report; a changed record adds a version, never edits one."""

    __tablename__ = "report_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    record_sha256: Mapped[str] = mapped_column(String(64))
    parser_version: Mapped[str] = mapped_column(String(40))
    payload_sha256: Mapped[str] = mapped_column(ForeignKey("payloads.sha256"))
    source_capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id"))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("report_id", "version", name="uq_report_versions_report_version"),)


class ReportRendition(Base):
    """One document (the page, a PDF, a DOCX, 图解…) that renders a report; one of them is authoritative."""

    __tablename__ = "report_renditions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    # the parser's source_kind of the document: html_inline / pdf / docx / doc / wps / …
    format: Mapped[str | None] = mapped_column(String(20))
    payload_sha256: Mapped[str | None] = mapped_column(ForeignKey("payloads.sha256"))
    # True for the rendition whose numbers the report's latest version carries
    authoritative: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_crawl_id: Mapped[int | None] = mapped_column(ForeignKey("crawls.id"))

    __table_args__ = (UniqueConstraint("report_id", "document_id", name="uq_report_renditions_report_document"),)


class ReportEvent(Base):
    """Something that happened to a report: first_seen, changed, reparsed, withdrawn, restored, republished.

    `changes` lists the cells and fields a new version changed: [{"path", "old", "new"}, …]; `url` and
    `previous_url` say where a republished report moved.
    """

    __tablename__ = "report_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    crawl_id: Mapped[int | None] = mapped_column(ForeignKey("crawls.id"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("report_versions.id"))
    url: Mapped[str | None] = mapped_column(Text)
    previous_url: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class FetchOutcome(Base):
    """One URL a crawl did not get whole (migration 0008)."""

    __tablename__ = "fetch_outcomes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawls.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    # timeout / connection-reset / data-loss / dns-failure / tls-error / http-<status> / robots-disallowed /
    # offsite / private-address / redirect-loop / too-many-redirects / truncated / soft-404 / …
    outcome: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    # The capture that archived what did arrive (a truncated body, an error page), when there is one.
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SiteUnitRow(Base):
    """A unit of a site (migration 0007)."""

    __tablename__ = "site_units"
    __table_args__ = (UniqueConstraint("site_id", "name", name="uq_site_units_site_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str | None] = mapped_column(String(20))
    region_code: Mapped[str | None] = mapped_column(String(12))
    code: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(40))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
