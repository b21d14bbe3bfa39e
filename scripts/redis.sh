#!/usr/bin/env bash
# A private Redis for the tests and benchmarks: Debian's redis-server on a loopback port, with its
# data in a directory of its own, so nothing touches a Redis the machine may already run.
#
#   scripts/redis.sh install                       install redis-server with apt-get when missing
#   scripts/redis.sh start <port> <dir> [<pid>]     start on 127.0.0.1:<port>, data and log in <dir>;
#                                                  with <pid>, it also stops once that process is gone
#   scripts/redis.sh stop <dir>                    stop the server started in <dir> (data kept)
#   scripts/redis.sh kill <dir>                    kill -9 it (for fault benchmarks; data kept)
#
# The server runs with an append-only file fsynced on every write (appendfsync always), so an
# acknowledged event survives a Redis crash, and with `noeviction`, which BullMQ requires.
set -euo pipefail

# shellcheck source=lib/apt-install.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt-install.sh"

die() {
  echo "redis.sh: $*" >&2
  exit 1
}

redis_bin() {
  command -v redis-server || { [ -x /usr/bin/redis-server ] && echo /usr/bin/redis-server; } || true
}

install_redis() {
  apt_install_once redis-server redis_bin --no-service-start
}

cli() {
  local port=$1
  shift
  redis-cli -h 127.0.0.1 -p "$port" "$@"
}

start_redis() {
  local port=${1:?usage: redis.sh start <port> <dir> [<owner pid>]} dir=${2:?usage: redis.sh start <port> <dir> [<owner pid>]} owner=${3:-}
  [[ "$port" =~ ^[0-9]+$ ]] || die "the port must be a number, got \"$port\""
  install_redis
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  echo "$port" >"$dir/port"
  "$(redis_bin)" --port "$port" --bind 127.0.0.1 --protected-mode yes --daemonize yes \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --appendonly yes --appendfsync always --save "" --maxmemory-policy noeviction \
    || die "redis-server did not start; see $dir/redis.log"
  local answer=""
  for _ in $(seq 1 200); do
    answer=$(cli "$port" ping 2>/dev/null || true)
    # After a restart the server answers LOADING until it has read its append-only file.
    [ "$answer" = "PONG" ] && break
    sleep 0.05
  done
  [ "$answer" = "PONG" ] || die "redis-server did not start on port $port; see $dir/redis.log"
  if [ -n "$owner" ]; then
    # Stops the server when the process that asked for it is gone, even after a kill -9.
    local pid
    pid=$(cat "$dir/redis.pid")
    nohup bash -c "while kill -0 $owner 2>/dev/null && kill -0 $pid 2>/dev/null; do sleep 1; done; kill $pid 2>/dev/null || true" >/dev/null 2>&1 &
  fi
  echo "redis://127.0.0.1:$port"
}

server_pid() {
  local dir=${1:?usage: redis.sh stop|kill <dir>}
  [ -s "$dir/redis.pid" ] && cat "$dir/redis.pid"
}

wait_gone() {
  local pid=$1
  for _ in $(seq 1 200); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
  die "redis-server (pid $pid) did not stop"
}

stop_redis() {
  local pid
  pid=$(server_pid "$1") || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  wait_gone "$pid"
}

kill_redis() {
  local pid
  pid=$(server_pid "$1") || return 0
  kill -KILL "$pid" 2>/dev/null || return 0
  wait_gone "$pid"
  rm -f "$1/redis.pid"
}

case "${1:-}" in
  install) install_redis ;;
  start) start_redis "${@:2}" ;;
  stop) stop_redis "${2:-}" ;;
  kill) kill_redis "${2:-}" ;;
  *) die "usage: redis.sh install | start <port> <dir> [<owner pid>] | stop <dir> | kill <dir>" ;;
esac
