# The two commands: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
# tools/ holds build tools from the npm registry (binaryen's wasm-opt): they come first on PATH,
# so cargo-leptos never picks up an older wasm-opt the machine may have (Debian's 108 breaks the WASM).
export PATH := $(CURDIR)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Builds never need a database: queries are checked against the committed .sqlx/ data.
export SQLX_OFFLINE := true
# cargo-leptos bakes this in at compile time; setting it for every cargo call keeps
# `cargo test` and `cargo leptos build` from invalidating each other's builds.
export LEPTOS_OUTPUT_NAME := portal

.PHONY: run test setup unit e2e drill-db-outage site build release size sqlx-prepare lint bench-reports bench-outages bench-live bench-queue bench-scorecards bench-storm bench-pages \
	cluster cluster-down cluster-test backup restore

setup:
	@scripts/install-tools.sh

## Serves the portal on http://127.0.0.1:3000 with the demo county loaded once.
run: setup site
	@url="$$(scripts/db.sh)"; DATABASE_URL="$$url" scripts/serve.sh

## The same portal as a cluster: PORTAL_CLUSTER_SIZE (2) server processes behind nginx on
## http://127.0.0.1:3000 (PORTAL_CLUSTER_PORT); `make cluster-down` stops what it started.
cluster: setup site
	@scripts/cluster.sh up

cluster-down:
	@scripts/cluster.sh down

## Unit tests, integration tests against PostgreSQL, browser tests in headless Chromium on the
## release build, served as `make run` serves it, then the database-outage drill, then the
## cluster and backup test.
test: setup unit e2e drill-db-outage cluster-test

# cargo-leptos builds debug with this flag; the tests use it too so both share one build.
unit:
	scripts/import-circles.py
	url="$$(scripts/db.sh test)"; DATABASE_URL="$$url" RUSTFLAGS="--cfg erase_components" cargo test --workspace --no-fail-fast

e2e: site
	scripts/e2e.sh

## Two server processes behind nginx (scripts/cluster.sh) on a fresh test database, driven
## through nginx (tests/cluster); then that database backed up, restored and compared.
cluster-test: site
	scripts/cluster-test.sh

## A dump of the portal's database (DATABASE_URL, else the project-local one) in backups/.
backup:
	@scripts/backup.sh

## Restores FILE=backups/….dump into a new database (INTO=name, else a dated one); prints its URL.
restore:
	@scripts/restore.sh "$(FILE)" $(INTO)

## Crashes a PostgreSQL of its own for 10 s under load against the release server; prints what
## was acknowledged, found and lost, and fails if anything acknowledged is missing.
# A debug build of the load generator (it shares the unit tests' build); the server under test
# is the release one.
drill-db-outage: setup site
	RUSTFLAGS="--cfg erase_components" cargo run -p bench --bin drill-db-outage

## The release site users get: server, WASM through wasm-opt, pre-compressed assets.
site:
	cargo leptos build --release
	scripts/precompress.sh

## A debug build for development (no wasm-opt: never what the browser journeys test).
build:
	cargo leptos build

## Prints the release assets' sizes, then each first page's bytes by type and Lighthouse's
## mobile figures (sign-in, customer home, report form, ticket, outage look-up): figures, not tests.
release size: setup site
	scripts/size.sh

## Prints fault reports per second through HTTP against raw PostgreSQL inserts (a figure, not a test).
bench-reports: setup
	url="$$(scripts/db.sh test)"; DATABASE_URL="$$url" cargo run --release -p bench --bin bench-reports

## Prints requests per second and latency of a household's home and the outage look-up,
## rendered on the server over 1,000,000 customers, against a bare Leptos page in the same run.
bench-pages: setup
	url="$$(scripts/db.sh test)"; DATABASE_URL="$$url" cargo run --release -p bench --bin bench-pages

## Prints the outage look-up and customer-home query times at 10,000 and 1,000,000 customers.
bench-outages: setup
	url="$$(scripts/db.sh test)"; DATABASE_URL="$$url" cargo run --release -p bench --bin bench-outages

## Prints the queries each case change costs and how fast it reaches open pages, with 10 and 1,000 live streams.
bench-live: setup
	url="$$(scripts/db.sh test)"; DATABASE_URL="$$url" cargo run --release -p bench --bin bench-live

## Prints how long the supervisor's and a manager's queue take with 1,000 and 20,000 open tickets.
bench-queue: setup
	url="$$(scripts/db.sh test)"; DATABASE_URL="$$url" cargo run --release -p bench --bin bench-queue

## Prints the supervisors' quarter scorecard and the "my manager" card times at 20 and 200 managers
## (100,000 and 1,000,000 customers, five years of history: over 10,000,000 rows at the larger size).
bench-scorecards: setup
	url="$$(scripts/db.sh test)"; DATABASE_URL="$$url" cargo run --release -p bench --bin bench-scorecards

## Plays a storm against the running portal (`make cluster` or `make run` first; PORTAL_URL, default
## http://127.0.0.1:3000) and the database it serves: 5,000 households, 2,000 open ticket pages,
## 300 reports a minute, managers linking and restoring, 50 look-ups a second, for 5 minutes
## (STORM_MINUTES). Its own households are added to that database and removed afterwards.
bench-storm: setup
	url="$$(scripts/db.sh)"; DATABASE_URL="$$url" cargo run --release -p bench --bin bench-storm

## Refreshes .sqlx/ after a query or migration changes (needs the local database).
sqlx-prepare:
	scripts/sqlx-prepare.sh

lint:
	scripts/import-circles.py
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
