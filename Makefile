# nianbao — two entry points: `make demo` and `make test`. Both install what they need first.
VENV      ?= .venv
# pywb (GPL-3.0, replay only) pins redis==2.10.6, which breaks scrapy-redis: it gets a venv of its own.
PYWB_VENV ?= .venv-pywb
PY        := $(VENV)/bin/python
PACKAGES  := kernel parsing storage archive lifecycle crawler spiders distributed scheduling web cli sampleweb

.PHONY: demo test bench lint typecheck system-deps services clean .venv-pywb

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
test: system-deps services $(VENV)/.installed $(PYWB_VENV)/.installed lint typecheck
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

clean:
	rm -rf data .pytest_cache .mypy_cache .ruff_cache
