"""`nianbao crawl` on a real terminal (tmux, `script`): a live progress display, warnings and the summary on the
screen, Scrapy's log in NIANBAO_HOME/logs/<crawl id>.log; `-v` brings it back; piped output stays key=value."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from tests.conftest import REPO, run_nianbao

SCRAPY_LINES = ["[scrapy.core.engine]", "Scrapy 2.", "Dumping Scrapy stats", "[scrapy.utils.log]"]
UNREACHABLE = "http://127.0.0.1:9"


def _in_tmux(command: str, timeout: float = 300) -> str:
    """Run `command` in a detached tmux session on a private server; the whole screen (history included) once it
    has exited."""
    server = f"nianbao-test-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-L", server, "-f", "/dev/null"]
    subprocess.run([*tmux, "new-session", "-d", "-s", "t", "-x", "160", "-y", "50", "-c", str(REPO),
                    f"{command}; echo EXITED=$?; sleep 600"], check=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            screen = subprocess.run([*tmux, "capture-pane", "-p", "-J", "-S", "-", "-t", "t"], check=True,
                                    capture_output=True, text=True).stdout
            if "EXITED=" in screen or time.monotonic() > deadline:
                return screen
            time.sleep(1)
    finally:
        subprocess.run([*tmux, "kill-server"], check=False)


def _nianbao(args: list[str], home: Path) -> str:
    return f"env NIANBAO_HOME={shlex.quote(str(home))} {shlex.quote(sys.executable)} -m cli " + shlex.join(args)


def _log_path(screen: str) -> Path:
    found = re.search(r"^full log: (\S+)$", screen, re.M)
    assert found, screen[-3000:]
    return Path(found.group(1))


def test_crawl_on_a_terminal_shows_progress_and_summary_and_logs_to_a_file(sampleweb: Any, tmp_path: Path) -> None:
    home = tmp_path / "data"
    screen = _in_tmux(_nianbao(["crawl", "pingluo", "--proxy", sampleweb.proxy_url], home))
    assert "EXITED=0" in screen, screen[-3000:]
    assert "crawl progress" in screen and "attachments" in screen  # the live display's title and header
    assert re.search(r"pingluo\s*│\s*done\s*│", screen), screen[-3000:]
    crawl = re.search(r"^crawl (\d+) of .*status=finished", screen, re.M)
    assert crawl and "report(s)" in screen, screen[-3000:]
    for line in SCRAPY_LINES + [" INFO: ", " DEBUG: "]:
        assert line not in screen, f"{line!r} on the terminal:\n{screen[-3000:]}"
    log = _log_path(screen)
    assert log == home / "logs" / f"{crawl.group(1)}.log"
    text = log.read_text(encoding="utf-8")
    assert all(line in text for line in SCRAPY_LINES), text[-3000:]
    assert f"crawl started site=pingluo crawl={crawl.group(1)}" in text  # ours too, at NIANBAO_LOG_LEVEL


def test_warnings_are_one_line_each_and_verbose_brings_scrapys_log_back(tmp_path: Path) -> None:
    home = tmp_path / "data"
    quiet = _in_tmux(_nianbao(["crawl", "pingluo", "--proxy", UNREACHABLE], home))
    assert "EXITED=1" in quiet and "status=failed" in quiet, quiet[-3000:]
    assert "WARNING [crawler.middlewares] download failed url=http://www.pingluo.gov.cn/" in quiet, quiet[-3000:]
    assert "ERROR [scrapy.downloadermiddlewares.retry] Gave up retrying" in quiet
    assert "[scrapy.core.engine]" not in quiet
    # The errors' tracebacks are in the log file, not on the terminal.
    assert "Traceback" not in quiet and "Traceback" in _log_path(quiet).read_text(encoding="utf-8")
    verbose = subprocess.run(["script", "-qec", _nianbao(["crawl", "pingluo", "-v", "--proxy", UNREACHABLE], home),
                              "/dev/null"], cwd=REPO, capture_output=True, text=True, timeout=300).stdout
    assert "[scrapy.core.engine]" in verbose and "Dumping Scrapy stats" in verbose, verbose[-3000:]
    assert "status=failed" in verbose
    assert _log_path(verbose.replace("\r", "")).is_file()


def test_piped_output_stays_key_value_with_scrapys_log_on_stderr(tmp_path: Path) -> None:
    home = tmp_path / "data"
    out = run_nianbao(["crawl", "pingluo", "--proxy", UNREACHABLE], {"NIANBAO_HOME": str(home)})
    assert out.returncode == 1
    assert re.search(r"^progress site=pingluo state=done fetched=0 ", out.stdout, re.M), out.stdout
    assert "full log:" not in out.stdout and "crawl progress" not in out.stdout
    assert "[scrapy.core.engine]" in out.stderr and "Dumping Scrapy stats" in out.stderr
    assert not (home / "logs").exists()
