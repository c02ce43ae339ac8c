"""`nianbao demo` ends by serving the UI on the data it just crawled and printing its URL."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import REPO


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_demo_prints_the_ui_url_and_serves_the_crawl(tmp_path: Path) -> None:
    env = {**os.environ, "NIANBAO_HOME": str(tmp_path / "data"), "NIANBAO_UI_PASSWORD": ""}
    demo = subprocess.Popen([sys.executable, "-m", "cli", "demo", "--port", str(free_port())], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url, lines, deadline = None, [], time.monotonic() + 150
        assert demo.stdout is not None
        while url is None and time.monotonic() < deadline:
            line = demo.stdout.readline()
            assert line, "demo exited before serving:\n" + "".join(lines)
            lines.append(line)
            if found := re.search(r"nianbao UI: (http://127\.0\.0\.1:\d+/)", line):
                url = found.group(1)
        assert url, "no UI URL printed:\n" + "".join(lines)
        assert any("operator password for this demo" in line for line in lines)
        html = ""
        for _ in range(50):
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    html = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert html.count('<td class="cov found') == 15 and "平罗县人民政府办公室" in html
    finally:
        demo.terminate()
        demo.wait(timeout=30)
