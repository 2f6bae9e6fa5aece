#!/usr/bin/env bash
# Intake benchmark: Postfix's smtp-source sends 4 KiB messages to mailward over loopback,
# with 1 and with 20 parallel sessions, and this prints messages per second for each.
# Every message is fsynced by the spool sink before its 250, as the real queue does.
# Usage: bench/intake.sh [messages-per-run]   (default 2000)
#        MAILWARD_PORT=2525 bench/intake.sh  measures an already running server instead;
#        INTAKE_SINK=discard bench/intake.sh  measures the engine without the disk.
# Installs Postfix (for smtp-source) if missing and makes sure no system Postfix keeps running.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${1:-2000}"

if ! command -v smtp-source >/dev/null 2>&1 && [ ! -x /usr/sbin/smtp-source ]; then
  echo "intake: installing postfix for smtp-source" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postfix >/dev/null
fi
# The package starts a system Postfix on port 25; the benchmark needs only the client tool.
if command -v postfix >/dev/null 2>&1; then postfix stop >/dev/null 2>&1 || true; fi
command -v systemctl >/dev/null 2>&1 && systemctl stop postfix >/dev/null 2>&1 || true
SOURCE="$(command -v smtp-source || echo /usr/sbin/smtp-source)"

PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true; }
trap cleanup EXIT

if [ -n "${MAILWARD_PORT:-}" ]; then
  PORT="$MAILWARD_PORT"
else
  LOG="$(mktemp)"
  node --import tsx bench/intake-server.ts 0 >"$LOG" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do
    PORT="$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$LOG")"
    [ -n "$PORT" ] && break
    sleep 0.1
  done
  [ -n "${PORT:-}" ] || { echo "intake: bench server did not start" >&2; cat "$LOG" >&2; exit 1; }
fi

for SESSIONS in 1 20; do
  START=$(date +%s.%N)
  "$SOURCE" -s "$SESSIONS" -l 4096 -m "$COUNT" -f a@example.test -t b@example.test "127.0.0.1:$PORT"
  END=$(date +%s.%N)
  awk -v n="$COUNT" -v s="$SESSIONS" -v a="$START" -v b="$END" \
    'BEGIN { printf "intake: %d sessions, %d messages of 4 KiB: %.0f messages/s (%.2f s)\n", s, n, n / (b - a), b - a }'
done
