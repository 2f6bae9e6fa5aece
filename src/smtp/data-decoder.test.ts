/**
 * DataDecoder: end of data only at <CR><LF>.<CR><LF>, dot-unstuffing, bare newline policy,
 * size limit — and the same result however the input is split into packets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataDecoder } from './data-decoder.js';
import type { BareNewlinePolicy } from './options.js';

function decode(chunks: Buffer[], policy: BareNewlinePolicy = 'reject', max = 1 << 20, maxLine = 0) {
  const out: Buffer[] = [];
  const d = new DataDecoder(max, policy, (c) => out.push(Buffer.from(c)), maxLine);
  for (const [i, c] of chunks.entries()) {
    const r = d.write(c);
    // What follows the end: the rest of this chunk and every chunk not fed yet.
    const rest = Buffer.concat([r.rest, ...chunks.slice(i + 1)]).toString('latin1');
    if (r.done) return { body: Buffer.concat(out).toString('latin1'), rest, d };
  }
  return { body: Buffer.concat(out).toString('latin1'), rest: null, d };
}

/** Every way to cut the input in two, and one byte at a time. */
function splits(input: string): Buffer[][] {
  const b = Buffer.from(input, 'latin1');
  const out: Buffer[][] = [[b]];
  for (let i = 1; i < b.length; i++) out.push([b.subarray(0, i), b.subarray(i)]);
  out.push([...b].map((x) => Buffer.from([x])));
  return out;
}

describe('DataDecoder', () => {
  it('ends at CRLF.CRLF, unstuffs dots and hands back the octets after the end', () => {
    for (const chunks of splits('Subject: a\r\n\r\n..x\r\n.y\r\nbody\r\n.\r\nQUIT\r\n')) {
      const r = decode(chunks);
      assert.equal(r.body, 'Subject: a\r\n\r\n.x\r\ny\r\nbody\r\n');
      assert.equal(r.rest, 'QUIT\r\n');
      assert.equal(r.d.invalid, false);
    }
  });

  it('treats "." right after DATA as an empty message', () => {
    assert.deepEqual(
      { body: decode([Buffer.from('.\r\n')]).body, rest: decode([Buffer.from('.\r\n')]).rest },
      { body: '', rest: '' },
    );
  });

  for (const marker of ['\n.\n', '\n.\r\n', '\r.\r\n', '\r\n.\r', '\r\n.\n']) {
    const input = `x${marker}MAIL FROM:<evil@x>\r\n.\r\nok\r\n.\r\n`;
    it(`never ends at ${JSON.stringify(marker)} (smuggling), whatever the split`, () => {
      for (const policy of ['reject', 'normalize'] as const) {
        for (const chunks of splits(input)) {
          const r = decode(chunks, policy);
          // The first real end marker is the one after "MAIL FROM:<evil@x>\r\n".
          assert.equal(r.rest, 'ok\r\n.\r\n', `${policy} ${chunks.map((c) => c.length)}`);
          if (policy === 'reject') assert.equal(r.d.bareNewline, true);
        }
      }
    });
  }

  it('normalizes bare CR and LF to CRLF when asked, without making them line starts', () => {
    const r = decode([Buffer.from('a\nb\rc\n..d\r\n.\r\n')], 'normalize');
    assert.equal(r.body, 'a\r\nb\r\nc\r\n..d\r\n');
    assert.equal(r.d.invalid, false);
  });

  it('flags a message over the size limit and keeps looking for the end', () => {
    const r = decode([Buffer.from('0123456789\r\n0123456789\r\n.\r\nNOOP\r\n')], 'reject', 15);
    assert.equal(r.d.tooBig, true);
    assert.equal(r.rest, 'NOOP\r\n');
  });

  it('enforces the text line length only when configured, whatever the split', () => {
    const input = `${'a'.repeat(10)}\r\n.${'b'.repeat(10)}\r\n${'c'.repeat(11)}\r\n.\r\n`;
    for (const chunks of splits(input)) {
      assert.equal(decode(chunks, 'reject', 1 << 20, 10).d.lineTooLong, true);
      assert.equal(decode(chunks, 'reject', 1 << 20, 11).d.lineTooLong, false);
      assert.equal(decode(chunks, 'reject', 1 << 20, 0).d.invalid, false);
    }
  });
});
