/**
 * A cheap first look for the text rules: every alternative of a rule's pattern contains a run
 * of plain characters that any match must contain ("mailbox", " exist"). One pass of an
 * Aho-Corasick automaton over a text finds which of those runs occur; a rule none of whose
 * runs occur cannot match, so its pattern is not tried. The verdicts are the same as trying
 * every pattern (literal-gate.test.ts checks that); only the work is less, as most rules do
 * not match most texts.
 */

/** Runs shorter than this gate nothing useful; a rule with such an alternative is always tried. */
const MIN_RUN = 3;
/** Only this many characters of a run are looked for: a piece of a required run is required. */
const MAX_RUN = 6;

/** Long enough to gate: MIN_RUN characters, or two that are not ASCII (容量). */
function gates(run: string): boolean {
  return run.length >= MIN_RUN || (run.length === 2 && /[^\x00-\x7f]/.test(run));
}

/**
 * Runs of plain characters of which every match of a pattern (no flags) contains at least one:
 * for each top-level alternative one piece of a run it cannot match without, or the pieces of
 * a group it cannot do without ("(?:user|mailbox) is" gives "user" and "mailbo"). Null when
 * some alternative has neither. Conservative: a construct it does not read ends the run.
 * Of the ways to gate an alternative, the one whose pieces `commonness` rates lowest in sum
 * is taken (a rare piece lets fewer texts through to the pattern), then the longest piece.
 */
