#!/usr/bin/env bash
# Bounce classification benchmark: mailward explain --jsonl against Debian's sisimai
# (libsisimai-perl) on the same corpus, same machine, same run. Prints messages per second
# and the score.py figures of both.
# Throughput is steady state: each tool runs once over the corpus and once over it REPEAT
# times; rate = extra messages / extra seconds, so process start-up does not count.
# Usage: bench/bounces.sh [CORPUS_DIR] (default test/fixtures/bounce-corpus); REPEAT=20.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-test/fixtures/bounce-corpus}
REPEAT=${REPEAT:-20}
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
  MAILWARD=(node --import tsx test/e2e/explain-cli-harness.ts explain --jsonl)
fi
SISIMAI=(perl bench/sisimai-jsonl.pl)

mapfile -t FILES < <(ls "$CORPUS"/*.eml)
MANY=()
for ((i = 0; i < REPEAT; i++)); do MANY+=("${FILES[@]}"); done
N1=${#FILES[@]}
NK=${#MANY[@]}

seconds() { # runs "$@" with output to $OUT/last, prints wall seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$OUT/last"
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}

report() { # name, command...
  local name=$1
  shift
  local t1 tk
  t1=$(seconds "$@" "${FILES[@]}")
  cp "$OUT/last" "$OUT/$name.jsonl"
  tk=$(seconds "$@" "${MANY[@]}")
  local rate
  rate=$(echo "($NK - $N1) / ($tk - $t1)" | bc -l)
  printf '%s\t%d msgs in %.2fs, %d msgs in %.2fs\t%.0f msgs/s (steady state)\n' "$name" "$N1" "$t1" "$NK" "$tk" "$rate"
  echo "$rate" >"$OUT/$name.rate"
}

echo "corpus: $CORPUS ($N1 files), repeat $REPEAT"
report mailward "${MAILWARD[@]}"
report sisimai "${SISIMAI[@]}"
printf 'speed ratio mailward/sisimai: %.1fx\n\n' "$(echo "$(cat "$OUT/mailward.rate") / $(cat "$OUT/sisimai.rate")" | bc -l)"

for name in mailward sisimai; do
  echo "== $name"
  python3 "$SCORE" --labels "$LABELS" --predictions "$OUT/$name.jsonl" --show 8
  echo
done
