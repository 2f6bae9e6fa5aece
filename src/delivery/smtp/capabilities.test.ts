import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCapabilities } from './capabilities.js';
import { xtext } from './transaction.js';

describe('parseCapabilities', () => {
  it('reads the EHLO keywords we act on, whatever their case', () => {
    const caps = parseCapabilities([
      '250-mx.example.com at your service',
      '250-pipelining',
      '250-SIZE 35882577',
      '250-8BITMIME',
      '250-STARTTLS',
      '250-AUTH LOGIN PLAIN',
      '250-DSN',
      '250 SMTPUTF8',
    ]);
    assert.deepEqual(caps, {
      pipelining: true,
      size: 35882577,
      eightBitMime: true,
      dsn: true,
      smtputf8: true,
      starttls: true,
      auth: ['LOGIN', 'PLAIN'],
    });
  });
  it('takes nothing from the greeting line and knows SIZE without a limit', () => {
    const caps = parseCapabilities(['250-STARTTLS PIPELINING', '250 SIZE']);
    assert.equal(caps.starttls, false);
    assert.equal(caps.pipelining, false);
    assert.equal(caps.size, 0);
  });
});

describe('xtext (RFC 3461 §4)', () => {
  it('encodes +, = and bytes outside 33..126', () => {
    assert.equal(xtext('a+b=c d'), 'a+2Bb+3Dc+20d');
    assert.equal(xtext('jöran'), 'j+C3+B6ran');
  });
});
