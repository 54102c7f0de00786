#!/usr/bin/env bash
# Stop the PostgreSQL 15 and RabbitMQ 3.10 instances started by
# scripts/infra-up.sh. Idempotent: fine if nothing is running.
#   --purge   also delete the data folder (${NORMSERVICE_INFRA_DIR:-<repo>/.infra})
# Uses the same NORMSERVICE_* environment knobs as infra-up.sh.
set -euo pipefail

log() { printf '[infra-down] %s\n' "$*" >&2; }
die() { printf '[infra-down] ERROR: %s\n' "$*" >&2; exit 1; }

PURGE=0
for arg in "$@"; do
  case "$arg" in
    --purge) PURGE=1 ;;
    -h|--help) sed -n '2,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (usage: $0 [--purge])" ;;
  esac
done

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_DIR="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
INFRA_DIR="${NORMSERVICE_INFRA_DIR:-$REPO_DIR/.infra}"
RMQ_PORT="${NORMSERVICE_RABBITMQ_PORT:-55672}"
RMQ_DIST_PORT="${NORMSERVICE_RABBITMQ_DIST_PORT:-55674}"
RMQ_EPMD_PORT="${NORMSERVICE_RABBITMQ_EPMD_PORT:-55675}"
TIMEOUT="${NORMSERVICE_INFRA_TIMEOUT:-90}"
RMQ_NODE=normservice@localhost
PG_BIN=/usr/lib/postgresql/15/bin
RMQ_SBIN=/usr/lib/rabbitmq/bin

if [[ ! -d "$INFRA_DIR" ]]; then
  log "no data folder at $INFRA_DIR; nothing to stop"
  exit 0
fi
INFRA_DIR="$(cd -- "$INFRA_DIR" && pwd -P)"

