/**
 * explainText and adviceFor: the words a person reads for each kind of report.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adviceFor } from './advice.js';
import { explainText } from './render.js';
import { REASONS } from './types.js';

describe('explainText', () => {
  it('says an auto-reply is not a bounce', () => {
    const text = explainText({
      kind: 'vacation',
      recipients: [
        {
          address: 'dave@example.net',
          status: '',
          replyCode: '',
          reason: 'vacation',
          hard: false,
          diagnostic: 'Out of office',
          parser: 'rfc3834',
        },
      ],
    });
    assert.equal(
      text,
      [
        'This is an automatic reply, not a bounce.',
        '',
        'Auto-reply from: dave@example.net',
        'What happened: This is an automatic reply (out of office), not a bounce: your message was delivered.',
        'Retrying: Nothing to retry.',
        'What to do: Nothing to do; the person will read your message when they are back.',
        '',
      ].join('\n'),
    );
  });

  it('names the step and server of a temporary failure', () => {
    const text = explainText({
      kind: 'bounce',
      recipients: [
        {
          address: 'bob@example.net',
          status: '4.2.2',
          replyCode: '452',
          reason: 'mailboxfull',
          hard: false,
          diagnostic: '452 4.2.2 Over quota',
          remoteMta: 'mx.example.net',
          command: 'RCPT',
          parser: 'rfc3464',
        },
      ],
      original: { subject: 'lunch?', from: 'alice@example.org' },
    });
    assert.deepEqual(text.split('\n').slice(0, 5), [
      'Original message: "lunch?", from alice@example.org',
      '',
      'Recipient: bob@example.net',
      'Refused by: server mx.example.net, after RCPT TO (the recipient address)',
      'Result: temporary failure (452 4.2.2), reason: mailboxfull',
    ]);
  });
});

describe('adviceFor', () => {
  it('has what, retry and sender advice for every reason', () => {
    for (const reason of REASONS) {
      const a = adviceFor(reason);
      assert.ok(a.what.length > 10 && a.retry.length > 5 && a.sender.length > 5, reason);
    }
  });
});
