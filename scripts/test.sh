#!/usr/bin/env bash
# The project's test command: installs/starts what the tests need, then runs every module's tests
# (unit and multi-process integration tests against real redis-server, PostgreSQL and RabbitMQ).
# Extra arguments go to Maven, e.g. scripts/test.sh -pl lock-common
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/java.sh
scripts/ensure-infra.sh
exec ./mvnw -B -ntp verify "$@"
