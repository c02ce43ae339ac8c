"""One small config object shared by the crawler, the parsing stage, the CLI and the UI."""

from __future__ import annotations

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
    proxy: str = ""

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
            proxy=settings.get("NIANBAO_PROXY") or "",
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
            "NIANBAO_PROXY": self.proxy,
        }
