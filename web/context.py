"""What every page handler gets: the UI's options, its catalogue and templates, and `render` (web/app.py builds it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from archive.pywb import COLLECTION
from kernel.config import Config
from storage.catalog import Sessions
from web.auth import Signer, session_of
from web.jobs import CrawlJobs


@dataclass(frozen=True)
class UiOptions:
    """How this UI links out and where operators add sites."""

    # pywb's base URL for "replay" links: <replay_url>/<collection>/<YYYYmmddHHMMSS>/<url>
    replay_url: str = "http://127.0.0.1:8080"
    collection: str = COLLECTION
    # None: the registry in use (spiders/registry.py), sites added to $NIANBAO_HOME/sites.toml or NIANBAO_REGISTRY;
    # a file: that file alone, read and written (tests).
    registry_path: Path | None = None


@dataclass
class UiContext:
    """The app's state, one per app: configuration, catalogue sessions, templates, cookie signer, crawl jobs."""

    config: Config
    options: UiOptions
    sessions: Sessions
    templates: Jinja2Templates
    signer: Signer
    jobs: CrawlJobs
    extra: dict[str, Any] = field(default_factory=dict)

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        session = session_of(request)
        base = {"request": request, "csrf_token": session.csrf, "operator": session.operator,
                "can_log_in": bool(self.config.ui_password)}
        return self.templates.TemplateResponse(request, name, {**base, **context}, status_code=status)


def ui(request: Request) -> UiContext:
    """The UiContext of the app serving `request`."""
    context = request.app.state.ui
    assert isinstance(context, UiContext)
    return context
