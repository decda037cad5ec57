# InterviewAce — the front door. `make run` and `make test` are the two commands; both install
# what is missing first (scripts/install-deps.sh), then build with Meson and Ninja.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
BENCH_BUILD ?= build-release
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(sort $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
PYTHON     := /usr/bin/python3
ENGINES    ?= sqlite postgres
TEST_SERVICES ?= postgres redis s3
# The integration passes whose every server also uses Redis (rate limits, revocations), as a
# deployment of replicas does; the other passes run with the in-process limiter.
REDIS_ENGINES ?= postgres
BIN        := $(BUILD)/interviewace
ASAN_BIN   := $(ASAN_BUILD)/interviewace
SOURCES     = $(shell find src tests/unit tests/fuzz tools -name '*.[ch]' 2>/dev/null)

.PHONY: all run build deps test test-unit test-web test-fuzz test-deploy test-integration test-e2e test-asan fuzz lint fmt clean eval bench

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release

# The npm packages, pinned by package-lock.json and reinstalled when it changes: swagger-ui-dist
# (the /docs page, built into the binary by web/build-docs.mjs, so every build needs it),
# playwright-core (browser tests) and an OpenAPI validator (integration tests). The web app
# itself is built by web/build.mjs (node, no dependencies) as part of the ninja build.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --prefer-offline

build: deps $(BUILD)/build.ninja node_modules/.package-lock.json
	ninja -C $(BUILD)

run: build
	@if [ ! -f .env ]; then ./$(BIN) init; fi
	./$(BIN) serve --migrate

test: build
	$(MAKE) --no-print-directory test-unit
	$(MAKE) --no-print-directory test-web
	$(MAKE) --no-print-directory test-fuzz
	$(MAKE) --no-print-directory test-deploy
	$(MAKE) --no-print-directory test-integration
	$(MAKE) --no-print-directory test-e2e

test-unit: build
	meson test -C $(BUILD) --suite unit --print-errorlogs

# The web app's pure modules (router, formatting, error wording) under Node's test runner,
# with a stub of the few browser globals they touch at import (tests/web/). No browser.
test-web:
	node --test tests/web/

# Every fuzz harness (tests/fuzz/) replays its seed corpus once: no fuzzing, just the inputs.
test-fuzz: build
	meson test -C $(BUILD) --suite fuzz --print-errorlogs

# The deployment files and every shell script (scripts/check-deploy.sh): shellcheck, yamllint,
# docker-compose config, systemd-analyze verify of the units, dockerfilelint, the build set of
# scripts/install-deps.sh --build, and structural checks of the Kubernetes manifests, the compose
# file, the image's runtime packages and the docker build context. Seconds; no Docker daemon.
test-deploy: build
	./scripts/check-deploy.sh $(BIN)

# Measured quality of the offline engine: resume-parsing precision/recall per field, how often a
# better-labelled answer outscores a worse one, and how far generated questions draw on the resume
# and the job description (tools/eval_parse.c, eval_answers.c, eval_questions.c), on
# the tuning sets the parser and evaluator were tuned on (optimistic) and on the held-out sets
# in tests/fixtures/heldout/, written after that tuning and never used for it.
eval: build
	@echo "== Resume parser, tuning set (tests/fixtures/resumes; the rules were tuned on it)"
	@$(BUILD)/eval_parse
	@echo
	@echo "== Resume parser, held-out set (tests/fixtures/heldout/resumes; never used for tuning)"
	@$(BUILD)/eval_parse --dir tests/fixtures/heldout/resumes
	@echo
	@echo "== Resume parser, second held-out set (tests/fixtures/heldout/resumes2: layouts beyond the US; never used for tuning)"
	@$(BUILD)/eval_parse --dir tests/fixtures/heldout/resumes2
	@echo
	@echo "== Answer evaluator, tuning set (tests/fixtures/answers.json; tuned on it)"
	@$(BUILD)/eval_answers
	@echo
	@echo "== Answer evaluator, held-out set (tests/fixtures/heldout/answers.json; never used for tuning)"
	@$(BUILD)/eval_answers --file tests/fixtures/heldout/answers.json
	@echo
	@echo "== Answer evaluator against answers that try to fool it, tuning set (tests/fixtures/adversarial.json; tuned on it)"
	@$(BUILD)/eval_answers --file tests/fixtures/adversarial.json
	@echo
	@echo "== The same, held-out set (tests/fixtures/heldout/adversarial.json; written before the rework, never used for tuning)"
	@$(BUILD)/eval_answers --file tests/fixtures/heldout/adversarial.json
	@echo
	@echo "== Question generator, held-out resumes with and without job descriptions (tests/fixtures/jobs)"
	@$(BUILD)/eval_questions
	@echo
	@echo "== Job match, tuning set (tests/fixtures/jobmatch; the job match was tuned on it)"
	@$(BUILD)/eval_match
	@echo
	@echo "== Job match, held-out set (tests/fixtures/heldout/jobmatch; never used for tuning)"
	@$(BUILD)/eval_match --dir tests/fixtures/heldout/jobmatch

# The integration suite runs once per database engine against throw-away services
# (scripts/services.sh: PostgreSQL, Redis and an S3-compatible server) that are started once and
# stopped at the end, pass or fail; services a developer already had running are left running.
define run_integration
	@set -e; started=""; \
	trap '[ -z "$$started" ] || ./scripts/services.sh stop $$started' EXIT; \
	for s in $(TEST_SERVICES); do \
	  if ! ./scripts/services.sh status $$s >/dev/null 2>&1; then \
	    started="$$started $$s"; ./scripts/services.sh start $$s; \
	  fi; \
	done; \
	eval "$$(./scripts/services.sh env $(TEST_SERVICES))"; \
	for engine in $(ENGINES); do \
	  redis=0; case " $(REDIS_ENGINES) " in *" $$engine "*) redis=1 ;; esac; \
	  echo "== integration tests on $$engine$$( [ $$redis = 1 ] && echo ' with Redis')"; \
	  IA_TEST_ENGINE=$$engine IA_TEST_REDIS=$$redis INTERVIEWACE_BIN=$(CURDIR)/$(1) $(2) \
	    $(PYTHON) -m pytest -q tests/integration; \
	done
