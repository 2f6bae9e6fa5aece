/**
 * Provider facts replayed: every documented Orange code's example comes out as its reason,
 * and the SES-receiving and EZweb facts apply to their shapes only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyReply } from '../classify.js';
import { parseBounce } from '../parse-bounce.js';
import { isReceiptRuleBounce, ORANGE_CODES, reasonFromProviderCode, stepFromReplyShape } from './providers.js';

describe('Orange codes', () => {
  for (const c of ORANGE_CODES) {
    it(`classifies "${c.example}" as ${c.reason}`, () => {
      assert.equal(classifyReply({ text: c.example }).reason, c.reason);
    });
  }
  it('reads the OFRxxx_nnn form by its last three digits', () => {
    assert.equal(reasonFromProviderCode('550 mwinf5c04 ME Mail rejete. OFR004_506 [506]'), 'spamdetected');
  });
  it('leaves unknown codes and other providers to the other rules', () => {
    assert.equal(reasonFromProviderCode('550 Mail rejected. OFR_123 [123]'), undefined);
    assert.equal(reasonFromProviderCode('550 5.5.0 Service refuse. LPN001_506'), undefined);
  });
  it('does not outrank words that say more', () => {
    assert.equal(
      classifyReply({ text: '550 5.7.1 Client host blocked for spamming issues. OFR_506 [506]' }).reason,
      'blocked',
    );
  });
});

describe('Amazon SES receiving', () => {
  it('knows its inbound reporting MTA, and no other', () => {
    assert.equal(isReceiptRuleBounce('inbound-smtp.us-west-2.amazonaws.com'), true);
    assert.equal(isReceiptRuleBounce('a27-7.smtp-out.us-west-2.amazonses.com'), false);
    assert.equal(isReceiptRuleBounce('inbound-smtp.us-west-2.amazonaws.com.evil.example'), false);
    assert.equal(isReceiptRuleBounce(undefined), false);
  });
  const dsn = (mta: string, diag: string, status: string) =>
    Buffer.from(
      [
        'From: MAILER-DAEMON@example.net',
        'Subject: Delivery Status Notification (Failure)',
        'Content-Type: multipart/report; report-type=delivery-status; boundary=b',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'This message could not be delivered.',
        '--b',
        'Content-Type: message/delivery-status',
        '',
        `Reporting-MTA: dns; ${mta}`,
        '',
        'Action: failed',
        'Final-Recipient: rfc822; nobody@example.org',
        `Diagnostic-Code: smtp; ${diag}`,
        `Status: ${status}`,
        '--b--',
        '',
      ].join('\n'),
    );
  it('files its "mailbox does not exist" as the owner\'s filter, other reasons as they are', () => {
    const ses = 'inbound-smtp.eu-west-1.amazonaws.com';
    assert.equal(parseBounce(dsn(ses, '550 5.1.1 Mailbox does not exist', '5.1.1'))?.recipients[0]?.reason, 'filtered');
    assert.equal(parseBounce(dsn(ses, '552 5.2.2 Mailbox full', '5.2.2'))?.recipients[0]?.reason, 'mailboxfull');
    assert.equal(
      parseBounce(dsn('mx.example.org', '550 5.1.1 Mailbox does not exist', '5.1.1'))?.recipients[0]?.reason,
      'userunknown',
    );
  });
});

describe('EZweb end-of-DATA reply', () => {
  it('takes "550 : User unknown" (no address) as the reply to DATA', () => {
    assert.equal(stepFromReplyShape('550 : User unknown'), 'DATA');
    assert.equal(stepFromReplyShape('host lsean.ezweb.ne.jp said: 550 : User unknown'), 'DATA');
  });
  it('leaves the RCPT form, which names the address, alone', () => {
    assert.equal(stepFromReplyShape('550 <x@ezweb.ne.jp>: User unknown'), undefined);
    assert.equal(stepFromReplyShape('550 5.1.1 User unknown'), undefined);
  });
});
