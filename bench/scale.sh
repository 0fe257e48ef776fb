#!/usr/bin/env bash
# Issue 14's size check: 100,000 small files and a 2 GiB file backed up through the REST API by the services as
# processes with a given heap; prints a Markdown row (docs/benchmarks.md) and keeps the GC logs.
#   bench/scale.sh [files=100000] [large MiB=2048] [heap=1g]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/system-bench.sh
run_system_bench bench-scale ScaleBenchmark "${1:-100000}" "${2:-2048}" "$PWD/target/bench-scale" "${3:-1g}"
