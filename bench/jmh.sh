#!/usr/bin/env bash
# Runs the JMH benchmarks of bench/ (default: all; pass a regex and JMH options to narrow).
#   bench/jmh.sh                         # everything, 1 fork, 1 thread
#   bench/jmh.sh ParseBenchmark -prof gc # allocation per op too
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
./sipfleet version >/dev/null # finds a JDK >= 21 and builds the CLI if needed
java_home=$(./sipfleet --print-java-home 2>/dev/null || true)
[ -n "$java_home" ] || java_home=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA_HOME=$java_home mvn -B -q -DskipTests package -pl bench -am
exec "$java_home/bin/java" --enable-native-access=ALL-UNNAMED -cp "bench/target/sipfleet-bench.jar:bench/target/lib/*" \
  org.openjdk.jmh.Main -t 1 "${@:-ParseBenchmark}"
