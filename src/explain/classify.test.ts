/**
 * The classifier's rules replayed: every rule's real example must come out as the rule's
 * reason, and the reply lines of issue #5 must get the reasons the issue names.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyReply, decideReason, TEXT_RULES } from './classify.js';
import { statusRules } from './rules/status-codes.js';

describe('classification rules', () => {
  for (const rule of TEXT_RULES) {
    it(`classifies "${rule.example}" as ${rule.reason}`, () => {
      assert.equal(classifyReply({ text: rule.example }).reason, rule.reason);
    });
  }
  for (const rule of statusRules) {
    it(`classifies status ${rule.example} as ${rule.reason} by its code`, () => {
      const enhanced = /\b([245]\.\d+\.\d+)\b/.exec(rule.example)?.[1];
      assert.equal(decideReason('', enhanced, rule.example.slice(0, 3)), rule.reason);
    });
  }
});

const ISSUE_REPLIES: Array<[string, string]> = [
  ['553 5.7.1 Not an open relay, so get lost', 'norelaying'],
  ['553 Invalid user.', 'userunknown'],
  ['553 message blocked, you are not authorized to send mail, authentication is required.', 'securityerror'],
  ['553 Null Sender is not allowed.', 'rejected'],
  ['553 5.1.1 sorry, no mailbox here by that name.', 'userunknown'],
  ['553 #5.1.8 Domain of sender address <sender@YourDomain.com> does not exist', 'rejected'],
  ['553 5.3.0 <recipient@RemoteDomain.com>... Address does not exist', 'userunknown'],
  ['553 5.3.0 <recipient@RemoteDomain.com>... No such user', 'userunknown'],
  ['553 5.3.0 <recipient@RemoteDomain.com>... No such user here', 'userunknown'],
  ['553 5.3.0 <recipient@RemoteDomain.com>... User unknown, not local address', 'userunknown'],
  ['553-Message filtered. Please see the FAQs section on spam', 'spamdetected'],
  ['553 <recipient@RemoteDomain.com> does not have a mailbox here', 'userunknown'],
  ['553 RemoteDomain.com does not accept mail sent to recipient@OtherRemoteDomain.com', 'norelaying'],
  ['553 sorry, no mail-box here by that name. (#5.1.1)', 'userunknown'],
  ['553 sorry, no mailbox here by that name (#5.1.1)', 'userunknown'],
  ['553 sorry, rcpt user invalid (#5.7.1)', 'userunknown'],
  ["553 sorry, that domain isn't in my list of allowed rcpthosts", 'norelaying'],
  ["553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", 'norelaying'],
  ['553 sorry, the recipient in not a valid user on this domain (#5.7.1)', 'userunknown'],
  ["553 sorry, this recipient doesn't exist.", 'userunknown'],
  ['553 sorry, this recipient is not in my validrcptto list (#5.7.1)', 'userunknown'],
  ['553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)', 'rejected'],
  ['553 Your email address is denied.', 'rejected'],
];

describe('the 553 replies of issue #5', () => {
  for (const [line, reason] of ISSUE_REPLIES) {
    it(`"${line}" is ${reason}`, () => {
      assert.equal(classifyReply({ text: line }).reason, reason);
    });
  }
});

/** Replies quoted above the rules as further examples (rules/*.ts): each must give its rule's reason too. */
const MORE_REPLIES: Array<[string, string]> = [
  [
    "550 SC-004 (COL0-MC1-F1) Unfortunately, messages from 192.0.2.22 weren't sent. We recommend that you contact your Internet service provider.",
    'blocked',
  ],
  ['550 5.7.0 <shironeko@example.jp>... Please use the smtp server of your ISP.', 'blocked'],
  ['<neko@example.net>: malformed address: <neko@example.net> may not follow kijitora@example.com', 'userunknown'],
  ["554 nyaan.example.net : You've reached your daily relay quota - 203.0.113.0", 'speeding'],
  ['554 5.4.6 Too many hops', 'networkerror'],
  [
    'Reason: SMTP Server <192.0.2.223> refused to accept your message (DATA), with the following error message: [554 5.4.6 Hop count exceeded - possible mail loop]',
    'networkerror',
  ],
  ['550 Ip frequency limited [RkNGMjlFQTVEQ0E Blocked IP 192.0.2.22].', 'speeding'],
  ["The number of messages in recipient's mailbox exceeded the local limit.", 'mailboxfull'],
  ['Delevery to the following recipients was aborted after 5.0 hour(s):', 'expired'],
  ['500 Remote server does not support TLS (state 6).', 'securityerror'],
  [
    '552-5.7.0 This message was blocked because its content presents a potential 552-5.7.0 security issue. Please visit 552 5.7.0 content and attachment content guidelines.',
    'virusdetected',
  ],
  ['Message has exceeded maximum hop count', 'networkerror'],
];

describe('further example replies', () => {
  for (const [line, reason] of MORE_REPLIES) {
    it(`"${line}" is ${reason}`, () => {
      assert.equal(classifyReply({ text: line }).reason, reason);
    });
  }
});

describe('classifyReply', () => {
  it('takes code and enhanced code given separately', () => {
    assert.deepEqual(classifyReply({ code: 550, enhanced: '5.1.1', text: 'Recipient address rejected' }), {
      reason: 'userunknown',
      hard: true,
    });
  });
  it('decides from the enhanced code when the text says nothing', () => {
    assert.deepEqual(classifyReply({ code: 452, enhanced: '4.2.2', text: 'try later' }), {
      reason: 'mailboxfull',
      hard: false,
    });
  });
  it('lets the words win over a misleading code', () => {
    assert.equal(classifyReply({ code: 550, enhanced: '5.1.1', text: 'Mailbox full' }).reason, 'mailboxfull');
  });
  it('says onhold when nothing is known', () => {
    assert.deepEqual(classifyReply({ text: 'something went wrong' }), { reason: 'onhold', hard: false });
  });
  it('tells a sending quota per day from a full mailbox', () => {
    assert.equal(classifyReply({ text: '550 5.7.1 Sender exceeded the daily quota' }).reason, 'speeding');
    assert.equal(classifyReply({ text: '452 4.2.2 Mailbox quota exceeded' }).reason, 'mailboxfull');
    assert.equal(classifyReply({ text: '552 5.2.2 Quota exceeded' }).reason, 'mailboxfull');
  });
  it('takes a malformed address as a bad recipient, but not under a sender code', () => {
    assert.equal(classifyReply({ text: '550 5.1.3 malformed address: <a@b@example.org>' }).reason, 'userunknown');
    assert.equal(classifyReply({ text: '501 5.1.7 malformed address' }).reason, 'rejected');
  });
  it('marks a null MX refusal as hard only when permanent', () => {
    assert.deepEqual(classifyReply({ code: 556, enhanced: '5.1.10', text: 'Recipient address has null MX' }), {
      reason: 'notaccept',
      hard: true,
    });
  });
});
