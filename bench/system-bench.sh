# Sourced by the benchmarks that run the four services as processes (repository.sh, scale.sh):
#   run_system_bench <work folder name> <main class> [args...]   (BENCH_JAVA_OPTS: more options of the benchmark's JVM)
# Builds the jars (unless SKIP_BUILD=1) and the system tests' classpath, starts afresh in target/<work folder>
# (kept after the run, service logs in its logs/), and runs the main class with the services' jars.
run_system_bench() {
  local name="$1" main="$2"; shift 2
  [ "${SKIP_BUILD:-0}" = 1 ] || ./mvnw -q -B -ntp -DskipTests install
  ./mvnw -q -B -ntp -pl system-tests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
  work="$PWD/target/$name"
  rm -rf "$work"; mkdir -p "$work"
  local v=0.1.0-SNAPSHOT jars=() m
  for m in backup-orchestrator catalog-service fs-agent msdb-agent; do jars+=("-Dssisbackup.jar.$m=$PWD/$m/target/$m-$v-exec.jar"); done
  java -Xmx1g "${jars[@]}" ${BENCH_PROFILE:+-Dbench.profile=1} ${BENCH_JAVA_OPTS:-} -Dssisbackup.logs="$work/logs" -Dlogback.configurationFile=bench/logback.xml \
    -cp "system-tests/target/test-classes:$(cat system-tests/target/bench.classpath)" \
    "org.ssisbackup.systemtests.$main" "$@"
}
