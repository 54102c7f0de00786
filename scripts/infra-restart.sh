#!/usr/bin/env bash
# Restarts one of the local services that scripts/infra-up.sh started, with an outage in between:
#   scripts/infra-restart.sh postgres|rabbitmq [seconds-down]   (default 5)
# The fault-injection tests use it to restart PostgreSQL or RabbitMQ in the middle of a message stream.
# PostgreSQL: pg_ctl stop -m fast, then start (every connection is cut). RabbitMQ: stop_app, then
# start_app on the same node (every connection is cut; durable queues and persistent messages survive).
set -euo pipefail
log() { printf '[infra-restart] %s\n' "$*" >&2; }
die() { printf '[infra-restart] ERROR: %s\n' "$*" >&2; exit 1; }

service="${1:-}"; down="${2:-5}"
[[ "$service" == postgres || "$service" == rabbitmq ]] || die "usage: $0 postgres|rabbitmq [seconds-down]"

# shellcheck source-path=SCRIPTDIR source=infra-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/infra-common.sh"
[[ -d "$INFRA_DIR" ]] || die "no data folder at $INFRA_DIR: start the services with scripts/infra-up.sh first"
INFRA_DIR="$(cd -- "$INFRA_DIR" && pwd -P)"
infra_set_paths

case "$service" in
  postgres)
    runner=()
    if ((EUID == 0)); then runner=(runuser -u "$(stat -c %U "$PGDATA_DIR")" --); fi
    log "PostgreSQL: stopping (fast)"
    (cd / && "${runner[@]}" "$PG_BIN/pg_ctl" stop -D "$PGDATA_DIR" -m fast -w -t "$TIMEOUT") </dev/null >&2
    sleep "$down"
    log "PostgreSQL: starting"
    (cd / && exec setsid "${runner[@]}" "$PG_BIN/pg_ctl" start -D "$PGDATA_DIR" -w -t "$TIMEOUT" -l "$PG_LOG") </dev/null >&2
    ;;
  rabbitmq)
    log "RabbitMQ: stop_app"
    rmq_ctl 60 stop_app >&2
    sleep "$down"
    log "RabbitMQ: start_app"
    rmq_ctl 120 start_app >&2
    # await_startup fails at once until the node has registered: loop on it.
    deadline=$((SECONDS + TIMEOUT))
    until rmq_ctl 10 await_startup >/dev/null 2>&1; do
      ((SECONDS < deadline)) || die "RabbitMQ did not come back within ${TIMEOUT}s"
      sleep 1
    done
    ;;
esac
log "$service: back"
