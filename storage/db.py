"""Engines, sessions and schema migrations for the catalogue (SQLite by default, PostgreSQL on a server)."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
# PostgreSQL advisory lock key held while migrating (any number; the same in every nianbao process).
MIGRATION_LOCK = 0x6E69616E62616F  # "nianbao"
# The URLs this process has brought to the head revision: opening them again needs no migration check.
_current: set[str] = set()


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine per database URL and process; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (creating it from empty if needed).

    Processes that open the same catalogue at once (a scheduler's crawls, distributed workers) migrate one
    after the other: the others then find it at `revision` and do nothing.
    """
    _current.discard(url)
    cfg = alembic_config(url)
    with _sqlite_file_lock(url), engine_for(url).begin() as conn:
        _postgresql_lock(conn)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    if revision == "head":
        _current.add(url)


@contextmanager
def _sqlite_file_lock(url: str) -> Iterator[None]:
    """An exclusive flock on `<database>.migrate.lock` beside a SQLite file (nothing for other databases)."""
    if not url.startswith("sqlite:///"):
        yield
        return
    path = Path(url.removeprefix("sqlite:///") + ".migrate.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _postgresql_lock(conn: Connection) -> None:
    """A transaction-scoped advisory lock, released when the migration commits."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})


def open_catalogue(url: str) -> sessionmaker[Session]:
    """Migrate the database to the current schema (once per process) and return a session factory for it."""
    if url not in _current:
        upgrade(url)
    return sessionmaker(engine_for(url), expire_on_commit=False)
