"""A private PostgreSQL server (initdb + pg_ctl in a temporary directory, on a free port) that a test may restart
without disturbing the machine's own server, which other tests use."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(*args: str) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL tool as the `postgres` user (the server refuses to run as root)."""
    return subprocess.run(["runuser", "-u", "postgres", "--", *args], capture_output=True, text=True, timeout=120)


@dataclass
class PrivatePostgres:
    data: Path
    port: int
    bin: Path

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        done = _as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "log"), "-w",
                            "-o", options, *args)
        assert done.returncode == 0, f"pg_ctl {args}: {done.stdout}{done.stderr}"

    def restart(self) -> None:
        """Stop (closing every connection, as `systemctl restart postgresql` does) and start again."""
        self.ctl("restart", "-m", "fast")


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A PostgreSQL server of this test's own, trust authentication, stopped and removed afterwards. Its data
    directory is outside pytest's (root-only) temporary directories: the server runs as `postgres`."""
    if not PG_BIN or shutil.which("runuser") is None:
        pytest.fail("a private PostgreSQL needs /usr/lib/postgresql/*/bin (apt-get install postgresql) and runuser")
    data = Path(tempfile.mkdtemp(prefix="nianbao-pg-"))
    shutil.chown(data, "postgres", "postgres")
    done = _as_postgres(str(PG_BIN[-1] / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    assert done.returncode == 0, done.stderr
    server = PrivatePostgres(data, free_port(), PG_BIN[-1])
    server.ctl("start")
    try:
        yield server
    finally:
        _as_postgres(str(server.bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(data, ignore_errors=True)


@dataclass
class PrivateRedis:
    """A redis-server of this test's own, persisting every write to its append-only file (a Redis that a crawl
    relies on keeps its data across a restart), that the test may restart."""

    data: Path
    port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.data),
             "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--logfile", str(self.data / "log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            assert self.proc.poll() is None, (self.data / "log").read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "redis-server did not listen within 30 s"
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM, as `systemctl stop redis` does: clients are cut, the data is on disk."""
        assert self.proc is not None
        self.proc.terminate()
        self.proc.wait(timeout=30)

    def restart(self, down: float = 0.0) -> None:
        """Stop, stay down for `down` seconds, start again on the same port with the same data."""
        self.stop()
        time.sleep(down)
        self.start()


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    """A Redis server of this test's own on a free port, stopped and removed afterwards."""
    if shutil.which("redis-server") is None:
        pytest.fail("a private Redis needs redis-server (apt-get install redis-server)")
    server = PrivateRedis(Path(tempfile.mkdtemp(prefix="nianbao-redis-")), free_port())
    server.start()
    try:
        yield server
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
        shutil.rmtree(server.data, ignore_errors=True)
