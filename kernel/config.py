"""The one configuration of nianbao: every NIANBAO_* environment variable is read here and nowhere else.

`Config.from_env()` reads the environment; Scrapy's settings (crawler/settings.py) are built from it, and Scrapy
components, the parse stage, the CLI and the UI read the same values back with `Config.from_settings`.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True)
class Config:
    """Where nianbao keeps its data and how it reaches the database."""

    home: Path
    database_url: str
    warc_dir: Path
    warc_max_size: int = 1_000_000_000
    operator: str = ""
    parse_workers: int = os.cpu_count() or 1  # one parse pool per process, shared by its crawls
    parse_deferred: bool = False  # `crawl --no-wait`: parses left to `nianbao reparse --pending`
    site_concurrency: int = 16  # `crawl --all`: sites crawled at once in one process
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
    # Seconds a Redis command waits for a Redis that is down (a restart) before distributed mode gives up on it.
    redis_wait: float = 60.0
    # The site registry file, the whole registry (empty: the shipped spiders/sites.toml with $NIANBAO_HOME/sites.toml
    # on top; spiders/registry.py). `nianbao sites add` writes to it (empty: to $NIANBAO_HOME/sites.toml).
    registry: str = ""
    # Crawl politeness and limits (crawler/settings.py turns them into Scrapy's settings).
    robots: bool = True
    host_concurrency: int = 4
    host_delay: float = 0.0
    retry_after_max: float = 300.0
    max_pages: int = 5000
    # A body over this many MB is cut there and archived as a truncated record (crawler/limits.py); 0: no limit.
    max_download_mb: float = 200.0
    # Seconds one download may take, from the request to the body's last byte (a slow-dribbling server included).
    download_timeout: float = 60.0
    # Below this many MB free on the archive's (or NIANBAO_HOME's) disk a crawl pauses its downloads, and goes on
    # at 1.5× it (crawler/diskspace.py); 0: no check.
    min_free_mb: int = 256
    browser: bool = True
    chromium: str = "/usr/bin/chromium"
    log_level: str = "INFO"

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | Any) -> Config:
        """Build from a Scrapy Settings object or a plain mapping of NIANBAO_* names."""
        home = Path(settings.get("NIANBAO_HOME") or "data")
        db_url = settings.get("NIANBAO_DATABASE_URL") or default_database_url(home)
        warc_dir = Path(settings.get("NIANBAO_WARC_DIR") or default_warc_dir(home))
        return cls(
            home=home,
            database_url=db_url,
            warc_dir=warc_dir,
            warc_max_size=int(settings.get("NIANBAO_WARC_MAX_SIZE") or 1_000_000_000),
            operator=settings.get("NIANBAO_OPERATOR") or "",
            parse_workers=int(settings.get("NIANBAO_PARSE_WORKERS") or os.cpu_count() or 1),
            parse_deferred=_flag(settings.get("NIANBAO_PARSE_DEFERRED"), False),
            site_concurrency=max(1, int(settings.get("NIANBAO_SITE_CONCURRENCY") or 16)),
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
            redis_wait=float(_default(settings.get("NIANBAO_REDIS_WAIT"), 60)),
            registry=settings.get("NIANBAO_REGISTRY") or "",
            robots=_flag(settings.get("NIANBAO_ROBOTS"), True),
            host_concurrency=int(settings.get("NIANBAO_HOST_CONCURRENCY") or 4),
            host_delay=float(settings.get("NIANBAO_HOST_DELAY") or 0),
            retry_after_max=float(_default(settings.get("NIANBAO_RETRY_AFTER_MAX"), 300)),
            max_pages=int(settings.get("NIANBAO_MAX_PAGES") or 5000),
            max_download_mb=float(_default(settings.get("NIANBAO_MAX_DOWNLOAD_MB"), 200)),
            download_timeout=float(settings.get("NIANBAO_DOWNLOAD_TIMEOUT") or 60),
            min_free_mb=int(_default(settings.get("NIANBAO_MIN_FREE_MB"), 256)),
            browser=_flag(settings.get("NIANBAO_BROWSER"), True),
            chromium=settings.get("NIANBAO_CHROMIUM") or "/usr/bin/chromium",
            log_level=settings.get("NIANBAO_LOG_LEVEL") or "INFO",
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        """Read every NIANBAO_* variable of `environ` (default: this process's environment)."""
        environ = os.environ if environ is None else environ
        return cls.from_settings({k: v for k, v in environ.items() if k.startswith("NIANBAO_")})

    @classmethod
    def load(cls) -> Config:
        """The configuration of this process: its environment."""
        return cls.from_env()

    @property
    def database_url_setting(self) -> str:
        """NIANBAO_DATABASE_URL as a setting: empty when it is the default beside NIANBAO_HOME, so that a crawl
        whose settings override NIANBAO_HOME gets the database of that home."""
        return "" if self.database_url == default_database_url(self.home) else self.database_url

    @property
    def warc_dir_setting(self) -> str:
        """NIANBAO_WARC_DIR as a setting: empty when it is the default under NIANBAO_HOME (as database_url_setting)."""
        return "" if self.warc_dir == default_warc_dir(self.home) else str(self.warc_dir)

    def to_settings(self) -> dict[str, Any]:
        """The NIANBAO_* Scrapy settings that reproduce this config."""
        return {
            "NIANBAO_HOME": str(self.home),
            "NIANBAO_DATABASE_URL": self.database_url,
            "NIANBAO_WARC_DIR": str(self.warc_dir),
            "NIANBAO_WARC_MAX_SIZE": self.warc_max_size,
            "NIANBAO_OPERATOR": self.operator,
            "NIANBAO_PARSE_WORKERS": self.parse_workers,
            "NIANBAO_PARSE_DEFERRED": self.parse_deferred,
            "NIANBAO_SITE_CONCURRENCY": self.site_concurrency,
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
            "NIANBAO_REDIS_WAIT": self.redis_wait,
            "NIANBAO_REGISTRY": self.registry,
            "NIANBAO_ROBOTS": self.robots,
            "NIANBAO_HOST_CONCURRENCY": self.host_concurrency,
            "NIANBAO_HOST_DELAY": self.host_delay,
            "NIANBAO_RETRY_AFTER_MAX": self.retry_after_max,
            "NIANBAO_MAX_PAGES": self.max_pages,
            "NIANBAO_MAX_DOWNLOAD_MB": self.max_download_mb,
            "NIANBAO_DOWNLOAD_TIMEOUT": self.download_timeout,
            "NIANBAO_MIN_FREE_MB": self.min_free_mb,
            "NIANBAO_BROWSER": self.browser,
            "NIANBAO_CHROMIUM": self.chromium,
            "NIANBAO_LOG_LEVEL": self.log_level,
        }


def default_database_url(home: Path) -> str:
    """The SQLite catalogue of a NIANBAO_HOME."""
    return f"sqlite:///{home / 'nianbao.db'}"


def default_warc_dir(home: Path) -> Path:
    """The WARC directory of a NIANBAO_HOME."""
    return home / "warcs"


# The standard proxy variables (curl's, wget's and Scrapy's HttpProxyMiddleware's), read here like every setting.
PROXY_VARIABLES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")


def environment_proxies(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The proxy URLs the standard variables of `environ` (default: this process's environment) name."""
    environ = os.environ if environ is None else environ
    return tuple(environ[name] for name in PROXY_VARIABLES if environ.get(name))


def redact_url(url: str) -> str:
    """``url`` with its password (if any) replaced by ``***``: the form a database or Redis URL is shown in."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, hostinfo = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{hostinfo}"))


def _split_list(value: Any) -> tuple[str, ...]:
    """A comma-separated setting (or a list) as a tuple of non-empty, stripped items."""
    items = value.split(",") if isinstance(value, str) else (value or [])
    return tuple(item.strip() for item in items if str(item).strip())


def _default(value: Any, default: Any) -> Any:
    """`value` unless it is unset (None or ""); unlike `or`, a 0 is kept."""
    return default if value is None or value == "" else value


def _flag(value: Any, default: bool) -> bool:
    """A switch: "0" (or False) is off, anything else set is on; unset is `default`."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value) != "0"
