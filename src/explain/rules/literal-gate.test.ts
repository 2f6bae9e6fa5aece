/**
 * The literal gate never hides a match: for every rule and every text (the rules' examples, the
 * texts the corpus makes the classifier look at, and random texts made of the rules' own
 * words), a pattern that matches has its rule marked as a candidate.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TEXT_RULES } from '../classify.js';
import { parseBounce } from '../parse-bounce.js';
import { LiteralGate, requiredRuns } from './literal-gate.js';

const gate = new LiteralGate(TEXT_RULES.map((r) => requiredRuns(r.text.source)));

function assertNoHiddenMatch(text: string): void {
  const possible = new Uint8Array(TEXT_RULES.length);
  gate.candidates(text, possible);
  TEXT_RULES.forEach((rule, i) => {
    if (rule.text.test(text)) {
      assert.ok(
        gate.gated[i] === 0 || possible[i] === 1,
        `${rule.reason} /${rule.text.source.slice(0, 60)}…/ on "${text}"`,
      );
    }
  });
}

describe('requiredRuns', () => {
  it('takes the longest required run of each alternative, cut to six characters', () => {
    assert.deepEqual(requiredRuns('\\bvirus|malware|\\bworm\\b'), ['virus', 'malwar', 'worm']);
    assert.deepEqual(requiredRuns('a?bcde|x{0,2}yyy|foo(?=bar)'), ['bcde', 'yyy', 'foo']);
    assert.deepEqual(requiredRuns('mail ?box full'), ['box fu']);
    assert.deepEqual(requiredRuns('relay(?:ing)? (?:access )?denied'), ['denied']);
  });
  it('falls back to the runs of a group the alternative cannot do without', () => {
    assert.deepEqual(requiredRuns('(?:user|mailbox)(?: is)? (?:full|over)'), ['user', 'mailbo']);
    assert.deepEqual(requiredRuns('(?:ab|cd)(?:efg|hij)'), ['efg', 'hij']);
  });
  it('gives up on a rule an alternative of which has no run of three characters', () => {
    assert.equal(requiredRuns('ab|cd'), null);
    assert.equal(requiredRuns('(?:ab|cd)?xy'), null);
    assert.equal(requiredRuns('x+y+z+'), null);
    assert.equal(requiredRuns('\\d{3} [a-z]+'), null);
  });
});

describe('LiteralGate', () => {
  it('marks the rules whose runs occur, once per text', () => {
    const g = new LiteralGate([['user', 'mailbo'], ['full'], null]);
    const out = new Uint8Array(3);
    g.candidates('the mailbox is full', out);
    assert.deepEqual([...out], [1, 1, 0]);
    g.candidates('no such person', out);
    assert.deepEqual([...out], [0, 0, 0]);
    assert.deepEqual([...g.gated], [1, 1, 0]);
  });
  it('hides no match of the rules on their examples', () => {
    for (const rule of TEXT_RULES) assertNoHiddenMatch(rule.example.toLowerCase());
  });
  it('hides no match on the texts the corpus makes the classifier read', () => {
    // Recorded where the classifier asks the gate, before any pattern runs: a text on which the
    // gate wrongly turned every rule away would never reach a pattern to be seen there.
    const seen = new Set<string>();
    const candidates = LiteralGate.prototype.candidates;
    LiteralGate.prototype.candidates = function (this: LiteralGate, text: string, out: Uint8Array) {
      seen.add(text);
      candidates.call(this, text, out);
    };
    try {
      const dir = join(import.meta.dirname, '../../../test/fixtures/bounce-corpus');
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.eml'))) parseBounce(readFileSync(join(dir, f)));
    } finally {
      LiteralGate.prototype.candidates = candidates;
    }
    assert.ok(seen.size > 100, `${seen.size} texts`);
    for (const text of seen) assertNoHiddenMatch(text);
  });
  it("hides no match on random texts made of the rules' own words", () => {
    const words = [...new Set(TEXT_RULES.flatMap((r) => r.text.source.match(/[a-z']+/g) ?? []))];
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 100000);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words, ' ', '-', '.', '5.1.1'), { maxLength: 12 }), (ws) => {
        assertNoHiddenMatch(ws.join(' '));
        assertNoHiddenMatch(ws.join(''));
      }),
      { seed, numRuns: 5000 },
    );
  });
});
