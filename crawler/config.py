"""One small config object shared by the crawler, the parsing stage, the CLI and the UI."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Config:
    """Where nianbao keeps its data and how it reaches the database."""

    home: Path
    database_url: str
    warc_dir: Path
    warc_max_size: int = 1_000_000_000
    operator: str = ""
    parse_workers: int = 2
    parse_timeout: float = 120.0
    parse_memory_mb: int = 2048
    proxy: str = ""
    ui_password: str = ""
    ui_secret: str = ""
    ui_crawl_allowlist: tuple[str, ...] = ()
    schedule_concurrency: int = 2
    schedule_stop_timeout: float = 60.0
    trigger: str = "manual"
    resume_max_age_hours: float = 168.0
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_prefix: str = "nianbao:"
    worker_id: str = ""
    worker_stale_after: float = 300.0

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | Any) -> Config:
        """Build from a Scrapy Settings object or a plain mapping of NIANBAO_* names."""
        home = Path(settings.get("NIANBAO_HOME") or "data")
        db_url = settings.get("NIANBAO_DATABASE_URL") or f"sqlite:///{home / 'nianbao.db'}"
        warc_dir = Path(settings.get("NIANBAO_WARC_DIR") or home / "warcs")
        return cls(
            home=home,
            database_url=db_url,
            warc_dir=warc_dir,
            warc_max_size=int(settings.get("NIANBAO_WARC_MAX_SIZE") or 1_000_000_000),
            operator=settings.get("NIANBAO_OPERATOR") or "",
            parse_workers=int(settings.get("NIANBAO_PARSE_WORKERS") or 2),
            parse_timeout=float(settings.get("NIANBAO_PARSE_TIMEOUT") or 120),
            parse_memory_mb=int(_default(settings.get("NIANBAO_PARSE_MEMORY_MB"), 2048)),  # 0 means no limit
            proxy=settings.get("NIANBAO_PROXY") or "",
            ui_password=settings.get("NIANBAO_UI_PASSWORD") or "",
            ui_secret=settings.get("NIANBAO_UI_SECRET") or "",
            ui_crawl_allowlist=_split_list(settings.get("NIANBAO_UI_CRAWL_ALLOWLIST")),
            schedule_concurrency=int(settings.get("NIANBAO_SCHEDULE_CONCURRENCY") or 2),
            schedule_stop_timeout=float(_default(settings.get("NIANBAO_SCHEDULE_STOP_TIMEOUT"), 60)),
            trigger=settings.get("NIANBAO_TRIGGER") or "manual",
            resume_max_age_hours=float(_default(settings.get("NIANBAO_RESUME_MAX_AGE"), 168)),
            redis_url=settings.get("NIANBAO_REDIS_URL") or "redis://127.0.0.1:6379/0",
            redis_prefix=_default(settings.get("NIANBAO_REDIS_PREFIX"), "nianbao:"),
            worker_id=settings.get("NIANBAO_WORKER_ID") or f"{socket.gethostname()}-{os.getpid()}",
            worker_stale_after=float(settings.get("NIANBAO_WORKER_STALE_AFTER") or 300),
        )

    @classmethod
    def load(cls) -> Config:
        """The configuration of this process: crawler.settings, i.e. the environment."""
        from crawler import settings

        return cls.from_settings(vars(settings))

    def to_settings(self) -> dict[str, Any]:
        """The NIANBAO_* Scrapy settings that reproduce this config."""
        return {
            "NIANBAO_HOME": str(self.home),
            "NIANBAO_DATABASE_URL": self.database_url,
            "NIANBAO_WARC_DIR": str(self.warc_dir),
            "NIANBAO_WARC_MAX_SIZE": self.warc_max_size,
            "NIANBAO_OPERATOR": self.operator,
            "NIANBAO_PARSE_WORKERS": self.parse_workers,
            "NIANBAO_PARSE_TIMEOUT": self.parse_timeout,
            "NIANBAO_PARSE_MEMORY_MB": self.parse_memory_mb,
            "NIANBAO_PROXY": self.proxy,
            # The UI password and secret are left out: Scrapy logs the settings it is given.
            "NIANBAO_UI_CRAWL_ALLOWLIST": ",".join(self.ui_crawl_allowlist),
            "NIANBAO_SCHEDULE_CONCURRENCY": self.schedule_concurrency,
            "NIANBAO_SCHEDULE_STOP_TIMEOUT": self.schedule_stop_timeout,
            "NIANBAO_TRIGGER": self.trigger,
            "NIANBAO_RESUME_MAX_AGE": self.resume_max_age_hours,
            "NIANBAO_REDIS_URL": self.redis_url,
            "NIANBAO_REDIS_PREFIX": self.redis_prefix,
            "NIANBAO_WORKER_ID": self.worker_id,
            "NIANBAO_WORKER_STALE_AFTER": self.worker_stale_after,
        }


def _split_list(value: Any) -> tuple[str, ...]:
    """A comma-separated setting (or a list) as a tuple of non-empty, stripped items."""
    items = value.split(",") if isinstance(value, str) else (value or [])
    return tuple(item.strip() for item in items if str(item).strip())


def _default(value: Any, default: Any) -> Any:
    """`value` unless it is unset (None or ""); unlike `or`, a 0 is kept."""
    return default if value is None or value == "" else value
