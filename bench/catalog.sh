#!/usr/bin/env bash
# The catalog benchmark: HOSTS x POINTS x ARTIFACTS loaded into the catalog's schema on an embedded PostgreSQL, the REST
# queries timed (p50/p99) and retention passes. Needs ~30 GiB of free disk for the default size.
# Usage: bench/catalog.sh [hosts] [points] [artifacts]   (default 10000 100 50). Results: catalog-service/target/catalog-benchmark.md
# BENCH_DATA_DIR=/path keeps the loaded database there, and a later run with the same sizes skips the load.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -DskipTests install -pl catalog-service -am
./mvnw -q -B -ntp -pl catalog-service verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=CatalogBenchmark -Dbench.hosts="${1:-10000}" -Dbench.points="${2:-100}" -Dbench.artifacts="${3:-50}" \
    ${BENCH_DATA_DIR:+-Dbench.data-dir="$BENCH_DATA_DIR"} -DargLine="-Xmx2g" >/dev/null
cat catalog-service/target/catalog-benchmark.md
