import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reply } from '../core/reply.js';
import { buildDelayNotice } from './delay-notice.js';
import { noticeInput, ORIGINAL, outcome } from './notice-fixtures.js';
import { readNotice } from './read-notice.js';

describe('buildDelayNotice', () => {
  const input = {
    ...noticeInput({
      original: { ...noticeInput().original, envid: 'ENV-7' },
      recipients: [
        {
          outcome: outcome('bob@remote.test', {
            status: 'deferred',
            reply: reply(451, '4.7.1', 'Greylisted, please try again in 300 seconds'),
          }),
          orcpt: 'rfc822;bob@remote.test',
          lastAttempt: new Date('2026-11-28T12:00:00Z'),
        },
      ],
      now: new Date('2026-11-28T12:00:01Z'),
    }),
    willRetryUntil: new Date('2026-12-03T08:00:00Z'),
  };

  it('writes Action: delayed with Will-Retry-Until and the last reply', async () => {
    const { mail, perMessage, perRecipient } = await readNotice(buildDelayNotice(input));
    assert.equal(mail.subject, 'Delayed Mail (still being retried)');
    assert.equal(mail.from?.value[0]?.address, 'MAILER-DAEMON@mail.ours.test');
    assert.equal(mail.headers.get('auto-submitted'), 'auto-replied');
    assert.equal(mail.headers.has('x-failed-recipients'), false);
    assert.equal(mail.inReplyTo, '<orig-1@sender.test>');
    assert.equal(perMessage.get('original-envelope-id'), 'ENV-7');
    assert.deepEqual(Object.fromEntries(perRecipient[0] ?? []), {
      'original-recipient': 'rfc822; bob@remote.test',
      'final-recipient': 'rfc822; bob@remote.test',
      action: 'delayed',
      status: '4.7.1',
      'remote-mta': 'dns; mx1.remote.test',
      'diagnostic-code': 'smtp; 451 4.7.1 Greylisted, please try again in 300 seconds',
      'last-attempt-date': 'Sat, 28 Nov 2026 12:00:00 +0000',
      'will-retry-until': 'Thu, 03 Dec 2026 08:00:00 +0000',
    });
  });

  it('says it is only a warning, and returns headers only', async () => {
    const { mail, parts } = await readNotice(buildDelayNotice(input));
    assert.match(mail.text ?? '', /THIS IS A WARNING ONLY/);
    assert.match(mail.text ?? '', /This is a temporary error: we are still trying\.\n {4}What to do: Advice for 451\./);
    assert.equal(parts[2]?.type, 'text/rfc822-headers');
    assert.equal(parts[2]?.body.toString(), ORIGINAL.subarray(0, ORIGINAL.indexOf('\r\n\r\n') + 4).toString());
  });
});
