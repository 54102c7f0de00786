# shellcheck shell=bash
# Shared settings for the NormService local test infrastructure.
# NOT executable: sourced by both scripts/infra-up.sh and scripts/infra-down.sh
# so that they agree on ports, folders, the RabbitMQ node name, its Erlang
# environment (same HOME => same cookie, same private epmd port) and on how to
# find and talk to that node. Pure definitions: prints nothing, creates nothing.
# The environment knobs (NORMSERVICE_*) are documented in infra-up.sh.
# shellcheck disable=SC2034  # the variables are used by the sourcing scripts

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_DIR="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"

PG_PORT="${NORMSERVICE_PG_PORT:-55432}"
RMQ_PORT="${NORMSERVICE_RABBITMQ_PORT:-55672}"
RMQ_MGMT_PORT="${NORMSERVICE_RABBITMQ_MGMT_PORT:-55673}"
RMQ_DIST_PORT="${NORMSERVICE_RABBITMQ_DIST_PORT:-55674}"
RMQ_EPMD_PORT="${NORMSERVICE_RABBITMQ_EPMD_PORT:-55675}"
TIMEOUT="${NORMSERVICE_INFRA_TIMEOUT:-90}"
# data folder as configured; the scripts resolve it (pwd -P) before
# calling infra_set_paths
INFRA_DIR="${NORMSERVICE_INFRA_DIR:-$REPO_DIR/.infra}"

RMQ_NODE=normservice@localhost
PG_BIN=/usr/lib/postgresql/15/bin
RMQ_SBIN=/usr/lib/rabbitmq/bin   # the real scripts; /usr/sbin/* su to 'rabbitmq'

# infra_set_paths: derive the service folders and RMQ_ENV from $INFRA_DIR
# (call once INFRA_DIR is the resolved absolute path)
infra_set_paths() {
  PG_BASE="$INFRA_DIR/postgres"
  PGDATA_DIR="$PG_BASE/data"
  PG_LOG="$PG_BASE/postgres.log"

  RMQ_BASE="$INFRA_DIR/rabbitmq"
  RMQ_HOME="$RMQ_BASE/home"           # HOME for every rabbit/erlang call -> cookie
  RMQ_LOG_BASE="$RMQ_BASE/log"
  RMQ_PID_FILE="$RMQ_BASE/rabbitmq.pid"
  RMQ_STARTUP_LOG="$RMQ_LOG_BASE/startup.log"

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
    RABBITMQ_LOG_BASE="$RMQ_LOG_BASE"
    RABBITMQ_PID_FILE="$RMQ_PID_FILE"
    "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
    "RABBITMQ_CTL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
  )
}

# rmq_ctl <seconds> <rabbitmqctl args...>: bounded rabbitmqctl call against our node
rmq_ctl() {
  local t="$1"; shift
  (cd "$RMQ_HOME" && exec timeout "$t" env "${RMQ_ENV[@]}" "$RMQ_SBIN/rabbitmqctl" -n "$RMQ_NODE" -q "$@") </dev/null 3>&-
}

# true if pid $1 is alive and its command line contains the fixed string $2
pid_alive_with() {
  [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -F -- "$2" >/dev/null
}

# pid of our running Erlang VM: from the pid file, else by scanning /proc for
# a beam whose command line carries "-home $RMQ_HOME" (from HOME=$RMQ_HOME)
rmq_node_pid() {
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
