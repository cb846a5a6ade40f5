#!/usr/bin/env bash
# HTTP load benchmark of the services: starts five redis-server lock nodes (:7201-:7205) and two replicas
# of each service (:3200-3201, :3300-3301) with the demo's launch code in .load/, measures the physical
# limits (pgbench on the services' own statements, redis-benchmark, the disk's fsync rate), runs every
# scenario with an open-model generator beside the naive Node.js reference (:3400-3401), prints the table
# and the targets, writes an SVG plot, and stops exactly what it started.
# Usage: scripts/load.sh [--skip-build] [--quick] [--connections N] [--markdown FILE] [--svg FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/java.sh
scripts/ensure-infra.sh redis-binary redis postgres rabbitmq pgbench node
(cd load/naive-node && npm ci --no-audit --no-fund --loglevel=error)
if [ "${1:-}" = --skip-build ]; then
  shift   # reuse the jars of the last build
else
  ./mvnw -B -q -ntp -DskipTests package -pl inventory-service,counter-service,demo,load -am
fi
# load/target/classpath.txt (written by the package phase) names demo's jar in the reactor: the classes dir is the same code
exec java -Xmx512m -cp "load/target/classes:$(cat load/target/classpath.txt)" io.safelock.load.LoadMain "$@"
