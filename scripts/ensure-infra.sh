#!/usr/bin/env bash
# Makes sure the servers the tests and the demo need are installed and running on loopback:
#   redis-server binary (the tests and the demo start their own Redis nodes) and openssl (the TLS
#   tests make a throw-away CA and certificates with it),
#   Redis on 127.0.0.1:6379, PostgreSQL on 127.0.0.1:5432, RabbitMQ on 127.0.0.1:5672,
#   promtool (checks and unit-tests the Prometheus alert rules of the Helm chart),
#   prometheus (the server binary: `scripts/demo.sh up --monitoring` and the demo's monitoring test run it
#   themselves with their own configuration and data directory; Debian's system service is kept off),
#   clock (a C compiler: the chaos suite builds its small clock-shifting library, chaos/src/main/c/clockshift.c,
#   to move a lock node's wall clock; Debian's libfaketime does not start under the jemalloc-linked
#   redis-server), netns (ip + tc of iproute2 and iptables: the chaos suite's network namespaces,
#   partitions, packet loss and the delaying proxy's redirects),
#   pgbench and pg_test_fsync (scripts/load.sh, and the load module's test of how it reads pgbench's
#   log), Node.js (scripts/load.sh only), fonts (fontconfig and DejaVu for
#   scripts/monitoring-picture.sh, which draws text with Java2D).
# Starts what is installed but stopped; installs what is missing with apt-get when run as root;
# otherwise says exactly what to install. Leaves servers that are already running alone.
# Usage: scripts/ensure-infra.sh [redis-binary] [redis] [postgres] [rabbitmq] [promtool] [prometheus] [clock] [netns] [pgbench] [node] [fonts]
#   (default: all but node and fonts)
set -euo pipefail

want=("$@")
[ ${#want[@]} -eq 0 ] && want=(redis-binary redis postgres rabbitmq promtool prometheus clock netns pgbench)

log() { printf '[infra] %s\n' "$*"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  local port=$1 what=$2 i
  for i in $(seq 1 120); do port_open "$port" && return 0; sleep 0.5; done
  echo "error: $what did not start listening on 127.0.0.1:$port" >&2; return 1
}

apt_updated=0
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: $* missing and not root. Install it: sudo apt-get install -y $*" >&2
    exit 1
  fi
  if [ $apt_updated -eq 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  log "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_redis_binary() {
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  command -v openssl >/dev/null 2>&1 || apt_install openssl
  # Debian starts a system Redis on install; that is fine, we only need the binary and a server on 6379.
}

ensure_redis() {
  ensure_redis_binary
  if port_open 6379; then return 0; fi
  log "starting Redis on 127.0.0.1:6379"
  mkdir -p /tmp/safelock-redis-6379
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp/safelock-redis-6379 --logfile /tmp/safelock-redis-6379/redis.log
  wait_port 6379 Redis
}

ensure_postgres() {
  if port_open 5432; then return 0; fi
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt_install postgresql
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -1)
  log "starting PostgreSQL $version"
  if [ "$(id -u)" -eq 0 ]; then
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  else
    echo "error: PostgreSQL is not running on 127.0.0.1:5432; start it: sudo pg_ctlcluster $version main start" >&2; exit 1
  fi
  wait_port 5432 PostgreSQL
  # A fresh Debian install asks for passwords on TCP: give the postgres role the one the services use.
  su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null 2>&1 || true
}

ensure_rabbitmq() {
  if port_open 5672; then return 0; fi
  command -v rabbitmq-server >/dev/null 2>&1 || apt_install rabbitmq-server
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: RabbitMQ is not running on 127.0.0.1:5672; start it: sudo rabbitmq-server -detached" >&2; exit 1
  fi
  log "starting RabbitMQ"
  rabbitmq-server -detached >/dev/null 2>&1 || true
  wait_port 5672 RabbitMQ
  rabbitmqctl await_startup >/dev/null 2>&1 || true
}

ensure_pgbench() {
  # the load benchmark measures PostgreSQL's own limit with pgbench and the disk's with pg_test_fsync
  command -v pgbench >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/pg_test_fsync >/dev/null 2>&1 && return 0
  apt_install postgresql-client postgresql-contrib
}

ensure_node() {
  # the load benchmark's naive reference runs on Node.js, its packages come from npm
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return 0
  apt_install nodejs npm
}

ensure_promtool() {
  command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 && return 0
  # Debian ships promtool only inside the server package; its recommended node exporter is not needed.
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: promtool/prometheus missing and not root. Install it: sudo apt-get install -y --no-install-recommends prometheus" >&2
    exit 1
  fi
  apt_install --no-install-recommends prometheus
  # The demo and its test run the server binary themselves (own config, data dir, PID): keep the packaged
  # service from running on machines with systemd.
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
}

ensure_clock() {
  command -v cc >/dev/null 2>&1 && [ -e /usr/include/dlfcn.h ] || apt_install gcc libc6-dev
}

ensure_fonts() {
  command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list 2>/dev/null | head -1)" ] || apt_install fontconfig fonts-dejavu-core
}

ensure_netns() {
  # Without root there are no namespaces: the chaos suite says so and runs process faults only.
  [ "$(id -u)" -ne 0 ] && return 0
  command -v ip >/dev/null 2>&1 && command -v tc >/dev/null 2>&1 || apt_install iproute2
  command -v iptables >/dev/null 2>&1 || apt_install iptables
}

for w in "${want[@]}"; do
  case "$w" in
    redis-binary) ensure_redis_binary ;;
    redis) ensure_redis ;;
    postgres) ensure_postgres ;;
    rabbitmq) ensure_rabbitmq ;;
    promtool|prometheus) ensure_promtool ;;   # one Debian package holds both
    clock|faketime) ensure_clock ;;
    netns) ensure_netns ;;
    pgbench) ensure_pgbench ;;
    node) ensure_node ;;
    fonts) ensure_fonts ;;
    *) echo "unknown: $w" >&2; exit 2 ;;
  esac
done
log "ready: ${want[*]}"
