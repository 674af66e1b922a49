# Wartemarke: `make demo` runs the whole system, `make test` runs every test.
# Both set up what they need on a fresh Debian machine (run as root for the apt step).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Debian packages: Mesa GL/EGL and libmtdev1 for Kivy, PostgreSQL for the multi-process tests,
# espeak-ng + sox for the display's spoken call-outs, Xvfb/xdotool/x11-utils for real-window checks,
# x11vnc to watch the demo's virtual screen, Chromium + its driver for the web pages' browser tests
# (Selenium drives Debian's browser).
DEB_PACKAGES := libgl1 libgl1-mesa-dri libegl1 libgles2 libmtdev1 postgresql espeak-ng sox xvfb xdotool \
	x11-utils x11vnc chromium chromium-driver
# Headless Kivy on Mesa (never the "mock" GL backend: it silently turns GraphicUnitTest into nothing).
KIVY_ENV := SDL_VIDEODRIVER=offscreen KIVY_NO_ARGS=1 KIVY_NO_CONSOLELOG=1

.PHONY: setup system-packages venv test demo lint bench clean

setup: system-packages venv

system-packages:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "run as root (or install:$$missing)"; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing </dev/null; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[all]'
	touch $@

test: setup lint
	@mkdir -p artifacts
	$(KIVY_ENV) KIVY_HOME=$$(mktemp -d) $(PY) -m pytest tests

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

demo: setup
	$(PY) -m launcher demo

# Benchmarks print numbers (no pass/fail); BENCHMARKS.md keeps the latest results.
bench: setup
	$(PY) bench/ticket_issue.py
	$(PY) bench/wait_accuracy.py
	$(PY) bench/slot_booking.py
	$(PY) bench/event_fanout.py
	$(PY) bench/phone_fanout.py
	$(PY) bench/print_size.py
	$(PY) bench/client_resilience.py
	$(KIVY_ENV) $(PY) bench/kiosk_start.py
	$(KIVY_ENV) $(PY) bench/kiosk_tickets.py
	$(KIVY_ENV) $(PY) bench/display_latency.py
	$(KIVY_ENV) $(PY) bench/display_memory.py
	$(KIVY_ENV) $(PY) bench/counter_latency.py

clean:
	rm -rf var artifacts .pytest_cache
