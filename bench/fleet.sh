#!/usr/bin/env bash
# The orchestrator's fleet benchmark: one fleet-wide backup of N simulated hosts (two agents each) on one embedded
# broker and embedded PostgreSQL, under a fleet-wide limit of all hosts and under the default 200.
# Usage: bench/fleet.sh [hosts]   (default 1000). Results: backup-orchestrator/target/fleet-benchmark.md
set -euo pipefail
cd "$(dirname "$0")/.."
hosts="${1:-1000}"
rm -f backup-orchestrator/target/fleet-benchmark.md
./mvnw -q -B -ntp -DskipTests install -pl backup-orchestrator -am
for limit in "$hosts" 200; do
  ./mvnw -q -B -ntp -pl backup-orchestrator verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
      -Dit.test=FleetBenchmark -Dfleet.hosts="$hosts" -Dfleet.limit="$limit" >/dev/null
done
echo "| hosts | agents | fleet-wide limit | heartbeats registered (s) | request (s) | all dispatched (s) | job closed (s) | heap MiB after GC before / peak / after GC |"
echo "|---|---|---|---|---|---|---|---|"
cat backup-orchestrator/target/fleet-benchmark.md
