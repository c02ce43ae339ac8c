# nianbao — two entry points: `make demo` and `make test`. Both install what they need first.
VENV      ?= .venv
# pywb (GPL-3.0, replay only) pins redis==2.10.6, which breaks scrapy-redis: it gets a venv of its own.
PYWB_VENV ?= .venv-pywb
PY        := $(VENV)/bin/python
PACKAGES  := kernel parsing storage archive lifecycle crawler spiders distributed scheduling web cli sampleweb

.PHONY: demo test bench bench-scans fuzz fuzz-sites test-hardening lint typecheck system-deps services clean .venv-pywb

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

$(PYWB_VENV)/.installed:
	python3 -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/python -m pip install -q -U pip
	$(PYWB_VENV)/bin/python -m pip install -q pywb
	touch $@

.venv-pywb: $(PYWB_VENV)/.installed

# ReplayWeb.page (npm, pinned by its lock file) for the offline WACZ replay test in Chromium (tests/replay/).
REPLAY_NODE := tests/replay/node_modules/.installed
$(REPLAY_NODE): tests/replay/package-lock.json
	npm ci --prefix tests/replay --no-audit --no-fund --silent
	touch $@

system-deps:
	scripts/install-system-deps

services:
	scripts/start-services

demo: system-deps $(VENV)/.installed
	$(VENV)/bin/nianbao demo

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check $(PACKAGES) bench tests

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy $(PACKAGES) bench

# pytest's exit code is also written to .pytest-exit so that .ci/run can exit with it (make itself says 2).
test: system-deps services $(VENV)/.installed $(PYWB_VENV)/.installed $(REPLAY_NODE) lint typecheck
	$(VENV)/bin/pytest; rc=$$?; echo $$rc > .pytest-exit; exit $$rc

# Speed and memory, measured (not asserted), see BENCHMARKS.md: nianbao against bare Scrapy and wget on a generated
# web (BENCH_SITES sites, BENCH_ROUNDS rounds, BENCH_LATENCY_MS per response; results in bench/results/); then the
# crawl of the whole sample web, re-crawl, kill + resume; every parse.
BENCH_SITES      ?= 50
BENCH_ROUNDS     ?= 3
BENCH_LATENCY_MS ?= 0
bench: system-deps $(VENV)/.installed
	$(VENV)/bin/python -m bench.throughput --sites $(BENCH_SITES) --rounds $(BENCH_ROUNDS) \
		--latency-ms $(BENCH_LATENCY_MS)
	$(VENV)/bin/python -m bench.crawl
	$(VENV)/bin/python -m bench.parse
	$(VENV)/bin/python -m bench.scans --count $(SCANS)

# Scanned reports alone: SCANS generated scans, cells exact per degradation knob (the table in README's parsing part).
SCANS ?= 60
bench-scans: system-deps $(VENV)/.installed
	$(VENV)/bin/python -m bench.scans --count $(SCANS)

# Issue 13's generated county sites, more of them than the suite's 200: recall/precision per knob value.
N ?= 2000
fuzz-sites: system-deps services $(VENV)/.installed
	$(VENV)/bin/python -m bench.fuzz_sites --sites $(N)

# The property tests (hypothesis) of the list, link, pagination and report parsers, long: FUZZ_MINUTES each round
# of the "fuzz" profile until the time is spent (not in CI).
FUZZ_MINUTES ?= 10
fuzz: $(VENV)/.installed
	end=$$(( $$(date +%s) + 60 * $(FUZZ_MINUTES) )); round=0; \
	while [ $$(date +%s) -lt $$end ]; do round=$$((round + 1)); echo "fuzz round $$round"; \
	  HYPOTHESIS_PROFILE=fuzz $(VENV)/bin/pytest -q tests/spiders/test_link_properties.py \
	    tests/parsing/test_report_properties.py || exit 1; done

# Faults, bad input and kill trials (KILL_TRIALS of them at seeded random points), with the summary at the end.
KILL_TRIALS ?= 20
test-hardening: system-deps services $(VENV)/.installed
	NIANBAO_KILL_TRIALS=$(KILL_TRIALS) $(VENV)/bin/pytest -q tests/crawler/test_faults.py \
	  tests/crawler/test_bad_http.py tests/crawler/test_kill_trials.py tests/crawler/test_disk_full.py \
	  tests/crawler/test_ssrf.py tests/crawler/test_browser_private.py tests/parsing/test_bad_input.py \
	  tests/storage/test_reconnect.py tests/distributed/test_redis_restart.py

clean:
	rm -rf data .pytest_cache .mypy_cache .ruff_cache
