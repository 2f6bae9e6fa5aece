/**
 * MAIL/RCPT argument splitting (RFC 5321 §4.1.2) and xtext (RFC 3461 §4).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeXtext, splitPathAndParams } from './params.js';

describe('splitPathAndParams', () => {
  it('finds the path end outside quotes and upper-cases parameter names', () => {
    const r = splitPathAndParams('<"a>b c"@x.test> size=10 SMTPUTF8');
    assert.deepEqual(r, {
      ok: true,
      path: '<"a>b c"@x.test>',
      params: new Map<string, string | true>([
        ['SIZE', '10'],
        ['SMTPUTF8', true],
      ]),
    });
  });

  it('tolerates one space before the path, refuses garbage, duplicates and bad values', () => {
    assert.equal(splitPathAndParams(' <a@b>').ok, true);
    assert.deepEqual(splitPathAndParams('a@b'), {
      ok: false,
      reason: 'path',
      detail: 'address must be enclosed in <>',
    });
    assert.deepEqual(splitPathAndParams('<a@b>x'), { ok: false, reason: 'path', detail: 'garbage after the address' });
    assert.deepEqual(splitPathAndParams('<a@b'), { ok: false, reason: 'path', detail: 'missing closing >' });
    assert.deepEqual(splitPathAndParams('<a@b> A=1 a=2'), {
      ok: false,
      reason: 'param',
      detail: 'duplicate parameter A',
    });
    assert.deepEqual(splitPathAndParams('<a@b> A=1=2'), { ok: false, reason: 'param', detail: 'bad value for A' });
    assert.deepEqual(splitPathAndParams('<a@b> _X'), { ok: false, reason: 'param', detail: 'bad parameter name _X' });
  });
});

describe('decodeXtext', () => {
  it('decodes +XX and refuses "+", "=" and lower-case hex', () => {
    assert.equal(decodeXtext('a+2Bb+3Dc'), 'a+b=c');
    assert.equal(decodeXtext('a+2b'), null);
    assert.equal(decodeXtext('a=b'), null);
    assert.equal(decodeXtext('a+'), null);
  });
});
