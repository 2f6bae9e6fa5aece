import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reply } from '../core/reply.js';
import { buildFailureNotice } from './failure-notice.js';
import { ADVICE, noticeInput, ORIGINAL, outcome } from './notice-fixtures.js';
import { readNotice } from './read-notice.js';

const at = (iso: string) => new Date(iso);

describe('buildFailureNotice', () => {
  it('writes the headers of a failure notice exactly', async () => {
    const raw = buildFailureNotice(noticeInput());
    const { mail } = await readNotice(raw);
    assert.equal(mail.from?.text, '"Mail Delivery System" <MAILER-DAEMON@mail.ours.test>');
    assert.equal(mail.from?.value[0]?.address, 'MAILER-DAEMON@mail.ours.test');
    assert.equal((mail.to as { text: string }).text, 'alice@sender.test');
    assert.equal(mail.subject, 'Mail delivery failed: returning message to sender');
    assert.equal(mail.messageId, '<notice-1@mail.ours.test>');
    assert.equal(mail.inReplyTo, '<orig-1@sender.test>');
    assert.equal(mail.references, '<orig-1@sender.test>');
    assert.equal(mail.headers.get('auto-submitted'), 'auto-replied');
    assert.equal(mail.headers.get('x-failed-recipients'), 'bob@remote.test');
    assert.equal(mail.date?.toISOString(), '2026-11-28T08:00:06.000Z');
    const ct = mail.headers.get('content-type') as { value: string; params: Record<string, string> };
    assert.equal(ct.value, 'multipart/report');
    assert.equal(ct.params['report-type'], 'delivery-status');
  });

  it('keeps every header line 7-bit and ends every line with CRLF', () => {
    const raw = buildFailureNotice(noticeInput());
    const head = raw.subarray(0, raw.indexOf('\r\n\r\n'));
    assert.equal(
      head.every((b) => b < 128),
      true,
    );
    assert.equal(/(?<!\r)\n/.test(raw.toString('latin1')), false);
  });

  it('lists every failed recipient in the delivery-status part with all fields', async () => {
    const input = noticeInput({
      original: { ...noticeInput().original, envid: 'QQ314159' },
      recipients: [
        {
          outcome: outcome('bob@remote.test'),
          orcpt: 'rfc822;Bob@Remote.test',
          lastAttempt: at('2026-11-28T08:00:05Z'),
        },
        {
          outcome: outcome('carol@remote.test', {
            reply: reply(552, '5.2.2', 'carol@remote.test: mailbox full'),
            stage: 'end-of-data',
            remote: { host: 'mx2.remote.test', ip: '192.0.2.26' },
          }),
          lastAttempt: at('2026-11-28T08:00:04Z'),
        },
      ],
    });
    const { perMessage, perRecipient, mail } = await readNotice(buildFailureNotice(input));
    assert.equal(mail.headers.get('x-failed-recipients'), 'bob@remote.test, carol@remote.test');
    assert.deepEqual(Object.fromEntries(perMessage), {
      'reporting-mta': 'dns; mail.ours.test',
      'original-envelope-id': 'QQ314159',
      'arrival-date': 'Sat, 28 Nov 2026 08:00:00 +0000',
    });
    assert.equal(perRecipient.length, 2);
    assert.deepEqual(Object.fromEntries(perRecipient[0] ?? []), {
      'original-recipient': 'rfc822; Bob@Remote.test',
      'final-recipient': 'rfc822; bob@remote.test',
      action: 'failed',
      status: '5.1.1',
      'remote-mta': 'dns; mx1.remote.test',
      'diagnostic-code':
        'smtp; 550 5.1.1 <bob@remote.test>: Recipient address rejected: User unknown in virtual mailbox table',
      'last-attempt-date': 'Sat, 28 Nov 2026 08:00:05 +0000',
    });
    assert.deepEqual(Object.fromEntries(perRecipient[1] ?? []), {
      'final-recipient': 'rfc822; carol@remote.test',
      action: 'failed',
      status: '5.2.2',
      'remote-mta': 'dns; mx2.remote.test',
      'diagnostic-code': 'smtp; 552 5.2.2 carol@remote.test: mailbox full',
      'last-attempt-date': 'Sat, 28 Nov 2026 08:00:04 +0000',
    });
  });

  it('tells people the host, the command, the reply, the permanence and the advice', async () => {
    const input = noticeInput({
      recipients: [
        { outcome: outcome('bob@remote.test'), lastAttempt: at('2026-11-28T08:00:05Z') },
        {
          outcome: outcome('dave@remote.test', {
            reply: reply(554, '5.7.1', 'Message rejected as spam'),
            stage: 'end-of-data',
          }),
          lastAttempt: at('2026-11-28T08:00:05Z'),
        },
        {
          outcome: outcome('eve@remote.test', { reply: reply(553, '5.7.1', 'sender rejected'), stage: 'mail' }),
          lastAttempt: at('2026-11-28T08:00:05Z'),
        },
      ],
    });
    const { mail } = await readNotice(buildFailureNotice(input));
    const text = mail.text ?? '';
    assert.match(
      text,
      /<bob@remote\.test>:\n {4}host mx1\.remote\.test \[192\.0\.2\.25\] said, after RCPT TO:<bob@remote\.test>:\n {4}550 5\.1\.1 <bob@remote\.test>: Recipient address rejected: User unknown in virtual mailbox table\n {4}This is a permanent error: we will not try again\.\n {4}What to do: Advice for 550\.\n/,
    );
    assert.match(text, /said, after end of data:\n {4}554 5\.7\.1 Message rejected as spam\n/);
    assert.match(text, /said, after MAIL FROM:<alice@sender\.test>:\n {4}553 5\.7\.1 sender rejected\n/);
  });

  it('says "while connecting" and "while looking up DNS" for failures before SMTP', async () => {
    const input = noticeInput({
      recipients: [
        {
          outcome: outcome('x@down.test', {
            reply: reply(554, '5.4.4', 'connection refused'),
            stage: 'connect',
            remote: { host: 'mx.down.test', ip: '192.0.2.9' },
          }),
          lastAttempt: at('2026-11-28T08:00:05Z'),
        },
        {
          outcome: outcome('y@nowhere.test', {
            reply: reply(550, '5.1.2', 'Host or domain name not found'),
            stage: 'dns',
            remote: undefined,
          }),
          lastAttempt: at('2026-11-28T08:00:05Z'),
        },
      ],
    });
    const { mail, perRecipient } = await readNotice(buildFailureNotice(input));
    assert.match(
      mail.text ?? '',
      /host mx\.down\.test \[192\.0\.2\.9\] said, while connecting to mx\.down\.test \[192\.0\.2\.9\]:/,
    );
    assert.match(
      mail.text ?? '',
      /mail\.ours\.test said, while looking up DNS for nowhere\.test:\n {4}550 5\.1\.2 Host or domain name not found/,
    );
    assert.equal(perRecipient[1]?.has('remote-mta'), false);
  });

  it('derives the status from the code class when the remote sent no enhanced code', async () => {
    const input = noticeInput({
      recipients: [
        {
          outcome: outcome('bob@remote.test', { reply: reply(550, null, 'no such user here') }),
          lastAttempt: at('2026-11-28T08:00:05Z'),
        },
      ],
    });
    const { perRecipient } = await readNotice(buildFailureNotice(input));
    assert.equal(perRecipient[0]?.get('status'), '5.0.0');
    assert.equal(perRecipient[0]?.get('diagnostic-code'), 'smtp; 550 no such user here');
  });

  it('reports an expired recipient as failed with status 4.4.7 and the last reply', async () => {
    const input = noticeInput({
      recipients: [
        {
          outcome: outcome('bob@remote.test', {
            status: 'deferred',
            reply: reply(451, '4.7.1', 'greylisted, try again later'),
          }),
          lastAttempt: at('2026-12-03T08:00:00Z'),
          expired: true,
        },
      ],
    });
    const { perRecipient, mail } = await readNotice(buildFailureNotice(input));
    assert.equal(perRecipient[0]?.get('action'), 'failed');
    assert.equal(perRecipient[0]?.get('status'), '4.4.7');
    assert.equal(perRecipient[0]?.get('diagnostic-code'), 'smtp; 451 4.7.1 greylisted, try again later');
    assert.match(mail.text ?? '', /lasted longer than we keep messages: we have given up\./);
  });

  it('attaches the original byte for byte as message/rfc822', async () => {
    const { mail, parts } = await readNotice(buildFailureNotice(noticeInput()));
    assert.deepEqual(
      parts.map((p) => p.type),
      ['text/plain', 'message/delivery-status', 'message/rfc822'],
    );
    assert.equal(mail.attachments.length, 1);
    assert.equal(mail.attachments[0]?.contentType, 'message/rfc822');
    assert.equal(Buffer.compare(mail.attachments[0]?.content as Buffer, ORIGINAL), 0);
  });

  it('returns only the headers as text/rfc822-headers when RET=HDRS', async () => {
    const input = noticeInput({ original: { ...noticeInput().original, ret: 'HDRS' } });
    const { parts } = await readNotice(buildFailureNotice(input));
    const last = parts[2];
    assert.equal(last?.type, 'text/rfc822-headers');
    assert.equal(last?.body.toString(), ORIGINAL.subarray(0, ORIGINAL.indexOf('\r\n\r\n') + 4).toString());
    assert.equal(last?.body.includes('Hello Bob'), false);
  });

  it('returns only the headers when the original is larger than max_original_size', async () => {
    const input = noticeInput({ maxOriginalSize: ORIGINAL.length - 1 });
    const { parts } = await readNotice(buildFailureNotice(input));
    assert.equal(parts[2]?.type, 'text/rfc822-headers');
    assert.equal(parts[2]?.body.includes('Hello Bob'), false);
  });

  it('chooses a boundary that does not occur in the original', async () => {
    const raw = buildFailureNotice(noticeInput());
    const boundary = /boundary="([^"]+)"/.exec(raw.toString('latin1'))?.[1] ?? '';
    assert.equal(ORIGINAL.includes(boundary), false);
    assert.equal(raw.toString('latin1').split(`--${boundary}\r\n`).length, 4);
  });

  it('leaves out In-Reply-To when the original had no Message-ID', async () => {
    const raw = Buffer.from('From: a@sender.test\r\nSubject: x\r\n\r\nbody\r\n');
    const { mail } = await readNotice(
      buildFailureNotice(noticeInput({ original: { ...noticeInput().original, raw } })),
    );
    assert.equal(mail.inReplyTo, undefined);
    assert.equal(mail.headers.has('references'), false);
  });

  it('uses the injected advice for every recipient', async () => {
    const seen: number[] = [];
    const input = noticeInput({
      advise: (r) => {
        seen.push(r.code);
        return ADVICE(r);
      },
    });
    buildFailureNotice(input);
    assert.deepEqual(seen, [550]);
  });
});
