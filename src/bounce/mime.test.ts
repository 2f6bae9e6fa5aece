import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { addressField } from './dsn-report.js';
import {
  encodeWords,
  header,
  headerSection,
  originalMessageId,
  quotedPrintable,
  rfc5322Date,
  textPart,
} from './mime.js';

describe('notice MIME helpers', () => {
  it('formats RFC 5322 dates in UTC', () => {
    assert.equal(rfc5322Date(new Date('2026-11-08T07:05:03Z')), 'Sun, 08 Nov 2026 07:05:03 +0000');
  });
  it('folds long headers at spaces and never lets CR/LF add a header', () => {
    const h = header(
      'X-Failed-Recipients',
      Array.from({ length: 8 }, (_, i) => `user${i}@remote.example.test`).join(', '),
    );
    assert.ok(h.split('\r\n').every((l) => l.length <= 78));
    assert.equal(h.replace(/\r\n /g, ' ').trimEnd().split(': ')[1]?.split(', ').length, 8);
    assert.equal(header('Subject', 'a\r\nBcc: x@y'), 'Subject: a Bcc: x@y\r\n');
  });
  it('encodes non-ASCII as RFC 2047 words that mailparser reads back', async () => {
    const text = 'Über den Wolken — Grüße aus Köln und München, noch einmal';
    const mail = await simpleParser(`Subject: ${encodeWords(text)}\r\n\r\n`);
    assert.equal(mail.subject, text);
    assert.equal(encodeWords('plain'), 'plain');
  });
  it('writes quoted-printable lines under 77 characters that decode to the text', async () => {
    const text = `${'é'.repeat(60)} end \r\nsecond line=`;
    const qp = quotedPrintable(text);
    assert.ok(qp.split('\r\n').every((l) => l.length <= 76));
    const part = textPart(text);
    const mail = await simpleParser(Buffer.concat([Buffer.from(`${part.headers}\r\n`), part.body]));
    assert.equal(mail.text, text.replace(/\r\n/g, '\n'));
  });
  it('finds the header section and a strict Message-ID', () => {
    const raw = Buffer.from('Subject: x\r\nMessage-ID:\r\n <a.b@c.test>\r\n\r\nMessage-ID: <no@no>\r\n');
    assert.equal(headerSection(raw).toString(), 'Subject: x\r\nMessage-ID:\r\n <a.b@c.test>\r\n\r\n');
    assert.equal(originalMessageId(raw), '<a.b@c.test>');
    assert.equal(originalMessageId(Buffer.from('Message-ID: <bad id>\r\n\r\n')), null);
  });
  it('writes non-ASCII addresses as utf-8 address type with \\x{} escapes (RFC 6533)', () => {
    assert.equal(addressField('rfc822', 'bob@remote.test'), 'rfc822; bob@remote.test');
    assert.equal(addressField('rfc822', 'jöran@bücher.test'), 'utf-8; j\\x{F6}ran@b\\x{FC}cher.test');
  });
});
