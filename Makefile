# Two entry points: `make run` and `make test`. Everything else they need is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000

.PHONY: run test lint bench setup browser voice clean

setup: $(STAMP) node_modules/.installed

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The browser's Socket.IO client comes from npm, pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# System packages, each installed on its own condition: when it is missing and we may (root).
# Debian's Chromium: the Playwright tests drive it.
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = "0" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

# espeak-ng: the displays' offline Indonesian voice (voice engine "espeak"), served by `make run`
# and checked by the voice tests.
voice:
	@if ! command -v espeak-ng >/dev/null; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng; \
		else \
			echo "espeak-ng is missing (apt-get install espeak-ng as root): displays set to the espeak"; \
			echo "voice ring the chime alone, and the espeak voice tests are skipped"; \
		fi; \
	fi

# `make run PORT=8080` serves on another port.
run: setup voice
	$(BIN)/antre serve --port $(PORT)

test: setup browser voice
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -n 2

# wrk: the native load generator of the issue benchmark (issue #17), Debian's package.
bench: setup
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
		else \
			echo "wrk is missing (apt-get install wrk as root): the 'wrk' part will fail"; \
		fi; \
	fi
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info