endef

test-integration: build
	$(call run_integration,$(BIN),)

# The web app in Debian's Chromium (tests/e2e/): the runner starts the service on a free
# loopback port with SQLite, local storage, the offline AI engine and a capturing mailbox,
# runs the journeys, and stops everything it started, pass or fail. Screenshots of every page
# go to $(BUILD)/screenshots/.
test-e2e: build
	INTERVIEWACE_BIN=$(CURDIR)/$(BIN) E2E_SCREENSHOTS=$(CURDIR)/$(BUILD)/screenshots \
		node --test --test-concurrency=1 --test-reporter=spec tests/e2e/journeys.test.mjs


$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

test-asan: deps $(ASAN_BUILD)/build.ninja node_modules/.package-lock.json
	ninja -C $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C $(ASAN_BUILD) --suite unit --suite fuzz --print-errorlogs
	$(call run_integration,$(ASAN_BIN),ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1)

# Fuzzing proper (not part of `make test`): the harnesses built with clang, libFuzzer,
# AddressSanitizer and UndefinedBehaviorSanitizer in $(FUZZ_BUILD)/, each run for FUZZ_SECONDS
# in one process, one after the other (FUZZ_TARGETS=router picks some). New inputs go to
# $(FUZZ_BUILD)/corpus/<name>/ (ignored by git), read together with the seed corpus; a crash
# leaves its input in $(FUZZ_BUILD)/artifacts/ and stops the run.
$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) --buildtype=debugoptimized -Dfuzzing=true \
		-Db_sanitize=address,undefined -Db_lundef=false

fuzz:
	@./scripts/install-deps.sh --fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BUILD)/build.ninja node_modules/.package-lock.json
	ninja -C $(FUZZ_BUILD) $(addprefix fuzz_,$(FUZZ_TARGETS))
	@set -e; mkdir -p $(FUZZ_BUILD)/artifacts; for t in $(FUZZ_TARGETS); do \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS)s"; \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    $(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=20 \
	    -close_fd_mask=1 -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t- \
	    $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t; \
	done

# Load and latency figures (bench/README.md): a release build of its own in $(BENCH_BUILD)/,
# the service on loopback with a temporary DATA_DIR, seeded through the API, measured with wrk
# on SQLite and PostgreSQL (scripts/services.sh) next to nginx; prints one table and writes
# bench/results.md. About 8 minutes; BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_ENGINES and
# BENCH_PARTS make it shorter. Never asserts a duration.
bench:
	@./scripts/install-deps.sh --bench
	@$(MAKE) --no-print-directory $(BENCH_BUILD)/build.ninja node_modules/.package-lock.json
	ninja -C $(BENCH_BUILD) interviewace bench_engine
	BENCH_BIN=$(CURDIR)/$(BENCH_BUILD)/interviewace $(PYTHON) bench/bench.py

$(BENCH_BUILD)/build.ninja:
	meson setup $(BENCH_BUILD) --buildtype=release

lint: deps
	./scripts/lint.sh
	$(MAKE) --no-print-directory test-deploy

fmt:
	clang-format -i $(SOURCES)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(BENCH_BUILD)
