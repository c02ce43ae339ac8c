"""The operator's pages: log in and out, start an on-demand crawl, add a site to the registry.

Every POST here checks the CSRF token; every action but logging in needs an operator session; wrong passwords
are throttled per client (web/login_limit.py).
"""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from kernel.errors import NianbaoError
from spiders.registry import Site, add_site, load_registry, resolve_site
from storage.catalog import Catalog
from web.auth import check_csrf, log_in, log_out, require_operator
from web.context import ui
from web.login_limit import LoginThrottle
from web.targets import check_crawl_target

router = APIRouter()


def _safe_next(target: str) -> str:
    """Only a path on this site: no scheme, no host, no protocol-relative //host."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/operator"


@router.get("/login")
def login_page(request: Request, next: str = "/operator") -> Response:
    return ui(request).render(request, "login.html", next=_safe_next(next), failed=False)


@router.post("/login")
def login(request: Request, password: str = Form(""), csrf: str = Form(""), next: str = Form("/operator")) -> Response:
    context = ui(request)
    check_csrf(request, csrf)
    throttle = context.extra.setdefault("login_throttle", LoginThrottle())
    client = request.client.host if request.client else "-"
    wait = math.ceil(throttle.wait(client))
    if wait:  # too many wrong passwords: not even checked (web/login_limit.py)
        response = context.render(request, "login.html", status=429, next=_safe_next(next), wait=wait)
        response.headers["Retry-After"] = str(wait)
        return response
    if not log_in(request, password, context.config.ui_password):
        throttle.failed(client)
        return context.render(request, "login.html", status=403, next=_safe_next(next), failed=True)
    throttle.succeeded(client)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")) -> Response:
    check_csrf(request, csrf)
    log_out(request)
    return RedirectResponse("/", status_code=303)


@router.get("/operator")
def operator_page(request: Request, message: str = "", error: str = "") -> Response:
    require_operator(request)
    context = ui(request)
    registry = load_registry(context.options.registry_path, context.config)
    return context.render(request, "operator.html", jobs=list(reversed(context.jobs.jobs)), registry=registry,
                          message=message, error=error, allowlist=context.config.ui_crawl_allowlist)


@router.post("/operator/crawl")
def start_crawl(request: Request, target: str = Form(""), csrf: str = Form("")) -> Response:
    require_operator(request)
    check_csrf(request, csrf)
    context = ui(request)
    registry = load_registry(context.options.registry_path, context.config)
    try:
        checked = check_crawl_target(target, registry, context.config.ui_crawl_allowlist)
    except NianbaoError as exc:
        return operator_page(request, error=str(exc))
    # The crawl process reads the default registry: a site only in another registry file goes by its home URL.
    ref = checked.ref
    if checked.site is not None and context.options.registry_path is not None:
        ref = checked.site.id if checked.site.id in load_registry(config=context.config) else checked.site.home_url
    job = context.jobs.start(ref)
    return RedirectResponse(f"/operator?message=crawl+{job.id}+started", status_code=303)


@router.post("/operator/sites")
def add_site_action(request: Request, home_url: str = Form(""), name: str = Form(""), region_code: str = Form(""),
                    family: str = Form(""), csrf: str = Form("")) -> Response:
    require_operator(request)
    check_csrf(request, csrf)
    context = ui(request)
    parts = urlsplit(home_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return operator_page(request, error=f"a site needs an http(s) home URL, not {home_url!r}")
    try:
        found = resolve_site(home_url.strip(), load_registry(context.options.registry_path, context.config))
        site = Site(id=found.id, name=name.strip() or found.name, home_url=found.home_url,
                    region_code=region_code.strip() or None, family=family.strip() or None)
        # To $NIANBAO_HOME/sites.toml (or NIANBAO_REGISTRY), never into the installed package (spiders/registry.py).
        add_site(site, context.options.registry_path, context.config)
    except NianbaoError as exc:
        return operator_page(request, error=str(exc))
    Catalog(context.sessions).upsert_site(site.row)
    return RedirectResponse(f"/operator?message=site+{site.id}+added", status_code=303)
