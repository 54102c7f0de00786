#!/usr/bin/env bash
# Bring up the local test infrastructure for NormService on a (fresh) Debian 12
# machine, without Docker and without systemd:
#   * PostgreSQL 15   on 127.0.0.1:${NORMSERVICE_PG_PORT:-55432}
#   * RabbitMQ 3.10   on 127.0.0.1:${NORMSERVICE_RABBITMQ_PORT:-55672}
#     (management API on 127.0.0.1:${NORMSERVICE_RABBITMQ_MGMT_PORT:-55673})
# All state lives in ${NORMSERVICE_INFRA_DIR:-<repo>/.infra}.
#
# Idempotent: services that are already up and healthy are left alone.
# Progress goes to stderr; stdout carries ONLY the connection settings as
# shell exports, so this works:   eval "$(scripts/infra-up.sh)"
#
# Environment knobs (all optional):
#   NORMSERVICE_INFRA_DIR             data folder (default <repo>/.infra)
#   NORMSERVICE_PG_PORT               default 55432
#   NORMSERVICE_RABBITMQ_PORT         AMQP, default 55672
#   NORMSERVICE_RABBITMQ_MGMT_PORT    management HTTP, default 55673
#   NORMSERVICE_RABBITMQ_DIST_PORT    Erlang distribution, default 55674
#   NORMSERVICE_RABBITMQ_EPMD_PORT    private epmd, default 55675
#   NORMSERVICE_INFRA_TIMEOUT         seconds to wait per service, default 90
#   NORMSERVICE_INFRA=docker          use `docker compose up -d postgres rabbitmq`
#                                     instead (only if `docker info` works)
# See also scripts/infra-down.sh (stop; --purge deletes the data folder).
set -euo pipefail

# stdout is reserved for the export lines: keep it on fd 3, send everything
# else (including stray output of child commands) to stderr. Long-lived
# daemons are started with 3>&- so they never hold the caller's pipe open.
exec 3>&1 1>&2

log() { printf '[infra-up] %s\n' "$*" >&2; }
die() { printf '[infra-up] ERROR: %s\n' "$*" >&2; exit 1; }

# ports, folders, RMQ_NODE, RMQ_ENV, rmq_ctl, rmq_node_pid (shared with infra-down.sh)
# shellcheck source-path=SCRIPTDIR source=infra-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/infra-common.sh"

for v in PG_PORT RMQ_PORT RMQ_MGMT_PORT RMQ_DIST_PORT RMQ_EPMD_PORT TIMEOUT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a number (got '${!v}')"
done

PG_DB=normservice
PG_USER=postgres
PG_PASSWORD=postgres
RMQ_USER=guest
RMQ_PASSWORD=guest

print_exports() {
  printf 'export ConnectionStrings__Postgres="Host=127.0.0.1;Port=%s;Database=%s;Username=%s;Password=%s"\n' \
    "$PG_PORT" "$PG_DB" "$PG_USER" "$PG_PASSWORD" >&3
  printf 'export ConnectionStrings__RabbitMq="amqp://%s:%s@127.0.0.1:%s/"\n' \
    "$RMQ_USER" "$RMQ_PASSWORD" "$RMQ_PORT" >&3
  printf 'export RabbitMq__ManagementUri="http://%s:%s@127.0.0.1:%s/"\n' \
    "$RMQ_USER" "$RMQ_PASSWORD" "$RMQ_MGMT_PORT" >&3
}

# true if something accepts TCP connections on 127.0.0.1:$1
port_open() { timeout 2 bash -c ': </dev/tcp/127.0.0.1/'"$1" 2>/dev/null; }

as_root() {
  if ((EUID == 0)); then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else die "need root (or passwordless sudo) for: $*"
  fi
}

mgmt_overview() {
  curl -fsS --max-time 5 -u "$RMQ_USER:$RMQ_PASSWORD" \
    "http://127.0.0.1:$RMQ_MGMT_PORT/api/overview" 2>/dev/null
}

