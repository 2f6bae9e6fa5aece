/**
 * Durations as people write them in config and on the command line: "30s", "5m", "4h", "5d",
 * "1h30m", or a bare number of milliseconds. Pure helpers, no I/O.
 * Security: input comes from config files and the CLI; anything outside the grammar is refused.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/** Milliseconds for "5m", "1h30m", "250ms", "1500" (ms); null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const s = text.trim();
  if (/^\d+$/.test(s)) return Number(s);
  if (s === '') return null;
  let total = 0;
  PART.lastIndex = 0;
  let end = 0;
  for (let m = PART.exec(s); m; m = PART.exec(s)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    end = PART.lastIndex;
  }
  if (end !== s.length) return null;
  return Math.round(total);
}

/** Like parseDuration but throws: for values already validated by the config schema. */
export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  return ms;
}

/** Compact form for humans: 90000 → "1m30s", 432000000 → "5d". */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  if (rest > 0 && out === '') out = `${rest}ms`;
  return out;
}
