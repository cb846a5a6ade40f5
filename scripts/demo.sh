#!/usr/bin/env bash
# The whole story on this machine, no Kubernetes: makes sure PostgreSQL, RabbitMQ, Redis :6379 and the
# redis-server binary are there (scripts/ensure-infra.sh), builds the services, starts five redis-server
# lock nodes (:7001-:7005), two inventory-service replicas (:3000, :3001) and two counter-service replicas
# (:3100, :3101) as separate JVMs, runs the story across them and prints a report. Everything stays
# running; `scripts/demo.sh stop` stops exactly what it started (PIDs in .demo/pids). With --monitoring it also
# starts Prometheus on 127.0.0.1:9090 (the chart's alert rules, every replica scraped) and, if installed, Grafana.
#
# Usage: scripts/demo.sh [run|up|story|status|stop|kill-node PORT|start-node PORT|help] [options]
#        scripts/demo.sh --inventory-replicas 3 --counter-replicas 2      (see `scripts/demo.sh help`)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/java.sh

demo_classes=demo/target/classes
# the demo's classes, its one library (Jackson, copied to demo/target/lib by the build) and lock-test-support's
# classes (how replicas and servers are started: ServiceProcess, Processes)
demo_classpath="$demo_classes:demo/target/lib/*:lock-test-support/target/classes"
demo() { java -cp "$demo_classpath" io.safelock.demo.DemoMain "$@"; }
build_demo_classes() {
  [ -f "$demo_classes/io/safelock/demo/DemoMain.class" ] && compgen -G "demo/target/lib/jackson-databind-*.jar" >/dev/null \
    && [ -f lock-test-support/target/classes/io/safelock/testsupport/ServiceProcess.class ] \
    || ./mvnw -B -q -ntp -pl demo -am -DskipTests compile
}

command=run
if [ $# -gt 0 ] && [[ "$1" != --* ]]; then command=$1; shift; fi

skip_build=0
infra=(redis-binary redis postgres rabbitmq)
args=()
for arg in "$@"; do
  if [ "$arg" = --skip-build ]; then skip_build=1; else args+=("$arg"); fi
  if [ "$arg" = --monitoring ]; then infra+=(prometheus); fi
done

case "$command" in
  run|up)
    scripts/ensure-infra.sh "${infra[@]}"
    if [ $skip_build -eq 0 ]; then
      if [ -f "$demo_classes/io/safelock/demo/DemoMain.class" ]; then
        demo check ${args[@]+"${args[@]}"}   # a mistyped option fails here, before anything is stopped or built
        # Replicas of an earlier run would have their jars rebuilt under them: stop them first (lock nodes stay).
        demo stop-replicas
      fi
      echo "[demo] building inventory-service, counter-service and the demo runner (./mvnw package -DskipTests)"
      ./mvnw -B -q -ntp -DskipTests package -pl inventory-service,counter-service,demo -am
    fi
    build_demo_classes
    exec java -cp "$demo_classpath" io.safelock.demo.DemoMain "$command" ${args[@]+"${args[@]}"}
    ;;
  story|status|stop|stop-replicas|kill-node|start-node|help|-h|--help)
    build_demo_classes
    exec java -cp "$demo_classpath" io.safelock.demo.DemoMain "$command" ${args[@]+"${args[@]}"}
    ;;
  *)
    echo "error: unknown command '$command'" >&2
    build_demo_classes
    demo help >&2
    exit 2
    ;;
esac
