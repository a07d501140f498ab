#!/usr/bin/env bash
# The portal as a cluster on one machine, the shape of production: PostgreSQL, several server
# processes on loopback ports of their own, nginx in front of them on one address.
#
#   scripts/cluster.sh up        starts what is not running yet (`make cluster`)
#   scripts/cluster.sh down      stops what `up` started and nothing else (`make cluster-down`)
#   scripts/cluster.sh stop N    SIGTERM to app-N; fails if it is still there after 10 s (then killed)
#   scripts/cluster.sh start N   starts app-N again and waits until it is ready
#   scripts/cluster.sh status    what runs, where
#
# Settings, read by `up` (later commands use what `up` recorded in the cluster folder):
#   PORTAL_CLUSTER_DIR       state folder: pids, logs, nginx.conf (default .cluster in the checkout)
#   PORTAL_CLUSTER_SIZE      server processes (default 2)
#   PORTAL_CLUSTER_PORT      nginx's port on 127.0.0.1 (default 3000)
#   PORTAL_CLUSTER_APP_PORT  first server process's port (default 3011; app-2 the next free one...)
#   PORTAL_CLUSTER_METRICS_PORT  first process's Prometheus /metrics port (default 9465; 9464 is make run's)
#   DATABASE_URL             the database (default: the project-local PostgreSQL, scripts/db.sh)
#   PORTAL_SWEEP_SECONDS, RUST_LOG  passed to every process
# A port already taken moves to the next free one, as scripts/db.sh and scripts/e2e.sh do.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dir=$(realpath -m "${PORTAL_CLUSTER_DIR:-.cluster}")
settings=$dir/settings

