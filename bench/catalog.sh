#!/usr/bin/env bash
# The catalog benchmark: HOSTS x POINTS x ARTIFACTS loaded into the catalog's schema on an embedded PostgreSQL, the REST
# queries timed (p50/p99) and retention passes. Needs ~30 GiB of free disk for the default size.
# Usage: bench/catalog.sh [hosts] [points] [artifacts]   (default 10000 100 50). Results: catalog-service/target/catalog-benchmark.md
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -DskipTests install -pl catalog-service -am
./mvnw -q -B -ntp -pl catalog-service verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=CatalogBenchmark -Dbench.hosts="${1:-10000}" -Dbench.points="${2:-100}" -Dbench.artifacts="${3:-50}" \
    -DargLine="-Xmx2g" >/dev/null
cat catalog-service/target/catalog-benchmark.md
