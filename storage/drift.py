"""Template drift: what discovery found on each crawl of a site, and alerts when a site stops yielding.

The end of a crawl (lifecycle/finish.py, standalone and distributed) records here.

Files under NIANBAO_HOME (read by `nianbao sites check`, later the UI and the storage layer):
  discovery/<site>.json   the last crawl's findings {"last": {...}, "last_good": {...}}: columns with the
                          rule that found each, list pages by rule, report / variant counts
  alerts/<site>.jsonl     one JSON object per line, appended: {"site", "at", "kind", "detail", "crawl_id",
                          "source"}; kinds: no-column, zero-reports, column-moved, unreachable, no-reports
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Alert:
    """A drift alert on a site: something that used to be found is not any more."""

    site: str
    at: str
    kind: str
    detail: str
    crawl_id: int | None = None
    source: str = "crawl"


@dataclass
class Findings:
    """What one crawl's discovery found on a site."""

    at: str
    crawl_id: int | None
    columns: dict[str, str] = field(default_factory=dict)
    list_rules: dict[str, int] = field(default_factory=dict)
    reports: int = 0
    variants: int = 0


class DriftStore:
    """The discovery/ and alerts/ files under NIANBAO_HOME."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def _state_path(self, site: str) -> Path:
        return self.home / "discovery" / f"{site}.json"

    def alerts_path(self, site: str) -> Path:
        return self.home / "alerts" / f"{site}.jsonl"

    def state(self, site: str) -> dict[str, Any]:
        path = self._state_path(site)
        return json.loads(path.read_text("utf-8")) if path.exists() else {}

    def record(self, site: str, found: Findings) -> list[Alert]:
        """Store this crawl's findings; return the alerts they raise against the last good crawl (appended to the
        site's alerts file and logged as warnings)."""
        state = self.state(site)
        good = state.get("last_good") or {}
        alerts = drift_alerts(site, found, good)
        state["last"] = asdict(found)
        if found.columns and found.reports:
            state["last_good"] = asdict(found)
        path = self._state_path(site)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(state, ensure_ascii=False, indent=1), "utf-8")
        self.append(alerts)
        for alert in alerts:
            logger.warning("drift alert site=%s kind=%s detail=%s", alert.site, alert.kind, alert.detail)
        return alerts

    def append(self, alerts: list[Alert]) -> None:
        for alert in alerts:
            path = self.alerts_path(alert.site)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(asdict(alert), ensure_ascii=False) + "\n")

    def alerts(self, site: str) -> list[Alert]:
        path = self.alerts_path(site)
        if not path.exists():
            return []
        return [Alert(**json.loads(line)) for line in path.read_text("utf-8").splitlines() if line.strip()]


def drift_alerts(site: str, found: Findings, good: dict[str, Any]) -> list[Alert]:
    """No column at all; zero reports where the last good crawl had some; the known columns gone."""
    alerts = []
    if not found.columns:
        was = ", ".join(f"{u} ({r})" for u, r in (good.get("columns") or {}).items()) or "none before"
        alerts.append(Alert(site, found.at, "no-column", f"no annual-report column found; previously: {was}",
                            found.crawl_id))
    elif found.reports == 0 and good.get("reports"):
        alerts.append(Alert(site, found.at, "zero-reports",
                            f"0 reports found where crawl {good.get('crawl_id')} found {good['reports']}",
                            found.crawl_id))
    gone = sorted(set(good.get("columns") or {}) - set(found.columns))
    if found.columns and gone:
        alerts.append(Alert(site, found.at, "column-moved", "columns no longer found: " + ", ".join(gone),
                            found.crawl_id))
    return alerts
