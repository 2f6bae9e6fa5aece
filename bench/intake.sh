#!/usr/bin/env bash
# Intake benchmark: Postfix's smtp-source sends 4 KiB messages over loopback to the real
# `mailward serve` (durable SQLite queue, 250 after commit) and to a private Postfix that
# accepts into its queue and defers (same durability), alternating A B A B, with 1, 20 and
# 100 sessions. Prints msg/s for each, the ratio mailward/Postfix, and peak RSS: mailward's
# node process VmHWM; Postfix = sum of VmHWM of its smtpd + cleanup processes after the run.
# Usage: bench/intake.sh   (COUNTS="1:1500 20:6000 100:6000" to change messages per run)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib-postfix.sh
COUNTS="${COUNTS:-1:1500 20:6000 100:6000}"
SOURCE=/usr/sbin/smtp-source
[ -x "$SOURCE" ] || { echo "intake: needs postfix (scripts/install-test-tools.sh)" >&2; exit 1; }

WORK="$(mktemp -d /tmp/mailward-bench-intake-XXXXXX)"
MW_PID=""
cleanup() { [ -n "$MW_PID" ] && kill "$MW_PID" 2>/dev/null; postfix_stop; rm -rf "$WORK"; }
trap cleanup EXIT

mw_start() {
  rm -rf "$WORK/mw"; mkdir -p "$WORK/mw"
  cat >"$WORK/mw/mailward.toml" <<CF
hostname = "mx.mailward.test"
log = { level = "warn" }
[[listeners]]
role = "mx"
port = 0
tls = "none"
[smtp]
max_connections_per_ip = 200
CF
  node --import tsx src/cli/main.ts serve --data-dir "$WORK/mw" --config "$WORK/mw/mailward.toml" >"$WORK/mw.log" 2>&1 &
  MW_PID=$!
  for _ in $(seq 1 300); do
    MW_PORT="$(sed -n 's/.*listening: mx on [0-9.]*:\([0-9]*\).*/\1/p' "$WORK/mw.log" | head -1)"
    [ -n "$MW_PORT" ] && return 0
    sleep 0.1
  done
  echo "intake: mailward did not start" >&2; cat "$WORK/mw.log" >&2; exit 1
}
mw_stop() { kill "$MW_PID" 2>/dev/null; wait "$MW_PID" 2>/dev/null || true; MW_PID=""; }

# rate PORT SESSIONS COUNT -> msg/s
rate() {
  local a b
  a=$(date +%s.%N)
  "$SOURCE" -s "$2" -l 4096 -m "$3" -f friend@outside.test -t postmaster@example.test "127.0.0.1:$1" >/dev/null
  b=$(date +%s.%N)
  awk -v n="$3" -v a="$a" -v b="$b" 'BEGIN { printf "%.0f", n / (b - a) }'
}

PF_PORT=$((20000 + RANDOM % 20000))
printf '%-8s | %-13s | %-13s | %-5s | %-16s | %s\n' sessions "mailward msg/s" "postfix msg/s" ratio "mailward RSS MB" "postfix RSS MB"
for pair in $COUNTS; do
  S="${pair%%:*}"; N="${pair##*:}"
  mw_start; postfix_start "$PF_PORT"
  M1=$(rate "$MW_PORT" "$S" "$N"); P1=$(rate "$PF_PORT" "$S" "$N")
  M2=$(rate "$MW_PORT" "$S" "$N"); P2=$(rate "$PF_PORT" "$S" "$N")
  MRSS=$(awk '/^VmHWM/ {print $2}' "/proc/$MW_PID/status"); PRSS=$(postfix_rss)
  mw_stop; postfix_stop
  awk -v s="$S" -v m1="$M1" -v m2="$M2" -v p1="$P1" -v p2="$P2" -v mr="$MRSS" -v pr="$PRSS" 'BEGIN {
    m = (m1 + m2) / 2; p = (p1 + p2) / 2
    printf "%-8d | %5.0f (%s,%s) | %5.0f (%s,%s) | %5.2f | %16.0f | %.0f\n", s, m, m1, m2, p, p1, p2, m / p, mr / 1024, pr / 1024 }'
done
