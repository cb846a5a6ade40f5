#!/usr/bin/env bash
# Tears down what k8s/up.sh made.
# Usage: k8s/down.sh            deletes the whole kind cluster "safelock" (data included)
#        k8s/down.sh --release  only uninstalls the Helm release and its PVCs, keeps the cluster
# Env:   CLUSTER (safelock)  NAMESPACE (safelock)  RELEASE (safelock)
set -euo pipefail

CLUSTER=${CLUSTER:-safelock}
NAMESPACE=${NAMESPACE:-safelock}
RELEASE=${RELEASE:-safelock}

if [ "${1:-}" = "--release" ]; then
  helm uninstall "$RELEASE" --namespace "$NAMESPACE" --wait || true
  # StatefulSet volumes outlive the release on purpose; here the user asked for a clean slate.
  kubectl -n "$NAMESPACE" delete pvc -l "app.kubernetes.io/instance=$RELEASE" --ignore-not-found
  echo "[down] release $RELEASE removed from namespace $NAMESPACE; cluster $CLUSTER kept"
  exit 0
fi

if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
  kind delete cluster --name "$CLUSTER"
  echo "[down] kind cluster $CLUSTER deleted"
else
  echo "[down] no kind cluster named $CLUSTER"
fi
