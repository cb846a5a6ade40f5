#!/usr/bin/env bash
# Fault-injection run over the whole system on this machine: 5 redis-server lock nodes, 2 inventory and
# 2 counter replicas (packaged jars), the suite's own PostgreSQL, RabbitMQ and counter Redis; with root,
# every lock node and replica in its own network namespace on a private bridge (10.213.77.0/24, no uplink).
# A seeded nemesis runs the fault schedules while clients buy and increment; each schedule's history is
# checked and a table printed. Stops everything it started, by PID, and removes its namespaces.
#
# Usage: scripts/chaos.sh [--quick] [--seed N] [--schedule NAME,...] [--markdown FILE] [--no-namespaces] [--skip-build]
#   full run: a few minutes; --quick: three schedules, under a minute after start-up
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/java.sh

skip_build=0
args=()
for arg in "$@"; do
  if [ "$arg" = --skip-build ]; then skip_build=1; else args+=("$arg"); fi
done

scripts/ensure-infra.sh redis-binary postgres rabbitmq clock netns
if [ $skip_build -eq 0 ]; then
  echo "[chaos] building the services and the suite (./mvnw package -DskipTests)"
  ./mvnw -B -q -ntp -DskipTests package -pl chaos -am
fi
# The suite needs only a JDK, the classes of these modules (lock-test-support: RabbitMqServer, ServiceProcess,
# Processes, FreePorts) and the demo's runtime libraries (Jackson, copied to demo/target/lib by the build); the
# services run from their packaged jars.
exec java -Xmx512m -Dsafelock.root="$PWD" -cp "chaos/target/classes:demo/target/classes:demo/target/lib/*:lock-test-support/target/classes" \
  io.safelock.chaos.ChaosMain ${args[@]+"${args[@]}"}
