#!/usr/bin/env bash
# Draws the key panels of the chart's dashboard (lock wait p50/p99, contention, purchases by strategy and
# outcome, quorum failures, leases lost, stale writes refused by the fence) from the demo's real Prometheus
# over the last `scripts/demo.sh story`, with the story's steps marked, into one PNG (JFreeChart).
#
#   scripts/demo.sh up --monitoring && scripts/demo.sh story && scripts/monitoring-picture.sh
#
# Usage: scripts/monitoring-picture.sh [--out FILE.png] [--prometheus URL] [--scrape-interval SECONDS]
#        default: docs/monitoring-story.png, the Prometheus recorded in .demo/, 2 s (the demo's scrape interval)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/java.sh
scripts/ensure-infra.sh fonts

lib=demo/target/picture-lib
if ! ls "$lib"/jfreechart-*.jar >/dev/null 2>&1 || [ ! -f demo/target/classes/io/safelock/demo/monitoring/PanelPicture.class ]; then
  ./mvnw -B -q -ntp -pl demo -am compile   # compiles the demo and copies JFreeChart to demo/target/picture-lib
fi
exec java -Djava.awt.headless=true -cp "demo/target/classes:demo/target/lib/*:$lib/*" io.safelock.demo.monitoring.PanelPicture "$@"
