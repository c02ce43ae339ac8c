"""`crawl --no-wait` and `reparse --pending`: the combinations the command line refuses, and what it says."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_nianbao


def test_reparse_needs_all_a_site_or_pending(tmp_path: Path) -> None:
    out = run_nianbao(["reparse"], {"NIANBAO_HOME": str(tmp_path)})
    assert out.returncode == 2 and "--pending" in out.stderr


def test_reparse_pending_of_an_unknown_site_is_refused(tmp_path: Path) -> None:
    out = run_nianbao(["reparse", "--pending", "--site", "nosuchsite"], {"NIANBAO_HOME": str(tmp_path)})
    assert out.returncode == 2 and "nosuchsite" in out.stderr


def test_no_wait_is_not_for_distributed_crawls(tmp_path: Path) -> None:
    out = run_nianbao(["crawl", "pingluo", "--distributed", "--no-wait"], {"NIANBAO_HOME": str(tmp_path)})
    assert out.returncode == 2 and "--no-wait and --distributed" in out.stderr
