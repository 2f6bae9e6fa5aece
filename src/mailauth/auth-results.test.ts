import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authservIdOf, splitHeaderSection, stripForgedAuthResults, stripQuarantineMark } from './auth-results.js';

const strip = (text: string, id = 'mx.ours.test') =>
  stripForgedAuthResults(Buffer.from(text, 'latin1'), id).toString('latin1');

describe('stripForgedAuthResults', () => {
  it('removes a forged field carrying our authserv-id and keeps every other octet', () => {
    const head =
      'Received: from x\r\n\tby y\r\nAuthentication-Results: mx.ours.test; dkim=pass\r\nFrom: a@b.test\r\n\r\n';
    assert.equal(strip(head), 'Received: from x\r\n\tby y\r\nFrom: a@b.test\r\n\r\n');
  });

  it('keeps results of other authserv-ids, including ones that merely contain ours', () => {
    const head =
      'Authentication-Results: mx.google.test; spf=pass\r\nAuthentication-Results: evil-mx.ours.test; dkim=pass\r\n' +
      'Authentication-Results: mx.ours.test.evil; dkim=pass\r\n\r\n';
    assert.equal(strip(head), head);
  });

  it('sees through case, folding, comments, quoting, a version and a trailing dot', () => {
    const forged = [
      'authentication-results:   MX.Ours.Test; dkim=pass',
      'Authentication-Results:\r\n mx.ours.test;\r\n dkim=pass header.d=bank.test',
      'Authentication-Results: (comment (nested)) mx.ours.test 1; spf=pass',
      'Authentication-Results: "mx.ours.test"; dmarc=pass',
      'Authentication-Results: mx.ours.test.; dmarc=pass',
      'Authentication-Results : mx.ours.test; none',
      'Authentication-Results: mx.ours.test(c); none',
    ];
    const head = `X-First: 1\r\n${forged.join('\r\n')}\r\nSubject: s\r\n\r\n`;
    assert.equal(strip(head), 'X-First: 1\r\nSubject: s\r\n\r\n');
  });

  it('works with bare LF line ends and a header section without the blank line', () => {
    assert.equal(strip('Authentication-Results: mx.ours.test; x\nA: b\n'), 'A: b\n');
    assert.equal(strip('A: b\r\nAuthentication-Results: mx.ours.test; dkim=pass'), 'A: b\r\n');
  });

  it('returns the same buffer when nothing is removed', () => {
    const buf = Buffer.from('A: b\r\n\r\n');
    assert.equal(stripForgedAuthResults(buf, 'mx.ours.test'), buf);
  });

  it('keeps 8-bit octets of other fields exactly', () => {
    const buf = Buffer.concat([
      Buffer.from('Subject: '),
      Buffer.from([0xc3, 0xa9, 0xff]),
      Buffer.from('\r\nAuthentication-Results: mx.ours.test; x\r\n\r\n'),
    ]);
    const out = stripForgedAuthResults(buf, 'mx.ours.test');
    assert.deepEqual(
      out,
      Buffer.concat([Buffer.from('Subject: '), Buffer.from([0xc3, 0xa9, 0xff]), Buffer.from('\r\n\r\n')]),
    );
  });
});

describe('stripQuarantineMark', () => {
  it('removes every X-Mailward-Quarantine field, any case, folded, and keeps the rest and the body', () => {
    const text =
      'X-Mailward-Quarantine: dmarc=fail\r\nA: b\r\nx-mailward-quarantine:\r\n dmarc=fail\r\nX-Mailward-Quarantined: kept\r\n\r\n';
    const out = stripQuarantineMark(Buffer.from(text, 'latin1')).toString('latin1');
    assert.equal(out, 'A: b\r\nX-Mailward-Quarantined: kept\r\n\r\n');
  });

  it('returns the same buffer when there is no mark', () => {
    const b = Buffer.from('A: b\r\n\r\n');
    assert.equal(stripQuarantineMark(b), b);
  });
});

describe('authservIdOf', () => {
  it('reads the id of each RFC 8601 form', () => {
    assert.equal(authservIdOf(' example.com; spf=pass'), 'example.com');
    assert.equal(authservIdOf(' example.com 1; none'), 'example.com');
    assert.equal(authservIdOf(' (x) "quoted.example"; none'), 'quoted.example');
    assert.equal(authservIdOf(' ; none'), null);
  });
});

describe('splitHeaderSection', () => {
  it('splits at the first blank line, CRLF or LF', () => {
    const crlf = splitHeaderSection(Buffer.from('A: b\r\n\r\nbody\r\n\r\nmore'));
    assert.deepEqual([crlf.headers.toString(), crlf.body.toString()], ['A: b\r\n\r\n', 'body\r\n\r\nmore']);
    const lf = splitHeaderSection(Buffer.from('A: b\n\nbody'));
    assert.deepEqual([lf.headers.toString(), lf.body.toString()], ['A: b\n\n', 'body']);
    const none = splitHeaderSection(Buffer.from('A: b\r\n'));
    assert.deepEqual([none.headers.toString(), none.body.toString()], ['A: b\r\n', '']);
  });
});
