import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey, formatAddress, type MailboxAddress, parseMailbox, parsePath } from './address.js';

function mailbox(input: string, opts = {}): MailboxAddress {
  const r = parsePath(input, opts);
  assert.ok(r.ok, `expected ${input} to parse`);
  assert.equal(r.value.kind, 'mailbox');
  return r.value as MailboxAddress;
}

describe('parsePath', () => {
  it('parses a plain path and lower-cases the domain only', () => {
    const a = mailbox('<John.Doe@Example.COM>');
    assert.equal(a.local, 'John.Doe');
    assert.equal(a.domain, 'example.com');
    assert.equal(addressKey(a), 'john.doe@example.com');
  });
  it('gives the null sender as its own value only where allowed', () => {
    const r = parsePath('<>', { allowNull: true });
    assert.ok(r.ok && r.value.kind === 'null');
    const s = parsePath('<>');
    assert.ok(!s.ok && s.problem === 'null-not-allowed');
  });
  it('flags a source route and keeps the real mailbox', () => {
    const a = mailbox('<@ours.test,@relay.test:user@remote.test>');
    assert.deepEqual(a.sourceRoute, ['ours.test', 'relay.test']);
    assert.equal(a.domain, 'remote.test');
  });
  it('flags a quoted local part that hides an @', () => {
    const a = mailbox('<"user@remote.test"@ours.test>');
    assert.equal(a.quoted, true);
    assert.equal(a.local, 'user@remote.test');
    assert.equal(a.domain, 'ours.test');
    assert.equal(formatAddress(a), '"user@remote.test"@ours.test');
  });
  it('keeps % and ! in the local part for policy to judge', () => {
    assert.equal(mailbox('<user%remote.test@ours.test>').local, 'user%remote.test');
    assert.equal(mailbox('<remote.test!user@ours.test>').local, 'remote.test!user');
  });
  it('flags address literals and trailing dots', () => {
    const lit = mailbox('<user@[1.2.3.4]>');
    assert.equal(lit.literal, true);
    assert.equal(lit.domain, '[1.2.3.4]');
    const dot = mailbox('<user@ours.test.>');
    assert.equal(dot.trailingDot, true);
    assert.equal(dot.domain, 'ours.test');
  });
  it('refuses what the grammar refuses', () => {
    for (const bad of [
      'user@x',
      '<user>',
      '<@x>',
      '<a..b@x.test>',
      '<a@-x.test>',
      '<a@[999.1.1.1]>',
      '<a b@x.test>',
      '<a@x_y.test>',
    ]) {
      assert.equal(parsePath(bad).ok, false, bad);
    }
  });
  it('accepts <postmaster> without a domain only for RCPT', () => {
    assert.equal(mailbox('<Postmaster>', { allowBarePostmaster: true }).local, 'postmaster');
    assert.equal(parsePath('<postmaster>').ok, false);
  });
  it('needs SMTPUTF8 for UTF-8 and converts the domain to A-labels', () => {
    const r = parsePath('<jöran@bücher.example>');
    assert.ok(!r.ok && r.problem === 'utf8-not-allowed');
    const a = mailbox('<jöran@bücher.example>', { utf8: true });
    assert.equal(a.domain, 'xn--bcher-kva.example');
    assert.equal(a.utf8, true);
  });
  it('enforces the RFC 5321 length limits', () => {
    const r = parsePath(`<${'a'.repeat(65)}@x.test>`);
    assert.ok(!r.ok && r.problem === 'too-long');
  });
});

describe('parseMailbox', () => {
  it('parses a bare address as given in config or on the command line', () => {
    const r = parseMailbox(' postmaster@Example.Test ');
    assert.ok(r.ok);
    assert.equal(addressKey(r.value), 'postmaster@example.test');
  });
});