export function requiredRuns(source: string, commonness: (piece: string) => number = () => 0): string[] | null {
  const runs: string[] = [];
  /** The cheapest way found so far to gate the current alternative: one piece, or a group's pieces. */
  let best: string[] | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  let run = '';
  const consider = (pieces: string[]) => {
    const score = pieces.reduce((n, p) => n + commonness(p) + 0.5, 0);
    const longer =
      best !== null && pieces.length === 1 && best.length === 1 && (pieces[0]?.length ?? 0) > (best[0]?.length ?? 0);
    if (score < bestScore || (score === bestScore && longer)) {
      best = pieces;
      bestScore = score;
    }
  };
  const endRun = () => {
    if (gates(run)) for (let k = 0; k === 0 || k + MAX_RUN <= run.length; k++) consider([run.slice(k, k + MAX_RUN)]);
    run = '';
  };
  const endAlternative = (): boolean => {
    endRun();
    if (!best) return false;
    runs.push(...(best as string[]));
    best = null;
    bestScore = Number.POSITIVE_INFINITY;
    return true;
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '|') {
      if (!endAlternative()) return null;
      i++;
      continue;
    }
    let literal: string | null = null;
    let inner: string | null = null;
    let next = i + 1;
    if (c === '\\') {
      const e = source[i + 1] ?? '';
      next = i + 2;
      if (/[.\-/()[\]{}?*+$^|\\'"!#%&,:;<=>@_`~ ]/.test(e)) literal = e;
      else if (e === 'u' || e === 'x' || e === 'c' || e === 'k' || e === 'p' || e === 'P') return null;
    } else if (c === '[') {
      next = skipClass(source, i);
    } else if (c === '(') {
      next = skipGroup(source, i);
      if (next < 0) return null;
      inner = groupBody(source.slice(i, next));
    } else if (c === ')' || c === ']' || c === '{' || c === '}' || c === '?' || c === '*' || c === '+') {
      return null; // not where this reader expects it: give up on gating this rule
    } else if (c !== '.' && c !== '^' && c !== '$') {
      literal = c;
    }
    // A quantifier after the atom: optional ones drop it, repeated ones end the run after it.
    const q = source[next];
    let optional = false;
    let repeated = false;
    if (q === '?' || q === '*') {
      optional = true;
      next++;
    } else if (q === '+') {
      repeated = true;
      next++;
    } else if (q === '{') {
      const close = source.indexOf('}', next);
      if (close < 0) return null;
      optional = /^\{0\s*(?:,|\})/.test(source.slice(next, close + 1));
      repeated = !optional;
      next = close + 1;
    }
    if (source[next] === '?' && (optional || repeated)) next++; // lazy quantifier
    if (literal !== null && !optional) {
      run += literal;
      if (repeated) endRun();
    } else {
      endRun();
      if (inner !== null && !optional) {
        const inside = requiredRuns(inner, commonness);
        if (inside) consider(inside);
      }
    }
    i = next;
  }
  return endAlternative() ? runs : null;
}

/** The pattern inside a capturing or (?:) group; null for lookarounds, which consume nothing. */
function groupBody(g: string): string | null {
  if (!g.startsWith('(?')) return g.slice(1, -1);
  if (g.startsWith('(?:')) return g.slice(3, -1);
  const named = /^\(\?<([A-Za-z_$][\w$]*)>/.exec(g);
  return named ? g.slice(named[0].length, -1) : null;
}

/** Index just past the character class that starts at `i`. */
function skipClass(s: string, i: number): number {
  let j = i + 1;
  if (s[j] === '^') j++;
  if (s[j] === ']') j++;
  while (j < s.length && s[j] !== ']') j += s[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** Index just past the group that starts at `i`, or -1 when it does not close. */
function skipGroup(s: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const c = s[j];
    if (c === '\\') j += 2;
    else if (c === '[') j = skipClass(s, j);
    else {
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return j + 1;
      j++;
    }
  }
  return -1;
}

/** An Aho-Corasick automaton over the required runs of many rules, as a full transition table. */
export class LiteralGate {
  /** Per rule: whether it is gated (has runs); an ungated rule is always tried. */
  readonly gated: Uint8Array;
  readonly #symbol = new Uint8Array(65536);
  readonly #symbols: number;
  readonly #next: Uint16Array;
  /** Per state: the rules whose runs end here (following failure links), or undefined. */
  readonly #hits: (number[] | undefined)[];

  constructor(runsPerRule: (string[] | null)[]) {
    this.gated = Uint8Array.from(runsPerRule, (r) => (r ? 1 : 0));
    // Symbols: 0 for any character no run uses, then one per character used.
    let symbols = 1;
    for (const runs of runsPerRule)
      for (const run of runs ?? [])
        for (let k = 0; k < run.length; k++) {
          const code = run.charCodeAt(k);
          if (this.#symbol[code] === 0) this.#symbol[code] = symbols++;
        }
    if (symbols > 255) throw new Error('literal gate: too many distinct characters');
    this.#symbols = symbols;
    // The trie, then failure links breadth first, folded into full transitions.
    const goto: Map<number, number>[] = [new Map()];
    const hits: Set<number>[] = [new Set()];
    runsPerRule.forEach((runs, rule) => {
      for (const run of runs ?? []) {
        let state = 0;
        for (let k = 0; k < run.length; k++) {
          const sym = this.#symbol[run.charCodeAt(k)] as number;
          let to = goto[state]?.get(sym);
          if (to === undefined) {
            to = goto.length;
            goto.push(new Map());
            hits.push(new Set());
            goto[state]?.set(sym, to);
          }
          state = to;
        }
        hits[state]?.add(rule);
      }
    });
    if (goto.length > 0xffff) throw new Error('literal gate: too many states');
    const next = new Uint16Array(goto.length * symbols);
    const fail = new Int32Array(goto.length);
    const queue: number[] = [];
    for (let sym = 0; sym < symbols; sym++) {
      const to = goto[0]?.get(sym) ?? 0;
      next[sym] = to;
      if (to !== 0) queue.push(to);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number;
      const f = fail[state] as number;
      for (const r of hits[f] ?? []) hits[state]?.add(r);
      for (let sym = 0; sym < symbols; sym++) {
        const to = goto[state]?.get(sym);
        if (to === undefined) {
          next[state * symbols + sym] = next[f * symbols + sym] as number;
        } else {
          next[state * symbols + sym] = to;
          fail[to] = next[f * symbols + sym] as number;
          queue.push(to);
        }
      }
    }
    this.#next = next;
    this.#hits = hits.map((h) => (h.size ? [...h] : undefined));
  }

  /** Marks in `out` (one byte per rule, cleared here) the gated rules whose runs occur in `text`. */
  candidates(text: string, out: Uint8Array): void {
    out.fill(0);
    const symbol = this.#symbol;
    const next = this.#next;
    const symbols = this.#symbols;
    let state = 0;
    for (let k = 0; k < text.length; k++) {
      state = next[state * symbols + (symbol[text.charCodeAt(k)] as number)] as number;
      const hit = this.#hits[state];
      if (hit) for (const r of hit) out[r] = 1;
    }
  }
}
