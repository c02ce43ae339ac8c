"""Full-text search over report texts that works for Chinese: trigrams on both databases.

`report_search` holds one row per report (its latest version's text), kept in step by `index_report`.
SQLite: an FTS5 table with the trigram tokenizer, queried with MATCH (a scan with instr() for queries
under three characters). PostgreSQL: a plain table with a pg_trgm GIN index, queried with ILIKE, which the index serves.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

SNIPPET = 40


@dataclass(frozen=True)
class SearchHit:
    """A report whose text contains the query, with a snippet around the first occurrence."""

    report_id: int
    site: str
    unit_name: str
    report_year: int
    status: str
    snippet: str


def index_report(s: Session, report_id: int, version_id: int, unit_name: str, body: str) -> None:
    """Make `body` the searchable text of the report (replacing what an earlier version put there)."""
    s.execute(text("DELETE FROM report_search WHERE report_id = :r"), {"r": report_id})
    s.execute(text("INSERT INTO report_search (report_id, version_id, unit_name, body) VALUES (:r, :v, :u, :b)"),
              {"r": report_id, "v": version_id, "u": unit_name, "b": body})


def search_reports(sessions: sessionmaker[Session], query: str, *, site: str | None = None,
                   limit: int = 50) -> list[SearchHit]:
    """Reports whose unit name or text contains `query` (case-insensitive), newest year first."""
    query = query.strip()
    if not query:
        return []
    with sessions() as s:
        sqlite = s.get_bind().dialect.name == "sqlite"
        where, params = _match(query, sqlite)
        sql = ("SELECT r.id, r.site_id, r.unit_name, r.report_year, r.status, x.body FROM report_search x "
               f"JOIN reports r ON r.id = x.report_id WHERE ({where})"
               + (" AND r.site_id = :site" if site else "")
               + " ORDER BY r.report_year DESC, r.unit_name LIMIT :limit")
        rows = s.execute(text(sql), {**params, "site": site, "limit": limit}).all()
    return [SearchHit(int(r[0]), r[1], r[2], int(r[3]), r[4], _snippet(r[5] or r[2], query)) for r in rows]


def _match(query: str, sqlite: bool) -> tuple[str, dict[str, str]]:
    if sqlite and len(query) >= 3:
        # One FTS5 phrase: double quotes inside it are doubled.
        return "report_search MATCH :q", {"q": '"' + query.replace('"', '""') + '"'}
    if sqlite:
        # Under three characters the trigram index cannot help, and its LIKE finds nothing (SQLite 3.40): scan.
        return "instr(lower(x.body), lower(:q)) > 0 OR instr(lower(x.unit_name), lower(:q)) > 0", {"q": query}
    like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return "x.body ILIKE :q ESCAPE '\\' OR x.unit_name ILIKE :q ESCAPE '\\'", {"q": like}


def _snippet(body: str, query: str) -> str:
    at = body.lower().find(query.lower())
    if at < 0:
        return body[: 2 * SNIPPET].replace("\n", " ")
    start = max(0, at - SNIPPET)
    return ("…" if start else "") + body[start: at + len(query) + SNIPPET].replace("\n", " ") + "…"
