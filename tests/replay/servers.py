"""Loopback servers for the replay tests: pywb over an archive, static files with byte ranges (what ReplayWeb.page
reads a WACZ with), and a proxy that answers nothing and writes down every request a browser tried to send off the
machine."""

from __future__ import annotations

import http.server
import mimetypes
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def serve_pywb(home: Path, env: dict[str, str]) -> Iterator[str]:
    """pywb (its own venv) serving the collection `nianbao archive pywb` configures for ``home``; yields the
    collection URL."""
    from tests.conftest import REPO, run_nianbao

    wayback = REPO / ".venv-pywb" / "bin" / "wayback"
    if not wayback.exists():
        raise AssertionError(f"{wayback} is missing: run `make .venv-pywb` (pywb lives in its own venv)")
    out = run_nianbao(["archive", "pywb", "--dir", str(home / "pywb")], env)
    assert out.returncode == 0, out.stderr[-3000:]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(wayback), "--bind", "127.0.0.1", "-p", str(port)], cwd=home / "pywb",
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}/nianbao"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, "pywb exited at start"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("pywb did not listen within 30 s")


_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


class _FilesHandler(http.server.BaseHTTPRequestHandler):
    files: dict[str, Path] = {}

    def do_HEAD(self) -> None:  # noqa: N802 — http.server's naming
        self._send(body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._send(body=True)

    def _send(self, *, body: bool) -> None:
        path = self.files.get(self.path.split("?", 1)[0])
        if path is None:
            self.send_error(404)
            return
        size = path.stat().st_size
        start, end, status = 0, size - 1, 200
        match = _RANGE.match(self.headers.get("Range", ""))
        if match and (match.group(1) or match.group(2)):
            if match.group(1):
                start, end = int(match.group(1)), min(int(match.group(2) or size - 1), size - 1)
            else:
                start = max(size - int(match.group(2)), 0)
            status = 206
        self.send_response(status)
        self.send_header("Content-Type", mimetypes.guess_type(path.name)[0] or "application/octet-stream")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start + 1))
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.end_headers()
        if body:
            with path.open("rb") as file:
                file.seek(start)
                self.wfile.write(file.read(end - start + 1))

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 — quiet
        pass


class _RefusingProxyHandler(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def _refuse(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        self.send_error(403, "offline test: no request may leave the machine")

    do_GET = do_POST = do_HEAD = do_CONNECT = do_PUT = do_OPTIONS = _refuse  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve_files(files: dict[str, Path]) -> Iterator[str]:
    """Serve ``files`` (URL path → file) on a free loopback port; yields the base URL."""
    handler = type("FilesHandler", (_FilesHandler,), {"files": dict(files)})
    with _serve(handler) as port:
        yield f"http://127.0.0.1:{port}"


@contextmanager
def refusing_proxy() -> Iterator[tuple[str, list[str]]]:
    """A proxy that refuses every request; yields (its address for --proxy-server, the requests it refused)."""
    seen: list[str] = []
    handler = type("RefusingProxyHandler", (_RefusingProxyHandler,), {"seen": seen})
    with _serve(handler) as port:
        yield f"http://127.0.0.1:{port}", seen
