"""Operator login and CSRF protection: a signed session cookie that carries a CSRF token and the login flag.

Every visitor gets a session (only a random CSRF token); logging in with the configured password rotates the
token and marks the session as operator. A mutating request needs the operator flag and a form field equal
to the session's token; a cross-site Origin is refused outright. Cookies are HttpOnly and SameSite=Strict.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request, Response

from kernel.errors import NianbaoError

COOKIE = "nianbao_session"
SESSION_SECONDS = 12 * 3600


class OperatorRequired(NianbaoError):
    """Raised by `require_operator` when a mutating page is asked for without an operator login."""


class Signer:
    """HMAC-SHA256 over a JSON payload; the key comes from NIANBAO_UI_SECRET (or is random per process)."""

    def __init__(self, secret: str) -> None:
        self.key = (secret or secrets.token_hex(32)).encode()

    def sign(self, payload: dict[str, Any]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(payload, sort_keys=True).encode()).decode().rstrip("=")
        return f"{body}.{self._mac(body)}"

    def unsign(self, token: str) -> dict[str, Any] | None:
        body, _, mac = token.partition(".")
        if not body or not hmac.compare_digest(mac, self._mac(body)):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def _mac(self, body: str) -> str:
        return hmac.new(self.key, body.encode(), hashlib.sha256).hexdigest()


@dataclass
class UiSession:
    csrf: str
    operator: bool = False
    expires: float = 0.0
    dirty: bool = field(default=False, compare=False)

    @classmethod
    def new(cls, now: float) -> UiSession:
        return cls(csrf=secrets.token_urlsafe(32), expires=now + SESSION_SECONDS, dirty=True)


def load_session(signer: Signer, cookie: str | None, now: float | None = None) -> UiSession:
    """The session in the cookie, or a fresh one when it is absent, forged or expired."""
    now = time.time() if now is None else now
    data = signer.unsign(cookie) if cookie else None
    if not data or float(data.get("exp", 0)) < now or not isinstance(data.get("csrf"), str):
        return UiSession.new(now)
    return UiSession(csrf=data["csrf"], operator=bool(data.get("op")), expires=float(data["exp"]))


def store_session(signer: Signer, session: UiSession, response: Response) -> None:
    if not session.dirty:
        return
    payload = {"csrf": session.csrf, "op": session.operator, "exp": session.expires}
    response.set_cookie(COOKIE, signer.sign(payload), max_age=SESSION_SECONDS, httponly=True, samesite="strict",
                        path="/")


def session_of(request: Request) -> UiSession:
    session = getattr(request.state, "session", None)
    assert isinstance(session, UiSession), "the session middleware did not run"
    return session


def log_in(request: Request, password: str, configured: str) -> bool:
    """Mark the session as operator if `password` is the configured one (an empty configuration never matches)."""
    if not configured or not hmac.compare_digest(password.encode(), configured.encode()):
        return False
    session = session_of(request)
    fresh = UiSession.new(time.time())
    session.csrf, session.operator, session.expires, session.dirty = fresh.csrf, True, fresh.expires, True
    return True


def log_out(request: Request) -> None:
    session = session_of(request)
    fresh = UiSession.new(time.time())
    session.csrf, session.operator, session.expires, session.dirty = fresh.csrf, False, fresh.expires, True


def check_csrf(request: Request, token: str) -> None:
    """403 unless `token` is this session's CSRF token and the request does not come from another origin."""
    session = session_of(request)
    if not token or not hmac.compare_digest(token, session.csrf):
        raise HTTPException(403, "CSRF token missing or wrong: reload the form and submit again")
    origin = request.headers.get("origin")
    # "null" is what a sandboxed document (an archived page) sends: refused like any other origin.
    if origin and (origin == "null" or urlsplit(origin).netloc != request.headers.get("host", "")):
        raise HTTPException(403, f"cross-origin request refused (Origin: {origin})")


def require_operator(request: Request) -> None:
    if not session_of(request).operator:
        raise OperatorRequired("log in as operator first")
