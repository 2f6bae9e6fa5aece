#!/bin/sh
# Slowloris benchmark (issue #7): 500 slow connections vs. one normal client sending 1,000
# messages, with raised and default connection limits. Loopback only. Env: SLOW, MESSAGES.
set -eu
cd "$(dirname "$0")/.."
exec node --import tsx bench/slow-clients.ts
