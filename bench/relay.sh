#!/usr/bin/env bash
# Durable intake over SMTP, measured with Postfix's smtp-source (Debian package "postfix"):
# N messages of SIZE octets over SESSIONS parallel sessions to a running mailward, then
# messages per second. Compare with Postfix itself on the same machine (target: ≥ 1.5×).
#
#   bench/relay.sh [host:port=127.0.0.1:2525] [messages=5000] [sessions=20] [size=4096]
#
# The recipient must be one the server accepts (RCPT=user@example.test by default; set RCPT
# and FROM in the environment). Start the server with UV_THREADPOOL_SIZE=32 or more: each
# message's fdatasync runs in libuv's pool, 4 threads by default.
# Until `mailward serve` is wired, bench/smtp-intake.ts measures the SMTP engine + intake in-process.
# Not part of `npm test`.
set -euo pipefail
target=${1:-127.0.0.1:2525}
count=${2:-5000}
sessions=${3:-20}
size=${4:-4096}
from=${FROM:-bench@example.test}
rcpt=${RCPT:-postmaster@example.test}

if ! command -v smtp-source >/dev/null 2>&1; then
  echo "relay.sh: smtp-source not found; apt-get install postfix (it ships /usr/sbin/smtp-source)" >&2
  exit 1
fi

start=$(date +%s.%N)
smtp-source -c -s "$sessions" -m "$count" -l "$size" -f "$from" -t "$rcpt" "$target" >/dev/null
end=$(date +%s.%N)
python3 - "$start" "$end" "$count" "$sessions" "$size" <<'PY'
import sys
start, end, count, sessions, size = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
secs = end - start
print(f"{count} messages of {size} octets over {sessions} sessions in {secs:.2f} s: {count / secs:.0f} msg/s")
PY
