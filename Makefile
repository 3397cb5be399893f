# Two commands for a new machine (Debian/Ubuntu with git, make, python3 and venv):
#   make demo   installs what is missing, then runs the whole chain on samples/
#   make test   installs what is missing, then runs lint, types and the tests (OCR included)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# OCR: tesseract and its French data, ghostscript. The yearly report: LibreOffice Writer without
# its GUI (a test converts the report to PDF) and DejaVu fonts (accents in its charts).
APT_PACKAGES := tesseract-ocr tesseract-ocr-fra tesseract-ocr-osd ghostscript \
	libreoffice-writer-nogui fonts-dejavu-core

.PHONY: demo test setup system lint bench samples clean

demo: setup
	$(BIN)/dossiers demo

test: setup
	$(BIN)/ruff check pipeline watchers tests bench samples
	$(BIN)/ruff format --check pipeline watchers tests bench samples
	$(BIN)/mypy
	$(BIN)/pytest

setup: system $(VENV)/.installed

# System packages: installed with apt-get when root, otherwise the exact command is printed.
system:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing"; \
	    echo "Install them with:  sudo apt-get install -y --no-install-recommends$$missing"; \
	    exit 1; \
	  fi; \
	fi

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed ($(PYTHON) is older)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

lint: setup
	$(BIN)/ruff check pipeline watchers tests bench samples
	$(BIN)/ruff format --check pipeline watchers tests bench samples
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/run_all.py

samples: setup
	$(BIN)/python samples/generate.py

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache
