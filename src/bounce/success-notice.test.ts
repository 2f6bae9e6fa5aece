import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reply } from '../core/reply.js';
import { noticeInput, outcome } from './notice-fixtures.js';
import { readNotice } from './read-notice.js';
import { buildSuccessNotice } from './success-notice.js';

describe('buildSuccessNotice', () => {
  const input = noticeInput({
    original: { ...noticeInput().original, envid: 'ENV-9' },
    recipients: [
      {
        outcome: outcome('bob@ours.test', {
          status: 'delivered',
          reply: reply(250, '2.0.0', 'delivered to maildir'),
          stage: 'local',
          remote: undefined,
        }),
        orcpt: 'rfc822;bob@ours.test',
        lastAttempt: new Date('2026-11-28T08:00:05Z'),
      },
      {
        outcome: outcome('carol@remote.test', {
          status: 'delivered',
          reply: reply(250, '2.0.0', 'Ok: queued as 4FZ1'),
          stage: 'end-of-data',
          remoteDsn: false,
        }),
        lastAttempt: new Date('2026-11-28T08:00:05Z'),
      },
    ],
  });

  it('reports local delivery as delivered and a non-DSN remote as relayed', async () => {
    const { mail, perMessage, perRecipient } = await readNotice(buildSuccessNotice(input));
    assert.equal(mail.subject, 'Successful Mail Delivery Report');
    assert.equal(mail.headers.get('auto-submitted'), 'auto-replied');
    assert.equal(mail.messageId, '<notice-1@mail.ours.test>');
    assert.equal(perMessage.get('original-envelope-id'), 'ENV-9');
    assert.deepEqual(Object.fromEntries(perRecipient[0] ?? []), {
      'original-recipient': 'rfc822; bob@ours.test',
      'final-recipient': 'rfc822; bob@ours.test',
      action: 'delivered',
      status: '2.0.0',
      'diagnostic-code': 'smtp; 250 2.0.0 delivered to maildir',
      'last-attempt-date': 'Sat, 28 Nov 2026 08:00:05 +0000',
    });
    assert.deepEqual(Object.fromEntries(perRecipient[1] ?? []), {
      'final-recipient': 'rfc822; carol@remote.test',
      action: 'relayed',
      status: '2.0.0',
      'remote-mta': 'dns; mx1.remote.test',
      'diagnostic-code': 'smtp; 250 2.0.0 Ok: queued as 4FZ1',
      'last-attempt-date': 'Sat, 28 Nov 2026 08:00:05 +0000',
    });
  });

  it('returns only the headers of the original', async () => {
    const { parts, mail } = await readNotice(buildSuccessNotice(input));
    assert.equal(parts[2]?.type, 'text/rfc822-headers');
    assert.match(
      mail.text ?? '',
      /<carol@remote\.test>:\n {4}handed to mx1\.remote\.test \[192\.0\.2\.25\], which does not send/,
    );
  });
});
