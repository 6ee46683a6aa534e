# Crampless: `make run` brings the whole app up; `make test` runs lint and the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: run test lint format migrations-check messages messages-check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the dependencies change, so a second `make run` starts at once.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# `make run` serves like production (DEBUG off, hashed and compressed static files, the real 404
# and 500 pages) on the loopback address; `DEBUG=true make run` for development. The signing key
# is made once into var/secret_key unless SECRET_KEY is set. Cookies are not marked Secure by
# default here, and there is no HTTPS redirect or HSTS, as this serves plain HTTP on 127.0.0.1
# (set SECURE_COOKIES=true, SECURE_SSL_REDIRECT=true and SECURE_HSTS_SECONDS behind HTTPS).
RUN_ENV = DEBUG=$${DEBUG:-false} \
	SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	SECURE_COOKIES=$${SECURE_COOKIES:-false} \
	SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-false} \
	SECURE_HSTS_SECONDS=$${SECURE_HSTS_SECONDS:-0}

var/secret_key: | $(BIN)/python
	mkdir -p var
	umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: $(VENV)/.installed var/secret_key
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py loaddata techniques tips red_flags foods
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(BIN)/honcho start

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(VENV)/.installed-dev
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py makemigrations --check --dry-run

# The Chinese catalogue holds every marked string: extract again and compare (the creation date
# aside). A string marked but never extracted would show in English on a Chinese page.
MESSAGES = DEBUG=true $(BIN)/python manage.py makemessages -l zh_Hans --no-location \
	--ignore=.venv --ignore=var --ignore=staticfiles --ignore=benchmarks --ignore=tools --ignore=tests

messages: $(VENV)/.installed-dev
	$(MESSAGES)

messages-check: $(VENV)/.installed-dev
	$(MESSAGES) --verbosity 0
	git diff --exit-code -I '^"POT-Creation-Date' -- locale/ || \
		{ echo "The catalogue is out of date: make messages, translate, compilemessages."; exit 1; }

bench: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) var staticfiles
