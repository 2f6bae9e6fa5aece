/** isWhiteSpace and collapseSpace against the \s and /\s+/g they stand for. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { collapseSpace, isWhiteSpace } from './white-space.js';

describe('white space', () => {
  it('gives what replacing every white space run with one space gives', () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 100000);
    const chars = fc.constantFrom('a', 'b', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2028', 'é');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 30 }), (cs) => {
        const text = cs.join('');
        assert.equal(collapseSpace(text), text.replace(/\s+/g, ' '));
      }),
      { seed, numRuns: 3000 },
    );
  });
  it('hands back a string that has nothing to collapse as it is', () => {
    const text = 'one space only between words';
    assert.equal(collapseSpace(text), text);
    assert.equal(collapseSpace('a \t\n b\u00a0c'), 'a b c');
  });
  it('calls white space exactly what s calls white space, for every UTF-16 code unit', () => {
    for (let c = 0; c < 0x10000; c++) {
      assert.equal(isWhiteSpace(c), /\s/.test(String.fromCharCode(c)), `U+${c.toString(16)}`);
    }
  });
});
