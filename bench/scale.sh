#!/usr/bin/env bash
# Issue 14's size check: 100,000 small files and a 2 GiB file backed up through the REST API by the services as
# processes with a given heap; prints a Markdown row (docs/benchmarks.md) and keeps the GC logs.
#   bench/scale.sh [files=100000] [large MiB=2048] [heap=1g]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_BUILD:-0}" = 1 ] || ./mvnw -q -B -ntp -DskipTests install
./mvnw -q -B -ntp -pl system-tests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
work="$PWD/target/bench-scale"
rm -rf "$work"; mkdir -p "$work"
v=0.1.0-SNAPSHOT
jars=()
for m in backup-orchestrator catalog-service fs-agent msdb-agent; do jars+=("-Dssisbackup.jar.$m=$PWD/$m/target/$m-$v-exec.jar"); done
java -Xmx1g "${jars[@]}" -Dssisbackup.logs="$work/logs" -Dlogback.configurationFile=bench/logback.xml \
  -cp "system-tests/target/test-classes:$(cat system-tests/target/bench.classpath)" \
  org.ssisbackup.systemtests.ScaleBenchmark "${1:-100000}" "${2:-2048}" "$work" "${3:-1g}"
