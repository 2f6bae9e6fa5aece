#!/usr/bin/env bash
# End-to-end relay benchmark: smtp-source sends 4 KiB messages from 127.0.0.1 (a trusted
# network on both servers, so relaying is allowed as after AUTH — smtp-source cannot AUTH)
# to someone@remote.test; mailward routes remote.test to Postfix's smtp-sink, the private
# Postfix uses it as relayhost. The clock stops when smtp-sink has received every message.
# Alternates A B A B; prints msg/s end to end, the ratio, CPU ms per message and peak RSS.
# Usage: bench/relay.sh   (COUNTS="1:1000 20:4000" messages per run; aim for ≥ 10 s)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib-postfix.sh
. bench/lib-mailward.sh
. bench/lib-compare.sh
COUNTS="${COUNTS:-1:1000 20:4000}"
SOURCE=/usr/sbin/smtp-source
SINK=/usr/sbin/smtp-sink
[ -x "$SOURCE" ] && [ -x "$SINK" ] || { echo "relay: needs postfix (scripts/install-test-tools.sh)" >&2; exit 1; }
SINK_PID=""
SINK_OUT="$(mktemp /tmp/mailward-bench-sink-XXXXXX)"
trap 'mw_stop; postfix_stop; [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null; rm -f "$SINK_OUT"' EXIT

SINK_PORT=$((20000 + RANDOM % 10000))
PF_PORT=$((30000 + RANDOM % 10000))
# -c: running counters ("mesg=N") after each session; backlog 256
"$SINK" -u postfix -c "127.0.0.1:$SINK_PORT" 256 >"$SINK_OUT" 2>&1 &
SINK_PID=$!
sleep 0.3

sunk() { tr '\r' '\n' <"$SINK_OUT" | sed -n 's/.*mesg=\([0-9]*\).*/\1/p' | tail -1; }

# rate PORT SESSIONS COUNT CPUFN -> "msg/s cpu-ms-per-message" (end to end: until the sink has them)
rate() {
  local a b c0 c1 base want
  base=$(sunk); base=${base:-0}; want=$((base + $3))
  c0=$($4); a=$(date +%s.%N)
  "$SOURCE" -s "$2" -l 4096 -m "$3" -f friend@outside.test -t someone@remote.test "127.0.0.1:$1" >/dev/null
  for _ in $(seq 1 6000); do
    [ "$(sunk)" -ge "$want" ] && break
    sleep 0.01
  done
  b=$(date +%s.%N); c1=$($4)
  [ "$(sunk)" -ge "$want" ] || { echo "relay: only $(($(sunk) - base)) of $3 arrived" >&2; exit 1; }
  awk -v n="$3" -v a="$a" -v b="$b" -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.0f %.2f\n", n / (b - a), c * 1000 / hz / n }'
}

MW_EXTRA="[delivery.routes]
\"remote.test\" = \"127.0.0.1:$SINK_PORT\""
echo "smtp-source -> server -> smtp-sink; 4 KiB messages; A B A B; cpu = ms of CPU per message, all server processes"
compare_header
for pair in $COUNTS; do
  S="${pair%%:*}"; N="${pair##*:}"
  compare_row "$S" "$N" "$MW_EXTRA" "$PF_PORT" "[127.0.0.1]:$SINK_PORT"
done
