# The clinic system's commands (design §4.1). Needs only Python 3.11 on the machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
LOCK_HASH := $(shell cat requirements.lock | sha256sum | cut -c1-16)
DEV_LOCK_HASH := $(shell cat requirements.lock requirements-dev.lock | sha256sum | cut -c1-16)
INSTALLED := $(VENV)/.installed-$(LOCK_HASH)
DEV_INSTALLED := $(VENV)/.installed-dev-$(DEV_LOCK_HASH)
GUNICORN := $(BIN)/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --access-logfile - --timeout 60

.PHONY: run serve test bench lock install install-dev chromium lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstalls only when the lock file changes.
$(INSTALLED): requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --no-deps -r requirements.lock
	rm -f $(VENV)/.installed-*; touch $@

$(DEV_INSTALLED): $(INSTALLED) requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -r requirements.lock -r requirements-dev.lock
	rm -f $(VENV)/.installed-dev-*; touch $@

install: $(INSTALLED)
install-dev: $(DEV_INSTALLED)

run: install
	@export DEMO_MODE=true; \
	$(BIN)/python manage.py migrate --no-input -v 0 && \
	$(BIN)/python manage.py collectstatic --no-input -v 0 && \
	PORT=$(PORT) $(BIN)/python manage.py seed_demo && \
	echo "Clinic (demo) on http://127.0.0.1:$(PORT)/   API docs: http://127.0.0.1:$(PORT)/api/v1/docs" && \
	{ $(BIN)/python manage.py run_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(GUNICORN); }

serve: install
	@test -n "$$SECRET_KEY$$SECRET_KEY_FILE" || { echo "Refusing to start: set SECRET_KEY (or SECRET_KEY_FILE) to a long random value." >&2; exit 2; }
	@test -n "$$ALLOWED_HOSTS" || { echo "Refusing to start: set ALLOWED_HOSTS to the clinic's host name(s), comma-separated." >&2; exit 2; }
	@test -n "$$AUDIT_KEY$$AUDIT_KEY_FILE" || { echo "Refusing to start: set AUDIT_KEY (or AUDIT_KEY_FILE) to the audit trail's signing key, kept apart from the backups. Make one with: python3 -c 'import secrets; print(secrets.token_hex(32))'" >&2; exit 2; }
	@export DEMO_MODE=false; \
	$(BIN)/python manage.py check --deploy --fail-level WARNING && \
	$(BIN)/python manage.py migrate --no-input -v 0 && \
	$(BIN)/python manage.py collectstatic --no-input -v 0 && \
	{ $(BIN)/python manage.py run_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(GUNICORN); }

# Debian's chromium drives the browser tests; Playwright's own browser downloads cannot be fetched.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings_test $(BIN)/python manage.py makemigrations --check --dry-run -v 1

test: install-dev chromium lint
	$(BIN)/pytest -n 2 --dist loadgroup --cov --cov-report=term:skip-covered
	@echo "== Branch coverage of clinic/rules (floor 95 %)"
	$(BIN)/coverage report --include='clinic/rules/*' --omit='clinic/rules/tests/*' --skip-covered --fail-under=95

bench: install-dev
	$(BIN)/python -m bench

# Re-resolve the pinned versions from requirements.in and requirements-dev.in.
lock:
	rm -rf /tmp/clinic-lock && $(PYTHON) -m venv /tmp/clinic-lock && /tmp/clinic-lock/bin/pip install -q -r requirements.in
	{ echo "# Pinned runtime dependencies, resolved from requirements.in by 'make lock'."; /tmp/clinic-lock/bin/pip freeze; } > requirements.lock
	/tmp/clinic-lock/bin/pip install -q -r requirements-dev.in
	{ echo "# Pinned test and lint dependencies (on top of requirements.lock), resolved from requirements-dev.in by 'make lock'."; \
	  /tmp/clinic-lock/bin/pip freeze | grep -vxFf requirements.lock; } > requirements-dev.lock
