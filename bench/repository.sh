#!/usr/bin/env bash
# Repository format 2 against restic and rclone, end to end through the REST API, on one generated SSIS host and one
# s3proxy (see system-tests/src/test/java/org/ssisbackup/systemtests/RepositoryBenchmark.java).
#   bench/repository.sh [packages=400] [large MiB=64]
# BENCH_PROFILE=1 leaves a flight recording of each service in target/bench-repository.
# Installs restic and rclone from Debian when missing, builds the jars, prints a Markdown table (docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in rclone restic; do
  command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$tool" >/dev/null; }
done
[ "${SKIP_BUILD:-0}" = 1 ] || ./mvnw -q -B -ntp -DskipTests install
./mvnw -q -B -ntp -pl system-tests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
# Kept after the run (service logs in $work/logs); the next run starts it afresh.
work="$PWD/target/bench-repository"
rm -rf "$work"; mkdir -p "$work"
v=0.1.0-SNAPSHOT
jars=()
for m in backup-orchestrator catalog-service fs-agent msdb-agent; do jars+=("-Dssisbackup.jar.$m=$PWD/$m/target/$m-$v-exec.jar"); done
java -Xmx1g "${jars[@]}" ${BENCH_PROFILE:+-Dbench.profile=1} -Dssisbackup.logs="$work/logs" -Dlogback.configurationFile=bench/logback.xml \
  -cp "system-tests/target/test-classes:$(cat system-tests/target/bench.classpath)" \
  org.ssisbackup.systemtests.RepositoryBenchmark "${1:-400}" "${2:-64}" "$work"
