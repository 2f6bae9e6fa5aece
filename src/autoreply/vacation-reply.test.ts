import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { readHeaderFields } from './header-fields.js';
import { buildVacationReply, replySubject } from './vacation-reply.js';

const ORIGINAL = readHeaderFields(
  'From: Alice <alice@sender.test>\r\nTo: bob@ours.test\r\nSubject: Lunch on Friday?\r\n' +
    'Message-ID: <m2@sender.test>\r\nReferences: <m0@sender.test> <m1@sender.test>\r\n\r\nHi\r\n',
);

const input = {
  user: 'bob@ours.test',
  to: 'alice@sender.test',
  original: ORIGINAL,
  subject: null,
  subjectPrefix: 'Auto:',
  body: 'I am away until Monday.\nBob',
  now: new Date('2026-11-28T10:00:00Z'),
  messageId: '<r1.vacation@mail.ours.test>',
};

describe('buildVacationReply', () => {
  it('writes every header RFC 3834 asks for', async () => {
    const mail = await simpleParser(buildVacationReply(input));
    assert.equal(mail.from?.value[0]?.address, 'bob@ours.test');
    assert.equal((mail.to as { text: string }).text, 'alice@sender.test');
    assert.equal(mail.subject, 'Auto: Lunch on Friday?');
    assert.equal(mail.messageId, '<r1.vacation@mail.ours.test>');
    assert.equal(mail.inReplyTo, '<m2@sender.test>');
    assert.deepEqual(mail.references, ['<m0@sender.test>', '<m1@sender.test>', '<m2@sender.test>']);
    assert.equal(mail.headers.get('auto-submitted'), 'auto-replied');
    assert.equal(mail.headers.get('x-loop'), 'bob@ours.test');
    assert.equal(mail.date?.toISOString(), '2026-11-28T10:00:00.000Z');
    assert.equal(mail.text, 'I am away until Monday.\nBob\n');
  });

  it('uses the configured subject and encodes non-ASCII text', async () => {
    const raw = buildVacationReply({ ...input, subject: 'Abwesend — zurück am Montag', body: 'Grüße, Bob' });
    assert.equal(
      raw.subarray(0, raw.indexOf('\r\n\r\n')).every((b) => b < 128),
      true,
    );
    const mail = await simpleParser(raw);
    assert.equal(mail.subject, 'Abwesend — zurück am Montag');
    assert.equal(mail.text, 'Grüße, Bob\n');
  });

  it('keeps an encoded original subject and leaves out In-Reply-To without a Message-ID', async () => {
    const original = readHeaderFields('From: a@sender.test\r\nSubject: =?utf-8?B?w4TDpMOk?=\r\n\r\n');
    assert.equal(replySubject({ original, subject: null, subjectPrefix: 'Auto:' }), 'Auto: =?utf-8?B?w4TDpMOk?=');
    const mail = await simpleParser(buildVacationReply({ ...input, original }));
    assert.equal(mail.subject, 'Auto: Äää');
    assert.equal(mail.inReplyTo, undefined);
    assert.equal(mail.headers.has('references'), false);
  });
});
