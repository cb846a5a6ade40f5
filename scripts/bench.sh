#!/usr/bin/env bash
# Benchmarks this library against Redisson on redis-server processes it starts itself; prints a table.
# Usage: scripts/bench.sh [--quick] [--markdown FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/java.sh
scripts/ensure-infra.sh redis-binary
./mvnw -B -q -ntp -pl benchmarks -am install -DskipTests
./mvnw -B -q -ntp -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
exec java -Xmx512m -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" io.safelock.bench.BenchMain "$@"
