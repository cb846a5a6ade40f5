#!/usr/bin/env bash
# One command from source to a running system on kind:
#   1. creates the kind cluster "safelock" (k8s/kind-config.yaml) unless it exists,
#   2. builds both services (./mvnw package) and their JVM images (or native ones with NATIVE=1),
#   3. loads the images into the kind nodes (no registry needed),
#   4. installs or upgrades the Helm release and waits until every pod is ready.
# Needs: docker (or podman as "docker"), kind, kubectl, helm 3.
# Usage: k8s/up.sh [extra helm args]          e.g. k8s/up.sh --set inventory.replicaCount=3
# Env:   CLUSTER (safelock)  NAMESPACE (safelock)  RELEASE (safelock)  NATIVE (0)  SKIP_BUILD (0)
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER=${CLUSTER:-safelock}
NAMESPACE=${NAMESPACE:-safelock}
RELEASE=${RELEASE:-safelock}
NATIVE=${NATIVE:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
VERSION=1.0.0
SERVICES=(inventory-service counter-service)

log() { printf '[up] %s\n' "$*"; }
need() {
  command -v "$1" >/dev/null 2>&1 || { echo "error: $1 is not installed. $2" >&2; exit 1; }
}
need docker "Install Docker (or podman with a docker alias): https://docs.docker.com/get-docker/"
need kind "Install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
need kubectl "Install kubectl: https://kubernetes.io/docs/tasks/tools/"
need helm "Install Helm 3: https://helm.sh/docs/intro/install/"
docker info >/dev/null 2>&1 || { echo "error: docker is installed but its engine is not reachable (is it running?)" >&2; exit 1; }

if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
  log "kind cluster $CLUSTER exists"
else
  log "creating kind cluster $CLUSTER"
  kind create cluster --name "$CLUSTER" --config k8s/kind-config.yaml --wait 120s
fi
kubectl config use-context "kind-$CLUSTER" >/dev/null

if [ "$SKIP_BUILD" != 1 ]; then
  source scripts/lib/java.sh
  modules=$(IFS=,; echo "${SERVICES[*]}")
  if [ "$NATIVE" = 1 ]; then
    # Dockerfile.native compiles inside the Mandrel builder image (from the repository root), so no
    # local GraalVM is needed; several minutes and about 6 GB of memory per service.
    for service in "${SERVICES[@]}"; do
      log "docker build safelock/$service:$VERSION (native)"
      docker build -f "$service/src/main/docker/Dockerfile.native" -t "safelock/$service:$VERSION" .
    done
  else
    log "building the services"
    ./mvnw -B -ntp package -DskipTests -pl "$modules" -am
    for service in "${SERVICES[@]}"; do
      log "docker build safelock/$service:$VERSION (JVM)"
      docker build -f "$service/src/main/docker/Dockerfile.jvm" -t "safelock/$service:$VERSION" "$service"
    done
  fi
fi

# The tag stays 1.0.0 across rebuilds, so the image id goes into a pod annotation: pods roll
# exactly when a rebuilt image differs from the running one, and --wait waits for that rollout.
image_args=()
for service in "${SERVICES[@]}"; do
  log "loading safelock/$service:$VERSION into kind"
  kind load docker-image --name "$CLUSTER" "safelock/$service:$VERSION"
  id=$(docker image inspect --format '{{.Id}}' "safelock/$service:$VERSION")
  key=${service%-service}
  image_args+=(--set-string "$key.podAnnotations.safelock\.io/image-id=${id#sha256:}")
done

log "helm upgrade --install $RELEASE (namespace $NAMESPACE)"
helm upgrade --install "$RELEASE" helm/safelock \
  --namespace "$NAMESPACE" --create-namespace \
  --wait --timeout 10m "${image_args[@]}" "$@"

kubectl -n "$NAMESPACE" get pods -o wide
log "ready. Next steps (port-forward, curl, Grafana):  helm get notes $RELEASE -n $NAMESPACE"
