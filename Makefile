# Two commands (see README):
#   make figures   set up .venv, execute every notebook in order, write figures/ and results/
#   make test      set up .venv and run the test suite (network disabled)
# Only Python 3.11 and make are needed; everything else is installed from requirements.txt.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))

# Reproducible outputs: fixed hash seed and no wall-clock dates in files.
export PYTHONHASHSEED := 0
export SOURCE_DATE_EPOCH := 0
export MPLBACKEND := Agg
# Libraries that might reach for a model hub must not.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
# Progress bars print timings (it/s) into notebook outputs, which would then differ on every run.
export HF_HUB_DISABLE_PROGRESS_BARS := 1

.PHONY: all install figures test browser clean-venv

all: figures

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==26.3"
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

figures: $(STAMP)
	$(PY) -m analysis.notebooks $(NOTEBOOKS)

test: $(STAMP) browser
	$(PY) -m pytest

# Headless Chromium for the viewer's browser test (Debian packages; skipped if it cannot be installed).
browser:
	@bash scripts/install_browser.sh

clean-venv:
	rm -rf $(VENV)
