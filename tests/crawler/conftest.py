"""The hardening summary (`make test-hardening`): faults, bad inputs and kill trials tried in this run, and what
went wrong — printed at the end of a run that had any of them."""

from __future__ import annotations

from _pytest.terminal import TerminalReporter

from tests.crawler.kill_support import KILL_RESULTS, kill_summary

# Test (file, name prefix) → what one of its parametrized cases tries.
TRIED = {("test_faults.py", "test_each_fault_ends_in_its_outcome"): "faults",
         ("test_bad_input.py", "test_bad_input_ends_in_its_stored_outcome"): "bad inputs",
         ("test_bad_http.py", "test_each_bad_document_has_its_outcome"): "bad responses"}


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    tried: dict[str, list[int]] = {}
    for outcome in ("passed", "failed", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            path, _, name = getattr(report, "nodeid", "").partition("::")
            for (file, prefix), label in TRIED.items():
                if path.endswith(file) and name.startswith(prefix) and (report.when == "call" or outcome == "error"):
                    tried.setdefault(label, [0, 0])[outcome != "passed"] += 1
    if not (tried or KILL_RESULTS):
        return
    terminalreporter.write_sep("-", "hardening")
    parts = [f"{label} tried {n + bad} (failed {bad})" for label, (n, bad) in tried.items()]
    crashes = sum(bad for _, bad in tried.values()) + sum(bool(r.problems) for r in KILL_RESULTS)
    terminalreporter.write_line("; ".join([*parts, f"crashes {crashes}"]))
    if KILL_RESULTS:
        terminalreporter.write_line(kill_summary(KILL_RESULTS))
        for result in KILL_RESULTS:
            if result.problems:
                terminalreporter.write_line(f"{result.trial}: {'; '.join(result.problems)[:500]}")
