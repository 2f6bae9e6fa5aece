#!/usr/bin/env bash
# Bounce classification benchmark: mailward explain --jsonl against Debian's sisimai
# (libsisimai-perl) on the same corpus, same machine, same run. Prints messages per second
# and the score.py figures of both.
# Each tool runs over the corpus once, REPEAT times and LONG times in one process. Three rates:
#   one pass         = the corpus once, start-up included: what `explain --jsonl` over a folder costs;
#   warm-up included = (REPEAT - 1) passes / their extra seconds: start-up does not count, but
#                      V8's compiling of the hot code (on its background threads) still does;
#   steady state     = (LONG - REPEAT) passes / their extra seconds: what a long-running
#                      process (the server's bounce intake, a big --jsonl batch) pays per message.
# Perl compiles once at start-up, so sisimai's warm-up and steady rates agree. Seconds are CPU seconds
# (user + system, all threads), the best of TRIALS runs with the two tools alternating: on a
# shared machine wall time measures the neighbours more than the tool.
# The steady rate is the difference of two runs; 200 passes between them keep a hiccup of the
# machine small against it (with 100, one of 0.1 s moved mailward's rate by 8%).
# Usage: bench/bounces.sh [CORPUS_DIR] (default test/fixtures/bounce-corpus); REPEAT=30 LONG=230 TRIALS=3.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CORPUS=$(cd "${1:-test/fixtures/bounce-corpus}" && pwd)
REPEAT=${REPEAT:-30}
LONG=${LONG:-230}
TRIALS=${TRIALS:-3}
LABELS=${LABELS:-$CORPUS/labels.jsonl}
SCORE=$ROOT/test/fixtures/bounce-corpus/score.py
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

if ! perl -MSisimai -e1 2>/dev/null; then
  apt-get install -y libsisimai-perl >/dev/null || { apt-get update >/dev/null && apt-get install -y libsisimai-perl >/dev/null; }
fi

MAILWARD=("$ROOT/bin/mailward" explain --jsonl)
SISIMAI=(perl "$ROOT/bench/sisimai-jsonl.pl")

# Both tools run in the corpus folder on bare file names: LONG passes of full paths would pass
# the kernel's limit on the length of a command line.
cd "$CORPUS"
mapfile -t FILES < <(ls -- *.eml)
MANY=()
for ((i = 0; i < REPEAT; i++)); do MANY+=("${FILES[@]}"); done
MOST=()
for ((i = 0; i < LONG; i++)); do MOST+=("${FILES[@]}"); done
N1=${#FILES[@]}
NK=${#MANY[@]}
NL=${#MOST[@]}

seconds() { # runs "$@" with output to $OUT/last; prints the CPU seconds (user + system) it used
  /usr/bin/time -f '%U %S' -o "$OUT/time" "$@" >"$OUT/last"
  awk '{ print $1 + $2 }' "$OUT/time"
}

best() { # the smaller of two numbers
  if [ -z "$1" ] || (($(echo "$2 < $1" | bc -l))); then echo "$2"; else echo "$1"; fi
}

declare -A T1 TK TL
for ((trial = 0; trial < TRIALS; trial++)); do
  for name in mailward sisimai; do
    if [ "$name" = mailward ]; then cmd=("${MAILWARD[@]}"); else cmd=("${SISIMAI[@]}"); fi
    t=$(seconds "${cmd[@]}" "${FILES[@]}")
    cp "$OUT/last" "$OUT/$name.jsonl"
    T1[$name]=$(best "${T1[$name]:-}" "$t")
    t=$(seconds "${cmd[@]}" "${MANY[@]}")
    TK[$name]=$(best "${TK[$name]:-}" "$t")
    t=$(seconds "${cmd[@]}" "${MOST[@]}")
    TL[$name]=$(best "${TL[$name]:-}" "$t")
  done
done

echo "corpus: $CORPUS ($N1 files), passes 1, $REPEAT and $LONG, best of $TRIALS"
for name in mailward sisimai; do
  once=$(echo "$N1 / ${T1[$name]}" | bc -l)
  warm=$(echo "($NK - $N1) / (${TK[$name]} - ${T1[$name]})" | bc -l)
  steady=$(echo "($NL - $NK) / (${TL[$name]} - ${TK[$name]})" | bc -l)
  printf '%s\t%d msgs in %.2fs, %d in %.2fs, %d in %.2fs\t%.0f msgs per CPU second in one pass, %.0f with warm-up, %.0f steady state\n' \
    "$name" "$N1" "${T1[$name]}" "$NK" "${TK[$name]}" "$NL" "${TL[$name]}" "$once" "$warm" "$steady"
  echo "$once" >"$OUT/$name.once"
  echo "$warm" >"$OUT/$name.warm"
  echo "$steady" >"$OUT/$name.steady"
done
printf 'speed ratio mailward/sisimai: %.2fx in one pass, %.1fx with warm-up, %.1fx steady state\n\n' \
  "$(echo "$(cat "$OUT/mailward.once") / $(cat "$OUT/sisimai.once")" | bc -l)" \
  "$(echo "$(cat "$OUT/mailward.warm") / $(cat "$OUT/sisimai.warm")" | bc -l)" \
  "$(echo "$(cat "$OUT/mailward.steady") / $(cat "$OUT/sisimai.steady")" | bc -l)"
# For reference: parseBounce alone, in one warm process, without file reads or start-up.
PARSE_ONLY=$(cd "$ROOT" && node --import tsx -e "
const { parseBounce } = await import('./src/explain/parse-bounce.ts');
const fs = await import('node:fs');
const dir = process.argv[1];
const bufs = fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => fs.readFileSync(dir + '/' + f));
for (let k = 0; k < $REPEAT; k++) for (const b of bufs) parseBounce(b);
const c0 = process.cpuUsage();
let n = 0;
for (let k = $REPEAT; k < $LONG; k++) for (const b of bufs) { parseBounce(b); n++; }
const c = process.cpuUsage(c0);
console.log(Math.round(n / ((c.user + c.system) / 1e6)));
" "$CORPUS")
printf 'mailward parseBounce alone (steady state, no file reads): %s msgs per CPU second\n\n' "$PARSE_ONLY"

for name in mailward sisimai; do
  echo "== $name"
  python3 "$SCORE" --labels "$LABELS" --predictions "$OUT/$name.jsonl" --show 8
  echo
done
