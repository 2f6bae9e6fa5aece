import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeWireBody, WireBodyEncoder, wireBodyChunks } from './wire-body.js';

const enc = (s: string) => encodeWireBody(Buffer.from(s, 'latin1')).toString('latin1');

describe('encodeWireBody', () => {
  it('leaves a CRLF message alone and appends the end-of-data line', () => {
    assert.equal(enc('Subject: x\r\n\r\nhello\r\n'), 'Subject: x\r\n\r\nhello\r\n.\r\n');
  });
  it('turns bare LF and bare CR into CRLF', () => {
    assert.equal(enc('a\nb\rc\r\n'), 'a\r\nb\r\nc\r\n.\r\n');
  });
  it('dot-stuffs every line that starts with a dot, however the line before ended', () => {
    assert.equal(enc('.a\r\n..b\n.\n.\r.\r\nend'), '..a\r\n...b\r\n..\r\n..\r\n..\r\nend\r\n.\r\n');
  });
  it('cannot be made to end DATA early with the smuggling sequences', () => {
    const out = enc('x\n.\nMAIL FROM:<a@b>\r\n.\rRCPT\r\n\r.\r\n');
    assert.equal(out, 'x\r\n..\r\nMAIL FROM:<a@b>\r\n..\r\nRCPT\r\n\r\n..\r\n.\r\n');
  });
  it('ends an empty message with just the dot line', () => {
    assert.equal(enc(''), '.\r\n');
  });
  it('gives the same bytes whatever the chunk boundaries (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '.', '\r', '\n', 'x'), { maxLength: 60 }), fc.nat(60), (chars, cut) => {
        const raw = Buffer.from(chars.join(''), 'latin1');
        const whole = encodeWireBody(raw);
        const e = new WireBodyEncoder();
        const at = Math.min(cut, raw.length);
        const split = Buffer.concat([e.push(raw.subarray(0, at)), e.push(raw.subarray(at)), e.end()]);
        assert.deepEqual(split, whole);
        const text = whole.toString('latin1');
        // Every CR is followed by LF and every LF preceded by CR; the only lone "." line is the last.
        assert.equal(/\r(?!\n)|(?<!\r)\n/.test(text), false);
        assert.equal(text.indexOf('\r\n.\r\n') === -1 || text.endsWith('\r\n.\r\n'), true);
        assert.equal(text.slice(0, -3).split('\r\n').includes('.'), false);
      }),
    );
  });
});

describe('long lines (RFC 5321 §4.5.3.1.6)', () => {
  it('breaks a line longer than 998 octets with CRLF SPACE, as Postfix does', () => {
    const out = enc(`${'a'.repeat(2500)}\r\nshort\r\n`);
    const lines = out.split('\r\n');
    assert.deepEqual(
      lines.map((l) => l.length),
      [998, 998, 506, 5, 1, 0],
    );
    assert.equal(lines[1]?.[0], ' ');
    assert.equal(out.replace(/\r\n /g, ''), `${'a'.repeat(2500)}\r\nshort\r\n.\r\n`);
  });
  it('keeps every wire line within the limit, whatever the input (property, limit 5)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '.', '\r', '\n', ' '), { maxLength: 80 }), fc.nat(80), (chars, cut) => {
        const raw = Buffer.from(chars.join(''), 'latin1');
        const e = new WireBodyEncoder(5);
        const at = Math.min(cut, raw.length);
        const text = Buffer.concat([e.push(raw.subarray(0, at)), e.push(raw.subarray(at)), e.end()]).toString('latin1');
        const lines = text.split('\r\n');
        assert.equal(lines.pop(), '');
        assert.equal(lines.pop(), '.');
        for (const line of lines) {
          assert.ok(line.length <= 5, JSON.stringify(line));
          assert.notEqual(line, '.');
        }
      }),
    );
  });
});

describe('wireBodyChunks', () => {
  it('streams a file in small chunks with the same result', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wire-'));
    try {
      const raw = 'a\r\n.b\n\r.c\r'.repeat(100);
      await writeFile(join(dir, 'm'), raw, 'latin1');
      const parts: Buffer[] = [];
      for await (const c of wireBodyChunks(join(dir, 'm'), 7)) parts.push(c);
      assert.deepEqual(Buffer.concat(parts), encodeWireBody(Buffer.from(raw, 'latin1')));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
