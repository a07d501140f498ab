# The two commands: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)
# Builds never need a database: queries are checked against the committed .sqlx/ data.
export SQLX_OFFLINE := true
# cargo-leptos bakes this in at compile time; setting it for every cargo call keeps
# `cargo test` and `cargo leptos build` from invalidating each other's builds.
export LEPTOS_OUTPUT_NAME := portal

.PHONY: run test setup unit e2e build release sqlx-prepare lint bench-reports bench-outages

setup:
	@scripts/install-tools.sh

## Serves the portal on http://127.0.0.1:3000 with the demo county loaded once.
run: setup
	cargo leptos build --release
	scripts/precompress.sh
	@url="$$(scripts/db.sh)"; DATABASE_URL="$$url" PORTAL_DEMO_DATA=1 LEPTOS_SITE_ROOT=target/site \
	  LEPTOS_ENV=PROD LEPTOS_SITE_ADDR=$${LEPTOS_SITE_ADDR:-127.0.0.1:3000} target/release/server

## Unit tests, integration tests against PostgreSQL, then browser tests in headless Chromium.
test: setup unit e2e

# cargo-leptos builds debug with this flag; the tests use it too so both share one build.
unit:
	url="$$(scripts/db.sh)"; DATABASE_URL="$$url" RUSTFLAGS="--cfg erase_components" cargo test --workspace --no-fail-fast

e2e: build
	scripts/e2e.sh

build:
	cargo leptos build

release:
	cargo leptos build --release
	scripts/precompress.sh
	scripts/size.sh

## Prints fault reports per second through HTTP against raw PostgreSQL inserts (a figure, not a test).
bench-reports: setup
	url="$$(scripts/db.sh)"; DATABASE_URL="$$url" cargo run --release -p bench --bin bench-reports

## Prints the outage look-up and customer-home query times at 10,000 and 1,000,000 customers.
bench-outages: setup
	url="$$(scripts/db.sh)"; DATABASE_URL="$$url" cargo run --release -p bench --bin bench-outages

## Refreshes .sqlx/ after a query or migration changes (needs the local database).
sqlx-prepare:
	scripts/sqlx-prepare.sh

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
