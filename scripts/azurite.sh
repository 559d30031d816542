#!/usr/bin/env bash
# Azurite (Microsoft's storage emulator, from npm) on loopback, for ./run.sh and the tests.
#   scripts/azurite.sh install         npm install azurite@3.37.0 into the cache (once); prints its bin path
#   scripts/azurite.sh start [DATADIR] starts it in the background (default data folder under the cache,
#                                      so state survives a restart); waits until the blob port listens
#   scripts/azurite.sh stop            stops the instance started with the same pid file (SIGTERM, then SIGKILL)
# Ports: AZURITE_BLOB_PORT / AZURITE_QUEUE_PORT / AZURITE_TABLE_PORT (default 10000-10002).
# Pid file: AZURITE_PID_FILE (default under the data folder).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

AZURITE_VERSION="3.37.0"
AZURITE_HOME="$CACHE_ROOT/azurite-$AZURITE_VERSION"
AZURITE_BIN="$AZURITE_HOME/node_modules/.bin/azurite"
DATA_DIR="${2:-${AZURITE_DATA_DIR:-$CACHE_ROOT/azurite-data}}"
PID_FILE="${AZURITE_PID_FILE:-$DATA_DIR/azurite.pid}"
BLOB_PORT="${AZURITE_BLOB_PORT:-10000}"
QUEUE_PORT="${AZURITE_QUEUE_PORT:-10001}"
TABLE_PORT="${AZURITE_TABLE_PORT:-10002}"

install_azurite() {
  [ -x "$AZURITE_BIN" ] && return 0
  command -v npm >/dev/null || apt_need nodejs npm
  log "npm install azurite@$AZURITE_VERSION (once, into $AZURITE_HOME)"
  mkdir -p "$AZURITE_HOME"
  [ -f "$AZURITE_HOME/package.json" ] || echo '{"private":true}' > "$AZURITE_HOME/package.json"
  (cd "$AZURITE_HOME" && npm install --silent --no-audit --no-fund "azurite@$AZURITE_VERSION" >/dev/null) \
    || die "npm install azurite@$AZURITE_VERSION failed"
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_azurite() {
  if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    log "Azurite already running (pid $(cat "$PID_FILE"))"; return 0
  fi
  listening "$BLOB_PORT" && die "port $BLOB_PORT is taken by another process (set AZURITE_BLOB_PORT)"
  mkdir -p "$DATA_DIR"
  "$AZURITE_BIN" --silent --skipApiVersionCheck --location "$DATA_DIR" \
    --blobHost 127.0.0.1 --blobPort "$BLOB_PORT" --queueHost 127.0.0.1 --queuePort "$QUEUE_PORT" \
    --tableHost 127.0.0.1 --tablePort "$TABLE_PORT" >"$DATA_DIR/azurite.log" 2>&1 &
  local pid=$!
  echo "$pid" > "$PID_FILE"
  for _ in $(seq 1 150); do
    if listening "$BLOB_PORT" && listening "$QUEUE_PORT" && listening "$TABLE_PORT"; then
      log "Azurite listening on 127.0.0.1:$BLOB_PORT (blob), :$QUEUE_PORT (queue) and :$TABLE_PORT (table), data in $DATA_DIR (pid $pid)"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { cat "$DATA_DIR/azurite.log" >&2; die "Azurite exited during start"; }
    sleep 0.2
  done
  stop_azurite
  die "Azurite did not listen on port $BLOB_PORT within 30 s"
}

stop_azurite() {
  [ -f "$PID_FILE" ] || return 0
  local pid; pid="$(cat "$PID_FILE")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      warn "Azurite (pid $pid) ignored SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$PID_FILE"
}

case "${1:-}" in
  install) with_lock azurite install_azurite; echo "$AZURITE_BIN" ;;
  start) with_lock azurite install_azurite; start_azurite ;;
  stop) stop_azurite ;;
  *) echo "usage: $0 install|start [DATADIR]|stop" >&2; exit 2 ;;
esac
