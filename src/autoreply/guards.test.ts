import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shouldReply } from './guards.js';
import { addressesIn, readHeaderFields } from './header-fields.js';

const user = { address: 'bob@ours.test', extraAddresses: ['robert@ours.test'] };
const now = new Date('2026-11-28T10:00:00Z');

function check(head: string, envelopeFrom = 'alice@sender.test') {
  const headers = readHeaderFields(`${head.replace(/\n/g, '\r\n')}\r\n\r\nbody\r\n`);
  return shouldReply({ headers, envelopeFrom, user, now });
}

const BASE = 'From: Alice <alice@sender.test>\nTo: Bob <bob@ours.test>\nSubject: hello';

describe('shouldReply', () => {
  it('replies to a person who wrote to the user', () => {
    assert.deepEqual(check(BASE), { reply: true });
  });
  it('replies when the user is named in Cc, Bcc or Resent-To, or by an extra address', () => {
    assert.deepEqual(check('From: a@sender.test\nTo: x@other.test\nCc: "Bob B." <BOB@ours.test>'), { reply: true });
    assert.deepEqual(check('From: a@sender.test\nTo: x@other.test\nBcc: bob@ours.test'), { reply: true });
    assert.deepEqual(check('From: a@sender.test\nTo: x@other.test\nResent-To: bob@ours.test'), { reply: true });
    assert.deepEqual(check('From: a@sender.test\nTo: Robert <robert@ours.test>'), { reply: true });
  });
  it('does not reply when the user is only in the envelope', () => {
    assert.deepEqual(check('From: a@sender.test\nTo: undisclosed-recipients:;'), {
      reply: false,
      why: "the user's address is not in To, Cc or Bcc",
    });
  });
  it('is not fooled by the address inside a display name', () => {
    assert.deepEqual(check('From: a@sender.test\nTo: "bob@ours.test" <eve@other.test>').reply, false);
  });

  const table: Array<[string, string, string]> = [
    ['null sender', BASE, ''],
    ['null sender', BASE, '<>'],
    ['sender is a program: MAILER-DAEMON', BASE, 'MAILER-DAEMON@sender.test'],
    ['sender is a program: list or mail system program', BASE, 'LISTSERV@lists.test'],
    ['sender is a program: owner-* (list owner)', BASE, 'owner-dev@lists.test'],
    ['sender is a program: *-request (list administration)', BASE, 'dev-request@lists.test'],
    ['sender is a program: *-bounces (list or relay return path)', BASE, 'dev-bounces@lists.test'],
    ['sender is a program: bounce-* (VERP return path)', BASE, 'bounce-123-bob=ours.test@mailer.test'],
    ['sender is a program: no-reply address', BASE, 'noreply@shop.test'],
    ['sender is a program: no-reply address', BASE, 'no-reply@shop.test'],
    ['sender is a program: no-reply address', BASE, 'do-not-reply@shop.test'],
    ['sender is a program: no-reply address', BASE, 'billing-noreply@shop.test'],
    ['sender is the user', BASE, 'bob@ours.test'],
  ];
  for (const [why, head, from] of table) {
    it(`does not reply: ${why} (${from || 'empty'})`, () => {
      assert.deepEqual(check(head, from), { reply: false, why });
    });
  }

  const headerTable: Array<[string, string]> = [
    ['Auto-Submitted: auto-replied', 'Auto-Submitted: auto-replied'],
    ['Auto-Submitted: auto-generated', 'Auto-Submitted: Auto-Generated; owner-email="x@y.test"'],
    ['Precedence: bulk', 'Precedence: bulk'],
    ['Precedence: list', 'Precedence: List'],
    ['Precedence: junk', 'Precedence: junk'],
    ['mailing list (list-id present)', 'List-Id: Developers <dev.lists.test>'],
    ['mailing list (list-unsubscribe present)', 'List-Unsubscribe: <mailto:leave@lists.test>'],
    ['mailing list (list-post present)', 'List-Post: <mailto:dev@lists.test>'],
    ['X-Loop names this user', 'X-Loop: bob@ours.test'],
    ['X-Auto-Response-Suppress', 'X-Auto-Response-Suppress: OOF, AutoReply'],
  ];
  for (const [why, field] of headerTable) {
    it(`does not reply: ${why}`, () => {
      assert.deepEqual(check(`${BASE}\n${field}`), { reply: false, why });
    });
  }

  it('replies when Auto-Submitted is "no", Precedence is normal, or X-Loop names someone else', () => {
    assert.deepEqual(check(`${BASE}\nAuto-Submitted: no\nPrecedence: first-class\nX-Loop: carol@elsewhere.test`), {
      reply: true,
    });
  });
  it('reads folded fields', () => {
    assert.deepEqual(check('From: a@sender.test\nTo: x@other.test,\n  Bob <bob@ours.test>'), { reply: true });
    assert.equal(check(`${BASE}\nAuto-Submitted:\n auto-replied`).reply, false);
  });
});

describe('addressesIn', () => {
  it('finds mailboxes in lists, groups and comments', () => {
    assert.deepEqual(addressesIn('"Doe, John" <J@X.test>, carol@y.test (Carol), team: d@z.test, e@z.test;'), [
      'j@x.test',
      'carol@y.test',
      'd@z.test',
      'e@z.test',
    ]);
  });
});