# ---------------------------------------------------------------- .gitignore
ensure_gitignore() {
  local gi="$REPO_DIR/.gitignore"
  [[ -w "$REPO_DIR" ]] || return 0
  if [[ -f "$gi" ]] && grep -qxE '/?\.infra/?' "$gi"; then return 0; fi
  # keep an existing last line intact if the file lacks a trailing newline
  if [[ -s "$gi" && -n "$(tail -c1 "$gi")" ]]; then printf '\n' >>"$gi"; fi
  printf '.infra/\n' >>"$gi"
  log "added '.infra/' to $gi"
}

# -------------------------------------------------------------- docker path
if [[ "${NORMSERVICE_INFRA:-}" == docker ]]; then
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    log "NORMSERVICE_INFRA=docker: docker compose up -d postgres rabbitmq"
    (cd "$REPO_DIR" && docker compose up -d postgres rabbitmq) </dev/null 3>&-
    deadline=$((SECONDS + TIMEOUT))
    until port_open "$PG_PORT" && mgmt_overview >/dev/null; do
      ((SECONDS < deadline)) || die "containers not answering on ports $PG_PORT/$RMQ_MGMT_PORT after ${TIMEOUT}s (check the compose port mappings)"
      sleep 1
    done
    log "docker services are up"
    print_exports
    exit 0
  fi
  log "NORMSERVICE_INFRA=docker but no reachable Docker engine; using the native path"
fi

# ---------------------------------------------------------------- packages
POLICY_RC=/usr/sbin/policy-rc.d
CREATED_POLICY_RC=0
cleanup() {
  if ((CREATED_POLICY_RC)); then
    as_root rm -f "$POLICY_RC" || true
    CREATED_POLICY_RC=0
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pkg_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]
}

install_packages() {
  local p missing=()
  for p in postgresql-15 postgresql-client-15 rabbitmq-server curl; do
    pkg_installed "$p" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    log "packages present: postgresql-15, rabbitmq-server, curl"
    return 0
  fi
  log "installing with apt: ${missing[*]}"
  # Stop the packages' maintainer scripts from starting system-wide instances
  # (the postgresql 'main' cluster on 5432, rabbit@<host> on 5672).
  if [[ ! -e "$POLICY_RC" ]]; then
    printf '#!/bin/sh\n# temporary, created by NormService scripts/infra-up.sh\nexit 101\n' |
      as_root tee "$POLICY_RC" >/dev/null
    as_root chmod 755 "$POLICY_RC"
    CREATED_POLICY_RC=1
  fi
  local apt_opts=(-y -q -o DPkg::Lock::Timeout=300
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update </dev/null ||
    log "warning: apt-get update failed; trying the install anyway"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install \
    --no-install-recommends "${missing[@]}" </dev/null ||
    die "apt-get install ${missing[*]} failed"
  cleanup
}

install_packages

[[ -x "$PG_BIN/pg_ctl" ]] || die "$PG_BIN/pg_ctl not found (postgresql-15 not installed?)"
[[ -x "$RMQ_SBIN/rabbitmq-server" ]] || die "$RMQ_SBIN/rabbitmq-server not found (rabbitmq-server not installed?)"

# ------------------------------------------------------------- data folder
ensure_gitignore
mkdir -p -- "$INFRA_DIR"
INFRA_DIR="$(cd -- "$INFRA_DIR" && pwd -P)"
infra_set_paths
chmod 755 "$INFRA_DIR"
[[ -e "$INFRA_DIR/.normservice-infra" ]] ||
  printf 'NormService local infrastructure data (scripts/infra-up.sh). Safe to delete when stopped.\n' \
    >"$INFRA_DIR/.normservice-infra"
log "data folder: $INFRA_DIR"

# ============================================================= PostgreSQL 15
if ((EUID == 0)); then
  PG_OS_USER=postgres   # postgres refuses to run as root
  getent passwd "$PG_OS_USER" >/dev/null || die "OS user 'postgres' missing (postgresql-common should create it)"
  run_pg() { (cd / && runuser -u "$PG_OS_USER" -- "$@"); }
else
  PG_OS_USER="$(id -un)"
  run_pg() { (cd / && "$@"); }
fi

mkdir -p -- "$PG_BASE"
if ((EUID == 0)); then
  chown "$PG_OS_USER:" "$PG_BASE"
  [[ ! -e "$PGDATA_DIR" ]] || chown -R "$PG_OS_USER:" "$PGDATA_DIR"
fi
chmod 700 "$PG_BASE"

# The postgres OS user must be able to reach the folder. If a parent is not
# traversable (e.g. a clone under /root, mode 0700), grant o+x (search only,
# no listing) on exactly those parents.
if ! run_pg test -w "$PG_BASE"; then
  ((EUID == 0)) || die "cannot write $PG_BASE"
  d="$PG_BASE"
  while d="$(dirname -- "$d")"; [[ "$d" != / ]]; do
    perm="$(stat -c %A -- "$d")"
    if [[ "${perm:9:1}" != [xt] ]]; then
      log "granting o+x (traverse only) on $d so user '$PG_OS_USER' can reach $PG_BASE"
      chmod o+x "$d"
    fi
  done
  run_pg test -w "$PG_BASE" || die "user '$PG_OS_USER' still cannot write $PG_BASE; set NORMSERVICE_INFRA_DIR to an accessible path"
fi

pg_tail_log() {
  if [[ -f "$PG_LOG" ]]; then
    log "--- last lines of $PG_LOG ---"
    tail -n 30 "$PG_LOG" >&2 || true
  fi
}

pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1; }

