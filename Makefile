# Two commands: `make demo` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo serve test lint bench system-packages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Run the whole pipeline on the sample commune (xã Bình Giang): approve, produce, publish, air, quotas.
demo: $(STAMP)
	$(BIN)/cchc demo

## Run always: a Prefect server and every job of the sample commune on its schedule (Ctrl-C stops it all).
serve: $(STAMP)
	$(BIN)/cchc serve

## Install the Debian tools the tests read outputs back with (tesseract OCR with Vietnamese data).
system-packages:
	@sh .ci/system-packages.sh

## Lint, then every test.
test: $(STAMP) system-packages
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_produce.py
	$(BIN)/python benchmarks/audio.py
	$(BIN)/python benchmarks/infographic.py
	$(BIN)/python benchmarks/report.py
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/province.py
	command -v espeak-ng >/dev/null || apt-get install -y -qq espeak-ng  # the naive chain speed.py compares with
	$(BIN)/python benchmarks/speed.py

clean:  # generated output only: the ledger and Prefect's files in .cchc/ are state and stay
	rm -rf output .pytest_cache
