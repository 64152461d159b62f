# The MOLISA data portal. The two commands:
#   make run    bring up the whole portal with demo data at http://127.0.0.1:5000
#   make test   run the test suite against real PostgreSQL, Solr and Redis
# and a third:
#   make cluster  the portal as a small cluster on loopback: SolrCloud
#                 (ZooKeeper + 2 Solr nodes), a PostgreSQL streaming replica,
#                 two web nodes behind nginx (docker/README.md)
.PHONY: run test cluster requirements stop status install services bench bench-audit bench-sharing bench-harvest bench-quality i18n clean

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

cluster:
	@bash scripts/cluster.sh start

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
