"""A private PostgreSQL server (initdb + pg_ctl in a temporary directory, on a free port) that a test may restart
without disturbing the machine's own server, which other tests use."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
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
