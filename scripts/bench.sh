#!/usr/bin/env bash
# Benchmarks this library against Redisson, and both against the floor (the same scripts sent bare), on
# redis-server processes it starts itself; prints a table per run, three runs in a row.
# Usage: scripts/bench.sh [--quick] [--runs N] [--markdown FILE] [--only REGEX]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/java.sh
scripts/ensure-infra.sh redis-binary
# package in the reactor (never install: ~/.m2 may be shared); the package phase writes benchmarks/target/classpath.txt
./mvnw -B -q -ntp -pl benchmarks -am package -DskipTests
exec java -Xmx512m -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" io.safelock.bench.BenchMain "$@"
