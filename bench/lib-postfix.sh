#!/usr/bin/env bash
# Sourced by the benches: starts and stops a private Postfix instance (Debian's binaries,
# config/queue/data in a temp dir, smtpd on a loopback port) without touching the system one.
# postfix_start PORT [RELAYHOST]   no RELAYHOST: accept into the queue and defer (durable intake).
# Sets PF_DIR. postfix_stop stops it and removes the dir. postfix_rss sums smtpd+cleanup VmHWM (kB).
postfix_start() {
  local port="$1" relay="${2:-}"
  PF_DIR="$(mktemp -d /tmp/mailward-bench-postfix-XXXXXX)"
  chmod 755 "$PF_DIR" # master drops to the postfix user and must reach data/master.lock
  mkdir -p "$PF_DIR/etc" "$PF_DIR/queue" "$PF_DIR/data"
  chown postfix:postfix "$PF_DIR/queue" "$PF_DIR/data"
  local route="defer_transports = smtp relay
relayhost = [127.0.0.1]:9"
  [ -n "$relay" ] && route="relayhost = $relay"
  cat >"$PF_DIR/etc/main.cf" <<CF
compatibility_level = 3.6
config_directory = $PF_DIR/etc
queue_directory = $PF_DIR/queue
data_directory = $PF_DIR/data
mail_owner = postfix
myhostname = postfix.mailward.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
disable_dns_lookups = yes
smtp_host_lookup = native
smtp_tls_security_level = none
alias_maps =
alias_database =
default_process_limit = 200
smtpd_client_connection_count_limit = 0
smtpd_client_message_rate_limit = 0
$route
CF
  # Debian's services without chroot (a chroot would need copies of /etc files in the queue).
  grep -E '^(pickup|cleanup|qmgr|tlsmgr|rewrite|bounce|defer|trace|verify|flush|proxymap|smtp|relay|showq|error|retry|discard|anvil|scache|postlog) ' /etc/postfix/master.cf |
    awk '{ $5 = "n"; print }' >"$PF_DIR/etc/master.cf"
  echo "127.0.0.1:$port inet n - n - - smtpd" >>"$PF_DIR/etc/master.cf"
  /usr/sbin/postfix -c "$PF_DIR/etc" start >/dev/null 2>&1 || { echo "postfix: start failed in $PF_DIR" >&2; return 1; }
}
postfix_stop() {
  [ -n "${PF_DIR:-}" ] || return 0
  /usr/sbin/postfix -c "$PF_DIR/etc" stop >/dev/null 2>&1 || true
  sleep 0.5
  rm -rf "$PF_DIR"
  PF_DIR=""
}
postfix_rss() {
  # The instance's smtpd and cleanup processes are children of its master.
  local master total=0 pid kb
  master="$(tr -d ' ' <"$PF_DIR/queue/pid/master.pid")"
  for pid in $(pgrep -P "$master" -x 'smtpd|cleanup'); do
    kb="$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)"
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}
postfix_cpu() {
  # CPU ticks (user+system) of the instance: its master with reaped children, and the live ones.
  local master total
  master="$(tr -d ' ' <"$PF_DIR/queue/pid/master.pid")"
  total="$(awk '{print $14 + $15 + $16 + $17}' "/proc/$master/stat")"
  for pid in $(pgrep -P "$master"); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
