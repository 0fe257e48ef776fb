#!/usr/bin/env bash
# fs-agent benchmark against rclone and restic on the same generated host and the same local s3proxy.
#   bench/fs-backup.sh [packages=300] [large files=2] [large MiB=500]
# Installs rclone and restic from Debian when missing, builds the test classes, runs
# org.ssisbackup.fsagent.bench.FsBackupBenchmark and prints a Markdown table (copy it into docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in rclone restic; do
  command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$tool" >/dev/null; }
done
[ "${SKIP_BUILD:-0}" = 1 ] || ./mvnw -q -B -ntp -DskipTests install
./mvnw -q -B -ntp -pl fs-agent test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
java -Xmx1g -Dlogback.configurationFile=bench/logback.xml -cp "fs-agent/target/test-classes:fs-agent/target/classes:$(cat fs-agent/target/bench.classpath)" \
  org.ssisbackup.fsagent.bench.FsBackupBenchmark "${1:-300}" "${2:-2}" "${3:-500}" "$work"
