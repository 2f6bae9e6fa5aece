#!/usr/bin/env bash
# Sourced by intake.sh and relay.sh (after lib-postfix.sh and lib-mailward.sh): the A B A B
# comparison and its table. The caller defines rate PORT SESSIONS COUNT CPUFN, which prints
# "msg/s cpu-ms-per-message". WARMUP=1000 messages go to each server first, unmeasured (0: none).
compare_header() {
  printf '%-8s | %-15s | %-15s | %-5s | %-6s | %-6s | %-8s | %s\n' sessions "mailward msg/s" "postfix msg/s" ratio "mw cpu" "pf cpu" "mw RSS MB" "pf RSS MB"
}
# compare_row SESSIONS COUNT MW_EXTRA_TOML PF_PORT [PF_RELAYHOST]
compare_row() {
  local s="$1" n="$2" m1 m2 p1 p2 mc1 mc2 pc1 pc2 mrss prss
  mw_start "$3"; postfix_start "$4" "${5:-}"
  # Warm-up, not measured: both servers reach their steady state (JIT, caches, database and
  # queue files grown, Postfix's smtpd/cleanup processes forked) before the timed runs.
  if [ "${WARMUP:-1000}" -gt 0 ]; then
    rate "$MW_PORT" "$s" "${WARMUP:-1000}" mw_cpu >/dev/null; rate "$4" "$s" "${WARMUP:-1000}" postfix_cpu >/dev/null
  fi
  read -r m1 mc1 < <(rate "$MW_PORT" "$s" "$n" mw_cpu); read -r p1 pc1 < <(rate "$4" "$s" "$n" postfix_cpu)
  read -r m2 mc2 < <(rate "$MW_PORT" "$s" "$n" mw_cpu); read -r p2 pc2 < <(rate "$4" "$s" "$n" postfix_cpu)
  mrss=$(mw_rss); prss=$(postfix_rss)
  mw_stop; postfix_stop
  awk -v s="$s" -v m1="$m1" -v m2="$m2" -v p1="$p1" -v p2="$p2" -v mc="$mc1 $mc2" -v pc="$pc1 $pc2" -v mr="$mrss" -v pr="$prss" 'BEGIN {
    m = (m1 + m2) / 2; p = (p1 + p2) / 2; split(mc, a, " "); split(pc, b, " ")
    printf "%-8d | %5.0f (%s,%s) | %5.0f (%s,%s) | %5.2f | %6.2f | %6.2f | %9.0f | %.0f\n",
      s, m, m1, m2, p, p1, p2, m / p, (a[1] + a[2]) / 2, (b[1] + b[2]) / 2, mr / 1024, pr / 1024 }'
}
