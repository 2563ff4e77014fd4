# make serve: the demo journal at http://127.0.0.1:8000     make test: the gates and the whole test suite
# Both create .venv by themselves; python3, git and make are all a fresh machine needs.

VENV := .venv
export NO_MKDOCS_2_WARNING := 1
BIN := $(VENV)/bin
STAMP := $(shell cksum < pyproject.toml | cut -d' ' -f1)
# followup and what it runs on, all that serving needs; then the test toolchain, for make test and the gates
READY := $(VENV)/.ready-$(STAMP)
READY_TEST := $(VENV)/.ready-test-$(STAMP)
# The demo journal is written as of this day, so it always shows every status; DEMO_TODAY= uses the real date.
DEMO_TODAY ?= 2026-11-23

.PHONY: serve build test lint fuzz test-properdocs test-lowest bench bench-firm clean

$(READY): pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	rm -f $(VENV)/.ready-[0-9]*
	touch $@

$(READY_TEST): $(READY)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.ready-test-*
	touch $@

# --livereload explicitly: click 8.3.0-8.3.3 switched mkdocs serve's file watching off by default;
# --dirty: a rebuild writes only the pages that changed, as followup serve does.
serve: $(READY)
	FOLLOWUP_TODAY=$(DEMO_TODAY) $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload --dirty

build: $(READY)
	FOLLOWUP_TODAY=$(DEMO_TODAY) $(BIN)/mkdocs build --strict

# The gates: a chosen ruff rule set, mypy (check_untyped_defs) and the layers' import contract, all at zero.
lint: $(READY_TEST)
	$(BIN)/ruff check --no-cache src tests bench hooks
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -n auto -q

# The fuzz suite at length with a fresh seed (FUZZ_SCALE times make test's examples, an input slower than
# 5 s a failure): each failure found is kept in tests/fuzz/corpus/<reader>/, which make test replays.
FUZZ_SCALE ?= 100
fuzz: $(READY_TEST)
	FOLLOWUP_FUZZ_SCALE=$(FUZZ_SCALE) FOLLOWUP_FUZZ_SAVE=1 FOLLOWUP_FUZZ_DEADLINE_MS=5000 \
		$(BIN)/python -m pytest -q -p no:cacheprovider -n auto --hypothesis-profile=fuzz --hypothesis-show-statistics tests/fuzz

# The build tests again with ProperDocs (the maintained MkDocs 1.x) installed, as `followup build` then uses it.
test-properdocs:
	test -x .venv-properdocs/bin/python || python3 -m venv .venv-properdocs
	.venv-properdocs/bin/python -m pip install --quiet -e '.[test,properdocs]'
	.venv-properdocs/bin/python -m pytest -n auto -q -m build

# The whole suite with the lowest version of each dependency pyproject.toml allows: a floor too low fails here.
test-lowest:
	test -x .venv-lowest/bin/python || python3 -m venv .venv-lowest
	.venv-lowest/bin/python .ci/lowest.py > .venv-lowest/constraints.txt
	.venv-lowest/bin/python -m pip install --quiet -c .venv-lowest/constraints.txt -e '.[test]'
	.venv-lowest/bin/python -m pytest -n auto -q

bench: $(READY_TEST)
	$(BIN)/python bench/run.py --hands 50

# A firm's journal: 100,000 contacts, 300,000 commits, 500 owners (about 40 minutes, 3 GB of disk).
bench-firm: $(READY_TEST)
	$(BIN)/python bench/run.py --sizes '' --firm 100000:300000:500

clean:
	rm -rf site $(VENV) .venv-properdocs .venv-lowest
