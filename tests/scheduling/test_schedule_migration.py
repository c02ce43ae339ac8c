"""Migration 0003 on SQLite and PostgreSQL: existing crawls become manual runs of unknown owner."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from storage.db import alembic_config, engine_for, upgrade


def test_0003_upgrades_existing_crawls_and_downgrades(database_url: str) -> None:
    upgrade(database_url, "0002")
    with engine_for(database_url).begin() as conn:
        conn.execute(text("INSERT INTO sites (id, name, home_url) VALUES ('helan', '贺兰县', 'http://www.nxhl.gov.cn/')"))
        conn.execute(text("INSERT INTO crawls (site_id, started_at, status, pages, attachments, bytes, errors) "
                          "VALUES ('helan', CURRENT_TIMESTAMP, 'finished', 0, 0, 0, 0)"))
    upgrade(database_url, "0003")
    with engine_for(database_url).connect() as conn:
        assert conn.execute(text("SELECT trigger, host, pid FROM crawls")).one() == ("manual", None, None)
    cfg = alembic_config(database_url)
    with engine_for(database_url).begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    with engine_for(database_url).connect() as conn:
        assert conn.execute(text("SELECT status FROM crawls")).scalar() == "finished"
