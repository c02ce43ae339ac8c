"""The archivist web app: FastAPI + Jinja2, server-rendered, read-only except for the operator's pages.

`create_app(config, options)` builds it; `nianbao serve` runs it with uvicorn. Every response carries
`X-Content-Type-Options: nosniff`; the app's own pages a strict Content-Security-Policy (no inline script,
nothing from another origin); archived originals `Content-Security-Policy: sandbox` (web/routes_browse.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.exceptions import HTTPException as StarletteHTTPException

from kernel.config import Config
from storage.db import open_catalogue
from web import routes_browse, routes_charts, routes_operator
from web.auth import COOKIE, OperatorRequired, Signer, load_session, store_session
from web.context import UiContext, UiOptions, ui
from web.jobs import CrawlJobs

HERE = Path(__file__).parent
APP_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")


def create_app(config: Config, options: UiOptions | None = None) -> FastAPI:
    context = UiContext(config, options or UiOptions(), open_catalogue(config.database_url), _templates(),
                        Signer(config.ui_secret), CrawlJobs(config))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        context.jobs.stop_all()

    app = FastAPI(title="nianbao", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.ui = context
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (routes_browse, routes_charts, routes_operator):
        app.include_router(module.router)
    app.middleware("http")(_session_and_headers)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperatorRequired, _operator_required)
    return app


def _templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["when"] = lambda moment: moment.strftime("%Y-%m-%d %H:%M") if moment else ""
    env.filters["mb"] = lambda n: f"{(n or 0) / 1_000_000:.2f} MB"
    return Jinja2Templates(env=env)


async def _session_and_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    context = ui(request)
    request.state.session = load_session(context.signer, request.cookies.get(COOKIE))
    response = await call_next(request)
    store_session(context.signer, request.state.session, response)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", "same-origin")  # "no-referrer" makes forms send Origin: null
    response.headers.setdefault("Content-Security-Policy", APP_CSP)
    return response


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return ui(request).render(request, "error.html", status=exc.status_code, status_code=exc.status_code,
                              detail=str(exc.detail))


async def _operator_required(request: Request, exc: Exception) -> Response:
    if request.method == "GET":
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return ui(request).render(request, "error.html", status=403, status_code=403, detail=str(exc))
