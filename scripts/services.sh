#!/usr/bin/env bash
# Starts MariaDB and Redis on 127.0.0.1 in a temporary directory, without systemd.
#   scripts/services.sh start   prints the export lines for MYSQL_URL, REDIS_URL and SERVICES_DIR
#   scripts/services.sh stop    stops what `start` started (reads SERVICES_DIR)
# Ports: MARIADB_PORT (default 3307) and REDIS_PORT (default 6390).
set -euo pipefail

command_name=${1:-}
mariadb_port=${MARIADB_PORT:-3307}
redis_port=${REDIS_PORT:-6390}

install_packages() {
  local missing=()
  command -v mariadbd >/dev/null 2>&1 || missing+=(mariadb-server)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} from Debian packages" >&2
    local as_root=()
    [ "$(id -u)" -eq 0 ] || as_root=(sudo)
    "${as_root[@]}" apt-get update -qq >&2
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
}

start() {
  install_packages
  local directory
  directory=$(mktemp -d /tmp/loyalty-services.XXXXXX)
  mariadb-install-db --datadir="$directory/data" --user=root --auth-root-authentication-method=normal --skip-test-db >"$directory/install.log" 2>&1
  mariadbd --datadir="$directory/data" --socket="$directory/sock" --port="$mariadb_port" --bind-address=127.0.0.1 \
    --user=root --pid-file="$directory/mariadb.pid" --skip-log-bin --innodb-flush-log-at-trx-commit=2 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci >"$directory/mariadb.log" 2>&1 &
  for _ in $(seq 1 100); do
    if mariadb -uroot --socket="$directory/sock" -e "select 1" >/dev/null 2>&1; then break; fi
    sleep 0.2
  done
  mariadb -uroot --socket="$directory/sock" -e "select 1" >/dev/null || { cat "$directory/mariadb.log" >&2; exit 1; }
  mariadb -uroot --socket="$directory/sock" -e "CREATE DATABASE IF NOT EXISTS loyalty CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    CREATE USER IF NOT EXISTS 'loyalty'@'127.0.0.1' IDENTIFIED BY 'loyalty';
    GRANT ALL ON *.* TO 'loyalty'@'127.0.0.1';"
  redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
    --pidfile "$directory/redis.pid" --logfile "$directory/redis.log" >&2
  echo "export SERVICES_DIR=$directory"
  echo "export MYSQL_URL=mysql://loyalty:loyalty@127.0.0.1:$mariadb_port/loyalty"
  echo "export REDIS_URL=redis://127.0.0.1:$redis_port"
}

stop() {
  local directory=${SERVICES_DIR:?SERVICES_DIR is not set: run stop with the variables start printed}
  for pid_file in "$directory/mariadb.pid" "$directory/redis.pid"; do
    if [ -f "$pid_file" ]; then kill "$(cat "$pid_file")" 2>/dev/null || true; fi
  done
  for _ in $(seq 1 50); do
    [ -f "$directory/mariadb.pid" ] && kill -0 "$(cat "$directory/mariadb.pid")" 2>/dev/null || break
    sleep 0.2
  done
  rm -rf "$directory"
}

case "$command_name" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: scripts/services.sh start|stop" >&2; exit 2 ;;
esac