pg_wait_ready() {
  local deadline=$((SECONDS + $1))
  until pg_ready; do
    if ((SECONDS >= deadline)); then
      pg_tail_log
      die "PostgreSQL did not become ready on 127.0.0.1:$PG_PORT within ${1}s (log: $PG_LOG)"
    fi
    sleep 1
  done
}

pg_psql() {
  PGPASSWORD="$PG_PASSWORD" PGSSLMODE=disable PGCONNECT_TIMEOUT=10 \
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "$@"
}

pg_write_conf() {
  # Regenerated on every run (owned by the server's user); included from
  # postgresql.conf. Unix sockets are disabled: TCP on loopback only.
  local tmp
  tmp="$(mktemp)"
  cat >"$tmp" <<EOF
# Generated by scripts/infra-up.sh -- edits are overwritten.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
max_connections = 300
shared_buffers = 128MB
password_encryption = 'scram-sha-256'
fsync = on
synchronous_commit = on
full_page_writes = on
timezone = 'UTC'
log_timezone = 'UTC'
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  install -m 600 -o "$PG_OS_USER" "$tmp" "$PGDATA_DIR/normservice.conf"
  rm -f "$tmp"
  grep -qxF "include_if_exists = 'normservice.conf'" "$PGDATA_DIR/postgresql.conf" ||
    printf "\ninclude_if_exists = 'normservice.conf'\n" | run_pg tee -a "$PGDATA_DIR/postgresql.conf" >/dev/null
}

pg_initdb() {
  if [[ -e "$PGDATA_DIR" ]]; then
    log "removing incomplete PostgreSQL data dir $PGDATA_DIR (no PG_VERSION)"
    rm -rf -- "$PGDATA_DIR"
  fi
  log "initdb $PGDATA_DIR (superuser $PG_USER, scram-sha-256 over TCP)"
  local pwfile="$PG_BASE/.pwfile"
  (umask 077 && printf '%s\n' "$PG_PASSWORD" >"$pwfile")
  ((EUID != 0)) || chown "$PG_OS_USER:" "$pwfile"
  if ! run_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -U "$PG_USER" --pwfile="$pwfile" \
      --auth-host=scram-sha-256 --auth-local=peer -E UTF8 --no-locale \
      >"$PG_BASE/initdb.log" 2>&1 </dev/null 3>&-; then
    rm -f "$pwfile"
    tail -n 30 "$PG_BASE/initdb.log" >&2 || true
    die "initdb failed (see $PG_BASE/initdb.log)"
  fi
  rm -f "$pwfile"
}

