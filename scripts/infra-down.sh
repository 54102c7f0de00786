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

# same ports, folders, RMQ_NODE, RMQ_ENV, rmq_ctl, rmq_node_pid as infra-up.sh
# shellcheck source-path=SCRIPTDIR source=infra-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/infra-common.sh"

if [[ ! -d "$INFRA_DIR" ]]; then
  log "no data folder at $INFRA_DIR; nothing to stop"
  exit 0
fi
INFRA_DIR="$(cd -- "$INFRA_DIR" && pwd -P)"
infra_set_paths

# wait up to $2 seconds for pid $1 to exit
wait_gone() {
  local deadline=$((SECONDS + $2))
  while kill -0 "$1" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# ------------------------------------------------------------- PostgreSQL
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
stop_rabbitmq() {
  local pid
  if ! pid="$(rmq_node_pid)"; then
    log "RabbitMQ: not running"
  else
    if [[ -x "$RMQ_SBIN/rabbitmqctl" && -d "$RMQ_HOME" ]]; then
      log "RabbitMQ: rabbitmqctl -n $RMQ_NODE stop (VM pid $pid)"
      printf '%s\n' "$pid" >"$RMQ_PID_FILE"
      # with the pid file argument, rabbitmqctl waits for the VM to exit
      rmq_ctl $((TIMEOUT + 30)) stop "$RMQ_PID_FILE" >&2 ||
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
