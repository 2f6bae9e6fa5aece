/**
 * findAddresses against the regular expression it replaces: the same matches on every corpus
 * notice and on random strings made of the characters that decide a match.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findAddresses } from './address-scan.js';

const PATTERN = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~"-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+/g;
const byRegex = (text: string) => [...text.matchAll(PATTERN)].map((m) => ({ address: m[0], index: m.index ?? 0 }));

describe('findAddresses', () => {
  it('finds what the pattern finds on the whole corpus', () => {
    const dir = join(import.meta.dirname, '../../../test/fixtures/bounce-corpus');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.eml'))) {
      const text = readFileSync(join(dir, f), 'latin1');
      assert.deepEqual(findAddresses(text), byRegex(text), f);
    }
  });
  it('finds what the pattern finds on random strings of the deciding characters', () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 100000);
    const chars = fc.constantFrom(...'aZ09-._@@ <>"+é\n'.split(''));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }), (cs) => {
        const text = cs.join('');
        assert.deepEqual(findAddresses(text), byRegex(text));
      }),
      { seed, numRuns: 3000 },
    );
  });
  it('handles the edges by example', () => {
    assert.deepEqual(findAddresses('x <bob@example.org>, a@b@c.com'), [
      { address: 'bob@example.org', index: 3 },
      { address: 'b@c.com', index: 23 },
    ]);
    // A label may not end or start with "-"; a trailing dot is not part of the host; one label is no host.
    assert.deepEqual(findAddresses('a@b-.com a@-b.com a@b.c.@ a@b'), [{ address: 'a@b.c', index: 18 }]);
  });
});