start_postgres() {
  [[ -s "$PGDATA_DIR/PG_VERSION" ]] || pg_initdb
  pg_write_conf

  if run_pg "$PG_BIN/pg_ctl" status -D "$PGDATA_DIR" >/dev/null 2>&1; then
    if pg_ready || { sleep 3; pg_ready; }; then
      log "PostgreSQL already running and ready on 127.0.0.1:$PG_PORT"
    else
      log "PostgreSQL running but not answering on 127.0.0.1:$PG_PORT; restarting it"
      run_pg "$PG_BIN/pg_ctl" restart -D "$PGDATA_DIR" -m fast -w -t "$TIMEOUT" -l "$PG_LOG" \
        </dev/null 3>&- || { pg_tail_log; die "pg_ctl restart failed"; }
    fi
  else
    if port_open "$PG_PORT"; then
      die "port 127.0.0.1:$PG_PORT is in use by another process (not our PostgreSQL); stop it or set NORMSERVICE_PG_PORT"
    fi
    log "starting PostgreSQL 15 on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
    # setsid: own session, so a Ctrl-C on the caller's terminal does not reach it
    if ! (cd / && exec setsid "${PG_RUNNER[@]}" "$PG_BIN/pg_ctl" start -D "$PGDATA_DIR" -w -t "$TIMEOUT" -l "$PG_LOG") \
        </dev/null 3>&-; then
      pg_tail_log
      die "pg_ctl start failed (log: $PG_LOG)"
    fi
  fi
  pg_wait_ready "$TIMEOUT"

  local exists served_dir
  served_dir="$(pg_psql -d postgres -tAc "SELECT current_setting('data_directory')" 3>&-)" ||
    die "cannot log in to PostgreSQL as $PG_USER/$PG_PASSWORD on 127.0.0.1:$PG_PORT (another server on that port, or a data dir with other credentials? try: scripts/infra-down.sh --purge)"
  [[ "$served_dir" == "$PGDATA_DIR" ]] ||
    die "127.0.0.1:$PG_PORT is served by another PostgreSQL (data dir $served_dir, expected $PGDATA_DIR); stop it or set NORMSERVICE_PG_PORT"
  exists="$(pg_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" 3>&-)"
  if [[ "$exists" != 1 ]]; then
    log "creating database $PG_DB"
    pg_psql -d postgres -c "CREATE DATABASE $PG_DB" 3>&-
  fi
  log "PostgreSQL OK: 127.0.0.1:$PG_PORT, database $PG_DB"
}

if ((EUID == 0)); then PG_RUNNER=(runuser -u "$PG_OS_USER" --); else PG_RUNNER=(); fi
start_postgres

# ============================================================== RabbitMQ 3.10
mkdir -p -- "$RMQ_HOME" "$RMQ_LOG_BASE" "$RMQ_BASE/mnesia"
chmod 700 "$RMQ_BASE" "$RMQ_HOME"

# Deterministic Erlang cookie: generated once per data folder, found by the
# node and by rabbitmqctl through HOME=$RMQ_HOME.
COOKIE_FILE="$RMQ_HOME/.erlang.cookie"
if [[ ! -s "$COOKIE_FILE" ]]; then
  (umask 077 && head -c 48 /dev/urandom | base64 -w0 | tr -d '+/=\n' >"$COOKIE_FILE")
fi
chmod 400 "$COOKIE_FILE"

