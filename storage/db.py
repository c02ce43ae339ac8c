"""Engines, sessions and schema migrations for the catalogue (SQLite by default, PostgreSQL on a server)."""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from kernel.errors import NianbaoError

logger = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")

MIGRATIONS = Path(__file__).with_name("migrations")
# How long a new PostgreSQL connection is waited for while the server is down (a restart), and how often it is tried.
RECONNECT_SECONDS = 60.0
RECONNECT_PAUSE = 0.5
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
    # A server that restarts under a crawl: a pooled connection it dropped is found dead when checked out (pre-ping)
    # and replaced, and a new connection is waited for while the server is down (up to RECONNECT_SECONDS).
    engine = create_engine(url, pool_pre_ping=True)
    event.listen(engine, "do_connect", _connect_waiting)
    return engine


def reconnecting(fn: Callable[P, T]) -> Callable[P, T]:
    """Run a one-transaction catalogue function again when the server dropped the connection under it (a restart):
    the transaction went with the connection, so running it again is safe; tried for up to RECONNECT_SECONDS, as a
    new connection is. (A commit whose acknowledgement is lost with the connection would be made twice: PostgreSQL
    drops connections between statements on a restart, so this is not seen in practice.)"""

    @wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        deadline = time.monotonic() + RECONNECT_SECONDS
        while True:
            try:
                return fn(*args, **kwargs)
            except DBAPIError as exc:
                if not exc.connection_invalidated or time.monotonic() >= deadline:
                    raise
                logger.warning("event=db_retry call=%s reason=connection lost", fn.__qualname__)
                time.sleep(RECONNECT_PAUSE)

    return run


def upsert(dialect: str, table: Any) -> Any:
    """An INSERT into ``table`` that can say what to do ON CONFLICT, in ``dialect`` (a database's dialect name:
    SQLite and PostgreSQL spell it alike; SQLAlchemy has a construct for each)."""
    if dialect == "postgresql":
        return postgresql_insert(table)
    return sqlite_insert(table)


def _connect_waiting(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
    """Connect, trying again every RECONNECT_PAUSE seconds while the server refuses (restarting), up to
    RECONNECT_SECONDS; then the error goes up (the crawl ends `interrupted`, its archive whole)."""
    deadline = time.monotonic() + RECONNECT_SECONDS
    while True:
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError as exc:
            if time.monotonic() >= deadline:
                raise
            logger.warning("event=db_reconnect reason=%s", str(exc).strip().splitlines()[0][:200])
            time.sleep(RECONNECT_PAUSE)


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
    _migrate(url, command.upgrade, revision)
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


class CatalogueBehind(NianbaoError):
    """Raised by open_catalogue when a PostgreSQL catalogue is not at the code's head revision.

    The message names the command to run (`nianbao db upgrade`); cli/main.py prints it and exits 2.
    """


def open_catalogue(url: str) -> sessionmaker[Session]:
    """A session factory for the catalogue at `url`, checked once per process to be at the code's head revision.

    SQLite (a file in NIANBAO_HOME) and an empty PostgreSQL database are brought to the head revision here; a
    PostgreSQL catalogue at another revision is refused (CatalogueBehind): its operator runs `nianbao db upgrade`.
    """
    if url in _current:
        pass
    elif url.startswith("sqlite"):
        upgrade(url)
    else:
        revision = current_revision(url)
        if revision is None and not _has_tables(url):
            upgrade(url)
        elif revision == head_revision():
            _current.add(url)
        elif revision is not None and revision not in dict(revisions()):
            raise CatalogueBehind(f"the catalogue is at revision {revision}, newer than this nianbao knows (its "
                                  f"newest is {head_revision()}): run a newer nianbao, or downgrade the catalogue "
                                  "with the nianbao that upgraded it (`nianbao db downgrade`)")
        else:
            raise CatalogueBehind(f"the catalogue is at revision {revision or 'none'}, this nianbao needs "
                                  f"{head_revision()}: run `nianbao db upgrade` (NIANBAO_DATABASE_URL) first")
    return sessionmaker(engine_for(url), expire_on_commit=False)


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest revision of the migration scripts (the schema this code expects)."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def current_revision(url: str) -> str | None:
    """The revision the database at `url` is at; None when it has none (empty, or never migrated)."""
    with engine_for(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _has_tables(url: str) -> bool:
    return bool(inspect(engine_for(url)).get_table_names())


def downgrade(url: str, revision: str) -> None:
    """Take the database at `url` back to `revision` (`-1`: one step), under the same locks as `upgrade`."""
    _migrate(url, command.downgrade, revision)


def _migrate(url: str, step: Callable[[AlembicConfig, str], None], revision: str) -> None:
    """Run an Alembic upgrade or downgrade to `revision`, one process at a time (file lock / advisory lock)."""
    _current.discard(url)
    cfg = alembic_config(url)
    with _sqlite_file_lock(url), engine_for(url).begin() as conn:
        _postgresql_lock(conn)
        cfg.attributes["connection"] = conn
        step(cfg, revision)


def revisions() -> list[tuple[str, str]]:
    """Every migration, oldest first: (revision, its one-line description)."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [(rev.revision, (rev.doc or "").strip()) for rev in reversed(list(script.walk_revisions()))]
