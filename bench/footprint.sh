#!/usr/bin/env bash
# The agents' footprint: resident memory and CPU of each agent idle, at the peak of a backup and of a restore of a
# generated host, with the JVM options of their service definitions (system-tests/.../FootprintBenchmark.java).
#   bench/footprint.sh [packages=2000] [large MiB=256] [settle s=120] [window s=60]
# FOOTPRINT_NMT=1 also leaves each agent's native memory summary (jcmd VM.native_memory) in target/bench-footprint.
# Linux only (reads /proc). Prints a Markdown table (docs/operations.md, "Footprint").
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/system-bench.sh
# As the agents' service wrappers run them (glibc's malloc arenas otherwise grow with the threads).
export MALLOC_ARENA_MAX=2
BENCH_JAVA_OPTS="-Dfootprint.jvmOptions=$PWD/agent-runtime/src/dist/jvm.options ${FOOTPRINT_NMT:+-Dfootprint.nmt=1}"
run_system_bench bench-footprint FootprintBenchmark "${1:-2000}" "${2:-256}" "${3:-120}" "${4:-60}" "$PWD/target/bench-footprint"
