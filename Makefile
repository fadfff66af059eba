# The two commands: `make run` and `make test` (README.md). Both install what
# is missing first, so a fresh Debian 12 machine needs nothing else.
.PHONY: deps build client e2e-deps run test test-unit test-asan test-slow fuzz fuzz-ci bench clean

JOBS ?= $(shell nproc)
# ccache hits across clones in other folders (CI builds a fresh clone).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true
CTEST = ctest --output-on-failure -j $(JOBS)

deps:
	@./scripts/install-deps.sh

build: deps
	@cmake --preset dev >/dev/null
	@cmake --build --preset dev -j $(JOBS)
	@$(MAKE) --no-print-directory client

# npm packages come from the npm registry, pinned by package-lock.json;
# `npm ci` runs again only when the lock file is newer than node_modules.
NPM_CI = npm ci --no-audit --no-fund --loglevel=error
define npm_ci_if_stale
	@if [ ! -f $(1)/node_modules/.package-lock.json ] || \
	    [ $(1)/package-lock.json -nt $(1)/node_modules/.package-lock.json ]; then \
	  cd $(1) && $(NPM_CI); fi
endef

# The browser app, built into client/dist (served by parley).
client: deps
	$(call npm_ci_if_stale,client)
	@cd client && npm run --silent build

e2e-deps: deps
	$(call npm_ci_if_stale,tests/e2e)

run: build
	./build/parley serve --demo

# Everything but the slow suites: unit and interop tests, the unit tests again
# under AddressSanitizer + UBSan, and a short fuzz run.
test: build e2e-deps
	cd client && npm test --silent
	cd build && $(CTEST) -LE slow
	$(MAKE) test-asan
	$(MAKE) fuzz-ci

test-unit: build
	cd build && $(CTEST) -L unit

test-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	cd build-asan && $(CTEST) -L unit

test-slow: build
	cd build && $(CTEST) -L slow

# libFuzzer targets (clang). `make fuzz` runs each for FUZZ_SECONDS (default 300).
FUZZ_SECONDS ?= 300
fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) --target fuzz_all
	./tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

fuzz-ci:
	$(MAKE) fuzz FUZZ_SECONDS=30

bench: deps
	@cmake --preset release -DPARLEY_BENCH=ON >/dev/null
	@cmake --build --preset release -j $(JOBS)
	./bench/run.sh

clean:
	rm -rf build build-asan build-release build-fuzz
