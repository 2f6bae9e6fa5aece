/**
 * The forgiving MIME walker: encodings, charsets and the malformed structures bounces carry.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesToText, decodeQuotedPrintable, decodeWords, flatten, parseMime, splitHeaders } from './mime.js';

describe('parseMime', () => {
  it('splits a multipart and decodes base64 and quoted-printable parts', () => {
    const raw = [
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      'preamble',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'caf=C3=A9 =',
      'au lait',
      '--b1',
      'Content-Type: text/plain',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('550 5.1.1 user unknown').toString('base64'),
      '--b1--',
      '',
    ].join('\n');
    const parts = flatten(parseMime(raw));
    assert.deepEqual(
      parts.map((p) => [p.type, p.body.trim()]),
      [
        ['multipart/mixed', 'preamble'],
        ['text/plain', 'café au lait'],
        ['text/plain', '550 5.1.1 user unknown'],
      ],
    );
  });

  it('keeps the last part when the closing boundary is missing', () => {
    const raw =
      'Content-Type: multipart/report; boundary=x\n\n--x\n\nfirst\n--x\nContent-Type: message/delivery-status\n\nStatus: 5.1.1\n';
    const parts = flatten(parseMime(raw));
    assert.equal(parts[2]?.type, 'message/delivery-status');
    assert.equal(parts[2]?.body.trim(), 'Status: 5.1.1');
  });

  it('reads a boundary parameter whose folded line lost its indent', () => {
    const raw = 'Content-Type: multipart/alternative;\nboundary="zz"\n\n--zz\n\nhello\n--zz--\n';
    assert.equal(flatten(parseMime(raw))[1]?.body.trim(), 'hello');
  });

  it('parses only the headers of an attached message until asked', () => {
    const raw =
      'Content-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: message/rfc822\n\nSubject: hi\nTo: a@b.example\n\nbody\n--q--\n';
    const inner = flatten(parseMime(raw)).find((p) => p.raw !== undefined);
    assert.equal(inner?.headers.get('subject')?.[0], 'hi');
    assert.equal(inner?.raw, 'Subject: hi\nTo: a@b.example\n\nbody');
  });
});

describe('splitHeaders and lost folding', () => {
  it('reads a folded line that lost its indent as a continuation when a common field follows', () => {
    const { headers, body } = splitHeaders(
      'Received: from a.example.org\n(192.0.2.1) by b.example.org\nContent-Type: text/plain\n\nbody\n',
    );
    assert.deepEqual(Object.fromEntries(headers), {
      received: ['from a.example.org (192.0.2.1) by b.example.org'],
      'content-type': ['text/plain'],
    });
    assert.equal(body, 'body\n');
  });
  it('still ends the block at a line that is no field when no field follows (a body without the blank line)', () => {
    const { headers, body } = splitHeaders('Subject: hi\nThis is the text.\nNote: it goes on\n');
    assert.deepEqual(Object.fromEntries(headers), { subject: ['hi'] });
    assert.equal(body, 'This is the text.\nNote: it goes on\n');
  });
});

describe('decoders', () => {
  it('decodes RFC 2047 encoded words, adjacent words joined', () => {
    assert.equal(decodeWords('=?UTF-8?B?TnlhYW4=?= =?ISO-8859-1?Q?caf=E9?='), 'Nyaancafé');
  });
  it('decodes ISO-2022-JP, and UTF-8 text mislabelled as ISO-2022-JP as UTF-8', () => {
    const jis = Buffer.from('1b2442244b246324731b2842', 'hex'); // "にゃん" in ISO-2022-JP
    assert.equal(bytesToText(jis, 'ISO-2022-JP'), 'にゃん');
    assert.equal(bytesToText(Buffer.from('にゃん'), 'ISO-2022-JP'), 'にゃん');
  });
  it('leaves a broken quoted-printable escape as it is', () => {
    assert.equal(decodeQuotedPrintable('a=ZZb=4').toString('latin1'), 'a=ZZb=4');
  });
});

describe('splitHeaders with only some fields', () => {
  it('keeps exactly those fields of the full split, and finds the same body', () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 100000);
    const piece = fc.constantFrom(
      'Content-Type',
      'To',
      'Received',
      ': ',
      ':',
      'text/plain',
      ';',
      ' ',
      '\t',
      '\n',
      '\r\n',
      '\n ',
      'boundary=x',
      '=',
      'From ',
      '\u00a0',
    );
    const only = new Set(['to', 'content-type']);
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.boolean(), (ps, lenient) => {
        const text = ps.join('');
        const full = splitHeaders(text, lenient);
        const some = splitHeaders(text, lenient, only);
        assert.deepEqual(
          [...some.headers],
          [...full.headers].filter(([k]) => only.has(k)),
        );
        assert.equal(some.body, full.body);
      }),
      { seed, numRuns: 3000 },
    );
  });
  it('still reads an unindented parameter of a field it skips as part of that field', () => {
    const text = 'X-Skipped: a;\nb=c\nTo: x@example.org\n\nbody';
    const { headers, body } = splitHeaders(text, false, new Set(['to']));
    assert.deepEqual([...headers], [['to', ['x@example.org']]]);
    assert.equal(body, 'body');
  });
});