# pid alive and its command line mentions $2
pid_alive_with() {
  [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -F -- "$2" >/dev/null
}

# wait up to $2 seconds for pid $1 to exit
wait_gone() {
  local deadline=$((SECONDS + $2))
  while kill -0 "$1" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# ------------------------------------------------------------- PostgreSQL
PGDATA_DIR="$INFRA_DIR/postgres/data"
stop_postgres() {
  if [[ ! -f "$PGDATA_DIR/postmaster.pid" ]]; then
    log "PostgreSQL: not running"
    return 0
  fi
  local pid
  pid="$(head -n1 "$PGDATA_DIR/postmaster.pid" | tr -dc '0-9')"
  if [[ -x "$PG_BIN/pg_ctl" ]]; then
    local runner=()
    if ((EUID == 0)); then runner=(runuser -u "$(stat -c %U "$PGDATA_DIR")" --); fi
    if (cd / && "${runner[@]}" "$PG_BIN/pg_ctl" status -D "$PGDATA_DIR") >/dev/null 2>&1; then
      log "PostgreSQL: pg_ctl stop -m fast"
      (cd / && "${runner[@]}" "$PG_BIN/pg_ctl" stop -D "$PGDATA_DIR" -m fast -w -t "$TIMEOUT") </dev/null >&2 ||
        log "warning: pg_ctl stop failed"
    fi
  fi
  if pid_alive_with "$pid" postgres; then
    log "PostgreSQL: postmaster $pid still alive; sending SIGINT (fast shutdown)"
    kill -INT "$pid" 2>/dev/null || true
    wait_gone "$pid" "$TIMEOUT" || { log "PostgreSQL: SIGKILL $pid"; kill -KILL "$pid" 2>/dev/null || true; }
  fi
  log "PostgreSQL: stopped"
}

# --------------------------------------------------------------- RabbitMQ
RMQ_BASE="$INFRA_DIR/rabbitmq"
RMQ_HOME="$RMQ_BASE/home"
RMQ_PID_FILE="$RMQ_BASE/rabbitmq.pid"
# Must match infra-up.sh: same node name, same HOME (=> same Erlang cookie),
# same private epmd port.
RMQ_ENV=(
  -u RABBITMQ_ERLANG_COOKIE
  HOME="$RMQ_HOME"
  LC_ALL=C.UTF-8 LANG=C.UTF-8
  RABBITMQ_NODENAME="$RMQ_NODE"
  RABBITMQ_USE_LONGNAME=false
  RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  RABBITMQ_NODE_PORT="$RMQ_PORT"
  RABBITMQ_DIST_PORT="$RMQ_DIST_PORT"
  ERL_EPMD_PORT="$RMQ_EPMD_PORT"
  ERL_EPMD_ADDRESS=127.0.0.1
  RABBITMQ_CONF_ENV_FILE="$RMQ_BASE/rabbitmq-env.conf"
  RABBITMQ_CONFIG_FILE="$RMQ_BASE/rabbitmq.conf"
  RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_BASE/advanced.config"
  RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_BASE/enabled_plugins"
  RABBITMQ_MNESIA_BASE="$RMQ_BASE/mnesia"
  RABBITMQ_LOG_BASE="$RMQ_BASE/log"
  RABBITMQ_PID_FILE="$RMQ_PID_FILE"
  "RABBITMQ_CTL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
)

# pid of our Erlang VM: from the pid file, else by scanning /proc for a beam
# whose command line carries "-home $RMQ_HOME" (set by HOME=$RMQ_HOME)
rmq_vm_pid() {
  local pid="" f
  if [[ -s "$RMQ_PID_FILE" ]]; then pid="$(tr -dc '0-9' <"$RMQ_PID_FILE")"; fi
  if pid_alive_with "$pid" "-home $RMQ_HOME "; then printf '%s\n' "$pid"; return 0; fi
  for f in /proc/[0-9]*/cmdline; do
    pid="${f#/proc/}"; pid="${pid%/cmdline}"
    if pid_alive_with "$pid" "-home $RMQ_HOME " && pid_alive_with "$pid" beam; then
      printf '%s\n' "$pid"; return 0
    fi
  done
  return 1
}

stop_rabbitmq() {
  local pid
  if ! pid="$(rmq_vm_pid)"; then
    log "RabbitMQ: not running"
  else
    if [[ -x "$RMQ_SBIN/rabbitmqctl" && -d "$RMQ_HOME" ]]; then
      log "RabbitMQ: rabbitmqctl -n $RMQ_NODE stop (VM pid $pid)"
      printf '%s\n' "$pid" >"$RMQ_PID_FILE"
      # with the pid file argument, rabbitmqctl waits for the VM to exit
      (cd "$RMQ_HOME" && timeout $((TIMEOUT + 30)) env "${RMQ_ENV[@]}" \
        "$RMQ_SBIN/rabbitmqctl" -n "$RMQ_NODE" -q stop "$RMQ_PID_FILE") </dev/null >&2 ||
        log "warning: rabbitmqctl stop failed"
    fi
    if pid_alive_with "$pid" "-home $RMQ_HOME "; then
      log "RabbitMQ: VM $pid still alive; sending SIGTERM"
      kill -TERM "$pid" 2>/dev/null || true
      wait_gone "$pid" "$TIMEOUT" || { log "RabbitMQ: SIGKILL $pid"; kill -KILL "$pid" 2>/dev/null || true; }
    fi
    log "RabbitMQ: stopped"
  fi
  rm -f "$RMQ_PID_FILE"

  # Our private epmd (port $RMQ_EPMD_PORT, started by the node): stop it once
  # no node is registered with it any more.
  if command -v epmd >/dev/null 2>&1 &&
     ERL_EPMD_PORT="$RMQ_EPMD_PORT" timeout 5 epmd -names >/dev/null 2>&1; then
    if ! ERL_EPMD_PORT="$RMQ_EPMD_PORT" timeout 5 epmd -names 2>/dev/null | grep '^name ' >/dev/null; then
      ERL_EPMD_PORT="$RMQ_EPMD_PORT" timeout 5 epmd -kill >/dev/null 2>&1 || true
      log "RabbitMQ: stopped private epmd on port $RMQ_EPMD_PORT"
    fi
  fi
}

stop_postgres
stop_rabbitmq

if ((PURGE)); then
  case "$INFRA_DIR" in
    / | "$REPO_DIR" | "${HOME:-/}" | /root | /home | /usr | /var | /etc | /tmp)
      die "refusing to delete $INFRA_DIR" ;;
  esac
  if [[ ! -e "$INFRA_DIR/.normservice-infra" ]] && [[ -n "$(ls -A -- "$INFRA_DIR")" ]]; then
    die "refusing to delete $INFRA_DIR: it has no .normservice-infra marker (not created by infra-up.sh?)"
  fi
  rm -rf -- "$INFRA_DIR"
  log "purged $INFRA_DIR"
fi
