#!/usr/bin/env bash
# Bounce classification benchmark: mailward explain --jsonl against Debian's sisimai
# (libsisimai-perl) on the same corpus, same machine, same run. Prints messages per second
# and the score.py figures of both.
# Throughput is steady state: each tool runs over the corpus once and over it REPEAT times;
# rate = extra messages / extra seconds, so process start-up does not count. Seconds are CPU
# seconds (user + system, all threads), the best of TRIALS runs with the two tools
# alternating: on a shared machine wall time measures the neighbours more than the tool.
# Usage: bench/bounces.sh [CORPUS_DIR] (default test/fixtures/bounce-corpus); REPEAT=30 TRIALS=3.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-test/fixtures/bounce-corpus}
REPEAT=${REPEAT:-30}
TRIALS=${TRIALS:-3}
LABELS=${LABELS:-$CORPUS/labels.jsonl}
SCORE=test/fixtures/bounce-corpus/score.py
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

if ! perl -MSisimai -e1 2>/dev/null; then
  apt-get install -y libsisimai-perl >/dev/null || { apt-get update >/dev/null && apt-get install -y libsisimai-perl >/dev/null; }
fi

# Until the integrator wires `explain` into cli/main.ts, the harness runs the same command.
if ./bin/mailward explain --help >/dev/null 2>&1; then
  MAILWARD=(./bin/mailward explain --jsonl)
else
  MAILWARD=(node --import tsx src/cli/commands/explain.ts explain --jsonl)
fi
SISIMAI=(perl bench/sisimai-jsonl.pl)

mapfile -t FILES < <(ls "$CORPUS"/*.eml)
MANY=()
for ((i = 0; i < REPEAT; i++)); do MANY+=("${FILES[@]}"); done
N1=${#FILES[@]}
NK=${#MANY[@]}

seconds() { # runs "$@" with output to $OUT/last; prints the CPU seconds (user + system) it used
  /usr/bin/time -f '%U %S' -o "$OUT/time" "$@" >"$OUT/last"
  awk '{ print $1 + $2 }' "$OUT/time"
}

best() { # the smaller of two numbers
  if [ -z "$1" ] || (($(echo "$2 < $1" | bc -l))); then echo "$2"; else echo "$1"; fi
}

declare -A T1 TK
for ((trial = 0; trial < TRIALS; trial++)); do
  for name in mailward sisimai; do
    if [ "$name" = mailward ]; then cmd=("${MAILWARD[@]}"); else cmd=("${SISIMAI[@]}"); fi
    t=$(seconds "${cmd[@]}" "${FILES[@]}")
    cp "$OUT/last" "$OUT/$name.jsonl"
    T1[$name]=$(best "${T1[$name]:-}" "$t")
    t=$(seconds "${cmd[@]}" "${MANY[@]}")
    TK[$name]=$(best "${TK[$name]:-}" "$t")
  done
done

echo "corpus: $CORPUS ($N1 files), repeat $REPEAT, best of $TRIALS"
for name in mailward sisimai; do
  rate=$(echo "($NK - $N1) / (${TK[$name]} - ${T1[$name]})" | bc -l)
  printf '%s\t%d msgs in %.2fs, %d msgs in %.2fs\t%.0f msgs per CPU second (steady state)\n' "$name" "$N1" "${T1[$name]}" "$NK" "${TK[$name]}" "$rate"
  echo "$rate" >"$OUT/$name.rate"
done
printf 'speed ratio mailward/sisimai: %.1fx\n\n' "$(echo "$(cat "$OUT/mailward.rate") / $(cat "$OUT/sisimai.rate")" | bc -l)"
# For reference: parseBounce alone, in one warm process, without file reads or start-up.
PARSE_ONLY=$(node --import tsx -e "
const { parseBounce } = await import('./src/explain/parse-bounce.ts');
const fs = await import('node:fs');
const dir = process.argv[1];
const bufs = fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => fs.readFileSync(dir + '/' + f));
for (let k = 0; k < 5; k++) for (const b of bufs) parseBounce(b);
const c0 = process.cpuUsage();
let n = 0;
for (let k = 0; k < $REPEAT; k++) for (const b of bufs) { parseBounce(b); n++; }
const c = process.cpuUsage(c0);
console.log(Math.round(n / ((c.user + c.system) / 1e6)));
" "$CORPUS")
printf 'mailward parseBounce alone (warm, no file reads): %s msgs per CPU second\n\n' "$PARSE_ONLY"

for name in mailward sisimai; do
  echo "== $name"
  python3 "$SCORE" --labels "$LABELS" --predictions "$OUT/$name.jsonl" --show 8
  echo
done
