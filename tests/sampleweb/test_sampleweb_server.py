"""The sample web server speaks HTTP correctly: proxy and Host-header routing, validators, errors."""

from __future__ import annotations

import http.client
import logging
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sampleweb.server import SampleWebServer, main
from sampleweb.truth import SITES

HOME = SITES["pingluo"].home_url
HOST = SITES["pingluo"].hostname


@pytest.fixture(scope="module")
def web() -> Iterator[SampleWebServer]:
    with SampleWebServer() as server:
        yield server


def via_proxy(web: SampleWebServer, url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.proxy_url}))
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def via_host(web: SampleWebServer, host: str, path: str, method: str = "GET") -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", web.port, timeout=30)
    try:
        conn.request(method, path, headers={"Host": host})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def test_proxy_and_host_header_give_same_bytes(web: SampleWebServer) -> None:
    status, headers, body = via_proxy(web, HOME)
    status2, _, body2 = via_host(web, HOST, "/")
    assert (status, status2) == (200, 200)
    assert body == body2
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "平罗县人民政府" in body.decode("utf-8")


def test_headers_and_etag(web: SampleWebServer) -> None:
    status, headers, body = via_host(web, HOST, "/xxgk/zfxxgknb/index.html")
    assert status == 200
    assert int(headers["Content-Length"]) == len(body)
    assert re.fullmatch(r'"[0-9a-f]{32}"', headers["ETag"])
    assert headers["Last-Modified"].endswith("GMT")


def test_if_none_match_gives_304(web: SampleWebServer) -> None:
    _, headers, _ = via_proxy(web, HOME)
    status, _, body = via_proxy(web, HOME, {"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")


def test_if_modified_since_gives_304_and_older_date_gives_200(web: SampleWebServer) -> None:
    _, headers, _ = via_proxy(web, HOME)
    assert via_proxy(web, HOME, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert via_proxy(web, HOME, {"If-Modified-Since": "Mon, 01 Jan 2018 00:00:00 GMT"})[0] == 200


def test_head_has_length_but_no_body(web: SampleWebServer) -> None:
    status, headers, body = via_host(web, HOST, "/robots.txt", method="HEAD")
    assert status == 200 and body == b""
    assert int(headers["Content-Length"]) > 0


def test_robots_allows_all(web: SampleWebServer) -> None:
    status, headers, body = via_proxy(web, HOME + "robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert b"Allow: /" in body and b"Disallow" not in body


def test_unknown_host_is_502_naming_the_host(web: SampleWebServer) -> None:
    status, _, body = via_proxy(web, "http://www.example.gov.cn/")
    assert status == 502 and b"www.example.gov.cn" in body


def test_unknown_path_is_404(web: SampleWebServer) -> None:
    assert via_proxy(web, HOME + "nope.html")[0] == 404


def test_directory_without_slash_redirects(web: SampleWebServer) -> None:
    status, headers, _ = via_host(web, HOST, "/xxgk")
    assert status == 301 and headers["Location"] == f"http://{HOST}/xxgk/"


def test_connect_is_501(web: SampleWebServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", web.port, timeout=30)
    try:
        conn.request("CONNECT", f"{HOST}:443", headers={"Host": f"{HOST}:443"})
        assert conn.getresponse().status == 501
    finally:
        conn.close()


def test_requests_are_logged_key_value(web: SampleWebServer, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="sampleweb"):
        via_proxy(web, HOME)
    assert any("site=pingluo" in r.getMessage() and "status=200" in r.getMessage() for r in caplog.records)


def test_cli_rejects_bad_arguments() -> None:
    with pytest.raises(SystemExit):
        main(["--port", "not-a-number"])


def test_stop_releases_the_port() -> None:
    server = SampleWebServer()
    server.start()
    port = server.port
    server.stop()
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/")


def test_cli_serves_until_interrupted() -> None:
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-m", "sampleweb", "--port", "0"], cwd=root, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.fullmatch(r"sampleweb listening on (http://127\.0\.0\.1:(\d+)) \(use as http_proxy\)\n", line)
        assert match, line
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": match.group(1)}))
        with opener.open(HOME + "robots.txt", timeout=30) as resp:
            assert resp.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
