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
. bench/system-bench.sh
run_system_bench bench-repository RepositoryBenchmark "${1:-400}" "${2:-64}" "$PWD/target/bench-repository"