cat >"$RMQ_BASE/rabbitmq.conf" <<EOF
# Generated by scripts/infra-up.sh -- edits are overwritten.
# AMQP listener comes from RABBITMQ_NODE_IP_ADDRESS / RABBITMQ_NODE_PORT.
management.tcp.ip   = 127.0.0.1
management.tcp.port = $RMQ_MGMT_PORT
loopback_users.guest = true
log.console = false
log.file.level = info
EOF
printf '[rabbitmq_management].\n' >"$RMQ_BASE/enabled_plugins"
# Our own (empty) env file, so /etc/rabbitmq/rabbitmq-env.conf is not read.
printf '# Generated by scripts/infra-up.sh; intentionally empty.\n' >"$RMQ_BASE/rabbitmq-env.conf"

rmq_tail_log() {
  local f
  for f in "$RMQ_STARTUP_LOG" "$RMQ_LOG_BASE/$RMQ_NODE.log"; do
    [[ -f "$f" ]] || continue
    log "--- last lines of $f ---"
    tail -n 30 "$f" >&2 || true
  done
}

rmq_healthy() {
  local ov
  ov="$(mgmt_overview)" || return 1
  [[ "$ov" == *"\"node\":\"$RMQ_NODE\""* ]] || return 1
  port_open "$RMQ_PORT"
}

start_rabbitmq() {
  if rmq_healthy; then
    log "RabbitMQ node $RMQ_NODE already running and healthy (AMQP $RMQ_PORT, management $RMQ_MGMT_PORT)"
    return 0
  fi

  local launcher_pid=""
  if rmq_node_pid >/dev/null; then
    log "RabbitMQ node $RMQ_NODE is running but not (yet) healthy; waiting for it"
  else
    local p
    for p in "$RMQ_PORT" "$RMQ_MGMT_PORT" "$RMQ_DIST_PORT"; do
      if port_open "$p"; then
        die "port 127.0.0.1:$p is in use by another process (not our RabbitMQ node); stop it or change NORMSERVICE_RABBITMQ_*_PORT"
      fi
    done
    log "starting RabbitMQ node $RMQ_NODE (AMQP 127.0.0.1:$RMQ_PORT, management 127.0.0.1:$RMQ_MGMT_PORT, dist $RMQ_DIST_PORT, epmd $RMQ_EPMD_PORT; log dir: $RMQ_LOG_BASE)"
    printf '\n===== %s start =====\n' "$(date -Is)" >>"$RMQ_STARTUP_LOG"
    (cd "$RMQ_HOME" && exec setsid env "${RMQ_ENV[@]}" "$RMQ_SBIN/rabbitmq-server") \
      </dev/null >>"$RMQ_STARTUP_LOG" 2>&1 3>&- &
    launcher_pid=$!
  fi

  # `rabbitmqctl await_startup` fails immediately until the node has
  # registered with epmd, so loop on it.
  local deadline=$((SECONDS + TIMEOUT))
  until rmq_ctl 60 await_startup --timeout 30 >/dev/null 2>&1; do
    if [[ -n "$launcher_pid" ]] && ! kill -0 "$launcher_pid" 2>/dev/null && ! rmq_node_pid >/dev/null; then
      rmq_tail_log
      die "RabbitMQ exited during startup (logs in $RMQ_LOG_BASE)"
    fi
    if ((SECONDS >= deadline)); then
      rmq_tail_log
      die "RabbitMQ node $RMQ_NODE did not finish booting within ${TIMEOUT}s (logs in $RMQ_LOG_BASE)"
    fi
    sleep 1
  done
  log "RabbitMQ node booted; waiting for the management API"
  deadline=$((SECONDS + TIMEOUT))
  until rmq_healthy; do
    if ((SECONDS >= deadline)); then
      rmq_tail_log
      die "RabbitMQ management API not answering on http://127.0.0.1:$RMQ_MGMT_PORT/api/overview within ${TIMEOUT}s"
    fi
    sleep 1
  done
  log "RabbitMQ OK: amqp://127.0.0.1:$RMQ_PORT, management http://127.0.0.1:$RMQ_MGMT_PORT"
}

start_rabbitmq

print_exports
