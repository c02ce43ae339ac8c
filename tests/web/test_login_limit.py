"""Wrong operator passwords are throttled per client (web/login_limit.py), through the real app's /login."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from tests.web.conftest import config_for
from web.app import create_app
from web.login_limit import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _login(client: TestClient, password: str) -> tuple[int, str, str | None]:
    form = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf, form
    answer = client.post("/login", data={"password": password, "csrf": csrf.group(1), "next": "/operator"},
                         follow_redirects=False)
    return answer.status_code, answer.text, answer.headers.get("retry-after")


def test_after_five_wrong_passwords_even_the_right_one_waits_for_the_window(tmp_path: Path) -> None:
    app = create_app(config_for(tmp_path / "data", ui_password="right-password"))
    clock = Clock()
    app.state.ui.extra["login_throttle"] = LoginThrottle(max_failures=5, window_s=900, clock=clock)
    with TestClient(app) as client:
        for _ in range(5):
            assert _login(client, "guess")[0] == 403
        status, text, retry_after = _login(client, "right-password")
        assert (status, retry_after) == (429, "900") and "Too many wrong passwords" in text
        clock.now += 901
        assert _login(client, "right-password")[0] == 303


def test_the_window_slides_a_success_clears_and_clients_are_apart() -> None:
    clock = Clock()
    throttle = LoginThrottle(max_failures=3, window_s=60, clock=clock)
    for _ in range(2):
        throttle.failed("a")
    clock.now += 50
    throttle.failed("a")
    assert throttle.wait("a") == 10  # the first failure leaves the window 60 s after it
    assert throttle.wait("b") == 0
    clock.now += 10
    assert throttle.wait("a") == 0  # the first two left the window: one failure in it
    throttle.failed("a")
    throttle.failed("a")
    assert throttle.wait("a") == 50
    throttle.succeeded("a")
    assert throttle.wait("a") == 0
