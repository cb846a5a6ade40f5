#!/usr/bin/env bash
# Regenerates k8s/manifests/safelock.yaml from the chart (default values, release and namespace
# "safelock") with the same embedded helm the tests use, so the result is exactly what they expect.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/java.sh
./mvnw -B -q -ntp -pl deploy-verify verify -Dtest=PlainManifestsTest -Dsafelock.updateManifests=true -Dsurefire.failIfNoSpecifiedTests=false
echo "k8s/manifests/safelock.yaml regenerated"
