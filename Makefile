# The MOLISA data portal. The two commands:
#   make run    bring up the whole portal with demo data at http://127.0.0.1:5000
#   make test   run the test suite against real PostgreSQL, Solr and Redis
.PHONY: run test requirements stop status install services bench bench-audit bench-sharing bench-harvest bench-quality i18n clean

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

# Each requirement of the regulation, the tests that prove it and their
# result in the last run; then the requirements no test proves yet.
requirements:
	@bash scripts/requirements.sh

stop:
	@bash scripts/stop.sh

status:
	@bash scripts/services.sh status

install:
	@bash scripts/install.sh

services:
	@bash scripts/services.sh start

bench:
	@bash scripts/bench.sh search

bench-audit:
	@bash scripts/bench.sh audit

bench-sharing:
	@bash scripts/bench.sh sharing

bench-harvest:
	@bash scripts/bench.sh harvest

bench-quality:
	@bash scripts/bench.sh quality

i18n:
	@bash scripts/i18n.sh

# Removes every local service's data (databases, Solr cores, file store).
clean: stop
	rm -rf .local
