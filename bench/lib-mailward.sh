#!/usr/bin/env bash
# Sourced by the benches: starts and stops a private `mailward serve` (data in a temp dir, mx
# listener on a free loopback port, no TLS) the way a person runs it, with extra TOML appended.
# mw_start "EXTRA_TOML"   sets MW_PID, MW_PORT, MW_DIR. mw_stop stops it. mw_rss prints VmHWM (kB).
# mw_cpu prints the process's user+system CPU ticks so far (for CPU per message).
mw_start() {
  MW_DIR="$(mktemp -d /tmp/mailward-bench-mw-XXXXXX)"
  cat >"$MW_DIR/mailward.toml" <<CF
hostname = "mx.mailward.test"
log = { level = "warn" }
[[listeners]]
role = "mx"
port = 0
tls = "none"
[smtp]
max_connections_per_ip = 200
$1
CF
  node --import tsx src/cli/main.ts serve --data-dir "$MW_DIR" --config "$MW_DIR/mailward.toml" >"$MW_DIR/log" 2>&1 &
  MW_PID=$!
  for _ in $(seq 1 300); do
    MW_PORT="$(sed -n 's/.*listening: mx on [0-9.]*:\([0-9]*\).*/\1/p' "$MW_DIR/log" | head -1)"
    [ -n "$MW_PORT" ] && return 0
    sleep 0.1
  done
  echo "bench: mailward did not start" >&2
  cat "$MW_DIR/log" >&2
  return 1
}
mw_stop() {
  [ -n "${MW_PID:-}" ] || return 0
  kill "$MW_PID" 2>/dev/null || true
  wait "$MW_PID" 2>/dev/null || true
  MW_PID=""
  rm -rf "$MW_DIR"
}
mw_rss() { awk '/^VmHWM/ {print $2}' "/proc/$MW_PID/status"; }
mw_cpu() { awk '{print $14 + $15}' "/proc/$MW_PID/stat"; }
