#!/usr/bin/env bash
# Makes sure the local PostgreSQL and Redis that dev mode and the tests use are answering on
# 127.0.0.1 (5432 / 6379), and that the databases `dynagate` and `dynagate_test` exist.
#
# Idempotent: when everything is already up it changes nothing and exits 0. Installs the Debian
# packages only when the server binaries are missing (needs root and apt). Exits non-zero with a
# message naming the service that did not come up.
#
# Usage: deploy/local-services.sh        (WAIT_SECONDS=30 by default)
set -euo pipefail

readonly PG_HOST=127.0.0.1 PG_PORT=5432 PG_USER=postgres
readonly REDIS_HOST=127.0.0.1 REDIS_PORT=6379
readonly WAIT_SECONDS="${WAIT_SECONDS:-30}"
readonly DATABASES=(dynagate dynagate_test)

log() { printf 'local-services: %s\n' "$*"; }
die() { printf 'local-services: ERROR: %s\n' "$*" >&2; exit 1; }

pg_answers() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1; }
redis_answers() { [[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]; }

# Waits until "$1" (a function) succeeds, at most WAIT_SECONDS.
wait_for() {
  local check=$1 what=$2 deadline=$((SECONDS + WAIT_SECONDS))
  until "$check"; do
    if ((SECONDS >= deadline)); then
      die "$what did not answer within ${WAIT_SECONDS}s"
    fi
    sleep 1
  done
}

apt_updated=false
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "$* missing and apt-get is not available; install it by hand"
  if [[ "$apt_updated" == false ]]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    apt_updated=true
  fi
  log "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

ensure_postgres() {
  if pg_answers; then
    log "PostgreSQL answers on $PG_HOST:$PG_PORT"
    return
  fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt_install postgresql
  fi
  local version
  # shellcheck disable=SC2012 # cluster versions are plain numbers
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1 || true)"
  [[ -n "$version" ]] || die "no PostgreSQL cluster under /etc/postgresql"
  log "starting PostgreSQL $version/main"
  # "already running" (e.g. listening elsewhere) is not fatal here; the wait below decides.
  pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
    log "pg_ctlcluster returned $? (waiting anyway)"
  wait_for pg_answers "PostgreSQL on $PG_HOST:$PG_PORT"
  log "PostgreSQL is up"
}

ensure_redis() {
  if redis_answers; then
    log "Redis answers on $REDIS_HOST:$REDIS_PORT"
    return
  fi
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    apt_install redis-server
  fi
  log "starting Redis"
  # Ephemeral on purpose: nothing in Redis is durable state for dynagate (contract section 5).
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no
  wait_for redis_answers "Redis on $REDIS_HOST:$REDIS_PORT"
  log "Redis is up"
}

ensure_database() {
  local name=$1 exists
  exists="$(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -tAc \
    "select 1 from pg_database where datname='$name'")" ||
    die "cannot query PostgreSQL as $PG_USER on $PG_HOST:$PG_PORT (check pg_hba.conf / PGPASSWORD)"
  if [[ "$exists" == "1" ]]; then
    log "database $name exists"
  else
    log "creating database $name"
    createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$name"
  fi
}

ensure_postgres
ensure_redis
for db in "${DATABASES[@]}"; do
  ensure_database "$db"
done
log "ready"
