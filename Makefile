# stratify — the whole setup is `make run` and `make test`.
SWIFT ?= swift
CONFIG ?= SampleData/stratify.yaml
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
BIN := .build/release/stratify
# CI (CI=true) treats warnings as errors.
TEST_FLAGS := $(if $(CI),-Xswiftc -warnings-as-errors,)

.PHONY: setup build run test lint clean bench

## setup: install libcsv (Debian's libcsv-dev) and OpenSSL's libcrypto (libssl-dev) when their headers are missing.
setup:
	@missing=""; \
	[ -f /usr/include/csv.h ] || missing="$$missing libcsv-dev"; \
	[ -f /usr/include/openssl/evp.h ] || missing="$$missing libssl-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

## build: release build of the stratify binary, with the Swift runtime linked in: it starts in a few
## milliseconds instead of twenty (no shared Swift libraries to load and bind), and runs on a host without them
## (libcsv, libcrypto and libsqlite3 stay shared). The link prints one warning from the toolchain's own Foundation
## ("the use of `mktemp' is dangerous", from its atomic Data writes, which stratify does not use).
RELEASE_FLAGS := -c release --static-swift-stdlib --product stratify
build: setup
	$(SWIFT) build $(RELEASE_FLAGS)

## run: the nightly job on SampleData into ./out (the configuration pins the sample's as-of date).
run: build
	$(BIN) validate --config $(CONFIG)
	$(BIN) run --config $(CONFIG)

## test: unit and end-to-end tests.
test: setup
	$(SWIFT) build --build-tests $(TEST_FLAGS)
	$(SWIFT) test --skip-build $(TEST_FLAGS)

## bench: the reference workload (../shared/bench/REFERENCE_WORKLOAD.md) against the DuckDB and Polars peers:
## release build, cached data in bench-data/, peers in .venv; fails on parity, reports targets (BENCHMARKS.md).
## BENCH_SIZES=100k (or 1m, 1m-2x, comma-separated) and BENCH_RUNS=N restrict a quick run.
bench: setup
	python3 bench/run.py

## lint: swift-format over the sources.
lint:
	$(SWIFT) format lint --recursive --strict Sources Tests

clean:
	rm -rf .build out
