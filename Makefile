# Huanxin: `make run` serves the portal with a demo city; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test install system-deps bench lint format messages stop-db clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python scripts/run.py

test: install system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

system-deps:
	@bash scripts/system-deps.sh

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .

# Extract and compile translations (per app, plus the project-wide templates into locale/).
messages: install
	for app in renovation communities projects consultations elevators inspections bulletins; do \
	  mkdir -p $$app/locale; (cd $$app && ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete >/dev/null); done
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete -i '.venv/*' -i 'var/*' \
	  -i 'renovation/*' -i 'communities/*' -i 'projects/*' -i 'consultations/*' -i 'elevators/*' \
	  -i 'inspections/*' -i 'bulletins/*' -i 'tests/*' -i 'bench/*'
	$(BIN)/python manage.py compilemessages -i .venv >/dev/null

stop-db:
	$(BIN)/python scripts/stop_db.py

clean:
	rm -rf $(VENV) var
