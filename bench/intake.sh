#!/usr/bin/env bash
# Intake benchmark: Postfix's smtp-source sends 4 KiB messages over loopback to the real
# `mailward serve` and to a private Postfix, alternating A B A B, with 1, 20 and 100 sessions.
# Same work on both sides: accept into a durable queue (250 only after fsync) and hold it there:
# Postfix by `defer_transports = smtp`, mailward by `queue.defer_domains` (the same feature), so
# neither tries a delivery. ROUTE=1 instead routes mailward's recipient domain to a closed loopback
# port, so its runner also makes a (refused) connection and records a deferral per message.
# LOCAL=1 sends to a local mailbox, which mailward then delivers into a Maildir while it takes more in.
# Prints msg/s for each, the ratio mailward/Postfix, CPU milliseconds per message (all processes
# of each server) and peak RSS: mailward's node process VmHWM; Postfix = sum of VmHWM of its
# smtpd + cleanup processes after the run.
# Usage: bench/intake.sh   (COUNTS="1:1500 20:6000 100:6000" messages per run; aim for ≥ 10 s)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib-postfix.sh
. bench/lib-mailward.sh
. bench/lib-compare.sh
COUNTS="${COUNTS:-1:1500 20:6000 100:6000}"
SOURCE=/usr/sbin/smtp-source
[ -x "$SOURCE" ] || { echo "intake: needs postfix (scripts/install-test-tools.sh)" >&2; exit 1; }
RCPT=someone@remote.test
MW_EXTRA='[queue]
defer_domains = ["remote.test"]'
if [ "${ROUTE:-}" = 1 ]; then MW_EXTRA='[delivery.routes]
"remote.test" = "127.0.0.1:9"'; fi
if [ "${LOCAL:-}" = 1 ]; then RCPT=postmaster@example.test; MW_EXTRA=''; fi

trap 'mw_stop; postfix_stop' EXIT

# rate PORT SESSIONS COUNT CPUFN -> "msg/s cpu-ms-per-message"
rate() {
  local a b c0 c1
  c0=$($4); a=$(date +%s.%N)
  "$SOURCE" -s "$2" -l 4096 -m "$3" -f friend@outside.test -t "$RCPT" "127.0.0.1:$1" >/dev/null
  b=$(date +%s.%N); c1=$($4)
  awk -v n="$3" -v a="$a" -v b="$b" -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.0f %.2f\n", n / (b - a), c * 1000 / hz / n }'
}

PF_PORT=$((20000 + RANDOM % 20000))
echo "recipient $RCPT; 4 KiB messages; A B A B; cpu = ms of CPU per message, all processes of the server"
compare_header
for pair in $COUNTS; do
  S="${pair%%:*}"; N="${pair##*:}"
  compare_row "$S" "$N" "$MW_EXTRA" "$PF_PORT"
done
