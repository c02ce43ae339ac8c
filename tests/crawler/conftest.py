"""The kill trials' summary (tests/crawler/test_kill_trials.py), printed at the end of a run that had any."""

from __future__ import annotations

from _pytest.terminal import TerminalReporter

from tests.crawler.kill_support import KILL_RESULTS, kill_summary


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    if KILL_RESULTS:
        terminalreporter.write_sep("-", "hardening")
        terminalreporter.write_line(kill_summary(KILL_RESULTS))
        for result in KILL_RESULTS:
            if result.problems:
                terminalreporter.write_line(f"{result.trial}: {'; '.join(result.problems)[:500]}")