die() { echo "cluster: $*" >&2; exit 1; }
# A process that has exited but is not yet reaped (a zombie: ours are reparented to PID 1, which
# may take a while) counts as gone.
alive() {
  local stat
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null && stat=$(cat "/proc/$1/stat" 2>/dev/null) && [[ ${stat##*) } != Z* ]]
}
pid_of() { cat "$1" 2>/dev/null || true; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# A pid file names our process only while that pid still runs the program we started (a pid
# can be reused after a crash or a reboot): never signal anything else.
runs() {
  local cmdline
  alive "$1" && cmdline=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) && [[ $cmdline == *"$2"* ]]
}
app_pid() { local p; p=$(pid_of "$dir/app-$1/pid"); if runs "$p" "$root/target/release/server"; then echo "$p"; fi; }
nginx_pid() { local p; p=$(pid_of "$dir/nginx/nginx.pid"); if runs "$p" "$dir/nginx/nginx.conf"; then echo "$p"; fi; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
# pg_ctl refuses to run as root; the project-local server belongs to the postgres user then.
as_pg() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
local_pg_data=$root/.pgdata/data
local_pg_running() { [ -e "$local_pg_data" ] && as_pg "$pgbin/pg_ctl" -D "$(readlink -f "$local_pg_data")" status >/dev/null 2>&1; }

load_settings() {
  [ -f "$settings" ] || die "no cluster recorded in $dir (run scripts/cluster.sh up)"
  # shellcheck source=/dev/null
  source "$settings"
}

anything_running() {
  [ -f "$settings" ] || return 1
  load_settings
  [ -n "$(nginx_pid)" ] && return 0
  local n
  for n in $(seq 1 "$size"); do [ -n "$(app_pid "$n")" ] && return 0; done
  return 1
}

# Starts app-N in a session of its own (so a Ctrl-C in the terminal that ran `make cluster`
# does not reach it), its log and pid in $dir/app-N/.
start_app() {
  local n=$1 port=${app_ports[$(($1 - 1))]} metrics=${metrics_ports[$(($1 - 1))]} out=$dir/app-$1
  if [ -n "$(app_pid "$n")" ]; then return 0; fi
  port_free "$port" || die "port $port for app-$n is taken by another program"
  mkdir -p "$out"
  rm -f "$out/pid"
  # The pid is written by the process itself before it becomes the server (exec keeps the pid).
  env DATABASE_URL="$database_url" LEPTOS_ENV=PROD LEPTOS_SITE_ROOT="$root/target/site" \
    LEPTOS_SITE_ADDR="127.0.0.1:$port" PORTAL_INSTANCE="app-$n" PORTAL_TRUSTED_PROXIES=127.0.0.1 \
    PORTAL_DEMO_DATA=1 PORTAL_DELIVERY_LOG="$out/deliveries.log" PORTAL_METRICS_ADDR="127.0.0.1:$metrics" \
    ${sweep_seconds:+PORTAL_SWEEP_SECONDS=$sweep_seconds} RUST_LOG="${rust_log:-info,sqlx=warn}" \
    setsid bash -c 'echo $$ >"$1"; exec "$2"' _ "$out/pid" "$root/target/release/server" \
    >>"$out/server.log" 2>&1 </dev/null &
  for _ in $(seq 1 50); do [ -s "$out/pid" ] && return 0; sleep 0.1; done
  die "app-$n did not start"
}

# Waits until app-N answers /ready (database reachable, migrations current, live-update
# listener connected): only then may nginx send it traffic.
wait_ready() {
  local n=$1 port=${app_ports[$(($1 - 1))]}
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/ready" 2>/dev/null && return 0
    if ! alive "$(pid_of "$dir/app-$n/pid")"; then
      tail -30 "$dir/app-$n/server.log" >&2
      die "app-$n exited before it was ready (log: $dir/app-$n/server.log)"
    fi
    sleep 0.1
  done
  die "app-$n not ready after 60 s (log: $dir/app-$n/server.log)"
}

# SIGTERM: the process stops accepting, finishes what is in flight, ends its event streams and
# exits, within 10 s by the portal's contract. One that does not is killed, and this fails.
stop_app() {
  local n=$1 pid
  pid=$(app_pid "$n")
  if [ -z "$pid" ]; then rm -f "$dir/app-$n/pid"; return 0; fi
  kill -TERM "$pid"
  for _ in $(seq 1 100); do
    alive "$pid" || { rm -f "$dir/app-$n/pid"; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/app-$n/pid"
  echo "cluster: app-$n (pid $pid) was still running 10 s after SIGTERM: killed" >&2
  return 1
}

write_nginx_conf() {
  local servers="" p user=""
  for p in "${app_ports[@]}"; do servers+="        server 127.0.0.1:$p max_fails=2 fail_timeout=5s;"$'\n'; done
  # Started as root, nginx runs its workers as nobody, who must be able to enter the temp
  # folders (request bodies too big for memory, photos, are spooled there). In a checkout
  # nobody cannot enter (a clone under /root), the workers keep root: they listen on loopback only.
  if [ "$(id -u)" = 0 ] && ! runuser -u nobody -- test -x "$dir/nginx" 2>/dev/null; then user="user root;"; fi
  local conf
  conf=$(<"$root/ops/nginx.conf.template")
  conf=${conf//@USER@/$user}
  conf=${conf//@NGINX_DIR@/$dir/nginx}
  conf=${conf//@LISTEN@/127.0.0.1:$front_port}
  conf=${conf//@UPSTREAMS@/${servers%$'\n'}}
  printf '%s\n' "$conf" >"$dir/nginx/nginx.conf"
}

nginx_cmd() { "$nginx_bin" -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -g "daemon on; pid $dir/nginx/nginx.pid;" "$@"; }

start_nginx() {
  mkdir -p "$dir/nginx/temp"
  write_nginx_conf
  nginx_cmd -t -q || die "nginx refuses $dir/nginx/nginx.conf"
  if [ -n "$(nginx_pid)" ]; then
    kill -HUP "$(nginx_pid)"   # re-reads the configuration, keeps serving
  else
    port_free "$front_port" || die "port $front_port for nginx is taken by another program"
    nginx_cmd
  fi
  for _ in $(seq 1 50); do
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$front_port/health" 2>/dev/null && return 0
    sleep 0.1
  done
  die "nginx does not answer on 127.0.0.1:$front_port (log: $dir/nginx/error.log)"
}

stop_nginx() {
  local pid
  pid=$(nginx_pid)
  if [ -n "$pid" ]; then
    kill -TERM "$pid"   # fast shutdown: open event streams are cut, browsers reconnect later
    for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && { kill -KILL "$pid"; echo "cluster: nginx did not stop: killed" >&2; }
  fi
  rm -f "$dir/nginx/nginx.pid"
}

next_free() { local p=$1; while ! port_free "$p"; do p=$((p + 1)); done; echo "$p"; }

up() {
  if anything_running; then
    echo "cluster: already running in $dir; starting what is missing"
  else
    mkdir -p "$dir"
    # Logs of an earlier cluster go; a PostgreSQL that an earlier `up` started and that still
    # runs stays recorded, so `down` stops it.
    rm -rf "$dir"/app-* "$dir/nginx"
    if [ -f "$dir/postgres" ] && ! local_pg_running; then rm -f "$dir/postgres"; fi
    size=${PORTAL_CLUSTER_SIZE:-2}
    [[ $size =~ ^[1-9][0-9]*$ ]] || die "PORTAL_CLUSTER_SIZE must be a number of processes"
    front_port=$(next_free "${PORTAL_CLUSTER_PORT:-3000}")
    app_ports=()
    metrics_ports=()
    local p=${PORTAL_CLUSTER_APP_PORT:-3011} m=${PORTAL_CLUSTER_METRICS_PORT:-9465} n
    for n in $(seq 1 "$size"); do
      p=$(next_free "$p")
      [ "$p" = "$front_port" ] && p=$(next_free $((p + 1)))
      app_ports+=("$p")
      p=$((p + 1))
      m=$(next_free "$m")
      metrics_ports+=("$m")
      m=$((m + 1))
    done
    # The project-local PostgreSQL is stopped by `down` only if it was not running before.
    local was_running=yes
    if [ -z "${DATABASE_URL:-}" ] && ! local_pg_running; then was_running=no; fi
    database_url=$(scripts/db.sh)
    if [ $was_running = no ] && local_pg_running; then readlink -f "$local_pg_data" >"$dir/postgres"; fi
    sweep_seconds=${PORTAL_SWEEP_SECONDS:-}
    rust_log=${RUST_LOG:-}
    # Sourced inside a function later: -g keeps the values global there.
    declare -p size front_port app_ports metrics_ports database_url sweep_seconds rust_log | sed 's/^declare /declare -g /' >"$settings"
    # A fresh start that fails half-way stops what it had started.
    trap 'if [ $? != 0 ]; then echo "cluster: start failed; stopping what it started" >&2; down >/dev/null || true; fi' EXIT
  fi
  [ -x "$root/target/release/server" ] && [ -f "$root/target/site/pkg/portal.wasm.br" ] \
    || die "no release build: run 'make site'"
  command -v "$nginx_bin" >/dev/null || die "nginx is not installed (scripts/install-tools.sh installs it)"
  local n
  # All start together (the demo county is loaded once, under an advisory lock), then each is
  # waited for.
  for n in $(seq 1 "$size"); do start_app "$n"; done
  for n in $(seq 1 "$size"); do wait_ready "$n"; done
  start_nginx
  # The sign-in sheet the first process printed, with nginx's address instead of its own.
  sed -n '/^Portal: http/,/^Supervisor/p' "$dir/app-1/server.log" | tail -7 \
    | sed "s#http://127.0.0.1:${app_ports[0]}#http://127.0.0.1:$front_port#"
  trap - EXIT
  status
  echo "Stop it with: make cluster-down${PORTAL_CLUSTER_DIR:+ (PORTAL_CLUSTER_DIR=$PORTAL_CLUSTER_DIR)}"
}

status() {
  load_settings
  local n
  running() { if [ -n "$1" ]; then echo "pid $1"; else echo stopped; fi; }
  echo "nginx    http://127.0.0.1:$front_port  $(running "$(nginx_pid)")  (log $dir/nginx/access.log)"
  for n in $(seq 1 "$size"); do
    echo "app-$n    http://127.0.0.1:${app_ports[$((n - 1))]}  $(running "$(app_pid "$n")")  (log $dir/app-$n/server.log, SMS/email $dir/app-$n/deliveries.log, metrics http://127.0.0.1:${metrics_ports[$((n - 1))]}/metrics)"
  done
  echo "database ${database_url}$([ -f "$dir/postgres" ] && echo "  (started by the cluster: stopped with it)")"
}

down() {
  if [ ! -f "$settings" ]; then echo "cluster: nothing recorded in $dir"; return 0; fi
  load_settings
  local failed=0 n pids=()
  stop_nginx
  # The processes stop in parallel: each has up to 10 s to finish what it is doing.
  for n in $(seq 1 "$size"); do stop_app "$n" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  if [ -f "$dir/postgres" ]; then
    as_pg "$pgbin/pg_ctl" -D "$(cat "$dir/postgres")" -w stop -m fast >/dev/null || failed=1
    rm -f "$dir/postgres"
    echo "cluster: stopped the PostgreSQL it had started"
  fi
  echo "cluster: stopped (logs kept in $dir)"
  return $failed
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  stop) load_settings; [ "${2:-}" -ge 1 ] 2>/dev/null && [ "$2" -le "$size" ] || die "stop N: N from 1 to $size"; stop_app "$2" ;;
  start) load_settings; [ "${2:-}" -ge 1 ] 2>/dev/null && [ "$2" -le "$size" ] || die "start N: N from 1 to $size"; start_app "$2"; wait_ready "$2" ;;
  status) status ;;
  *) sed -n '2,18p' "$0" >&2; exit 2 ;;
esac
