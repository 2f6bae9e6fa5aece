/**
 * Shared fixtures for the notice tests: an original message and outcomes as the queue
 * runner reports them. Test-only; nothing in the server imports this file.
 */
import type { DeliveryOutcome } from '../core/delivery-outcome.js';
import { type Reply, reply } from '../core/reply.js';
import type { NoticeInput } from './notice-input.js';

export const ORIGINAL = Buffer.from(
  [
    'From: Alice <alice@sender.test>',
    'To: bob@remote.test, carol@remote.test',
    'Subject: Quarterly report',
    'Date: Fri, 27 Nov 2026 09:00:00 +0000',
    'Message-ID: <orig-1@sender.test>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Hello Bob,',
    'the figures are attached.',
    '',
  ].join('\r\n'),
);

export const ADVICE = (r: Reply): string => `Advice for ${r.code}.`;

export function outcome(rcpt: string, partial: Partial<DeliveryOutcome> = {}): DeliveryOutcome {
  return {
    rcpt,
    status: 'failed',
    reply: reply(550, '5.1.1', `<${rcpt}>: Recipient address rejected: User unknown in virtual mailbox table`),
    remote: { host: 'mx1.remote.test', ip: '192.0.2.25' },
    stage: 'rcpt',
    ...partial,
  };
}

export function noticeInput(partial: Partial<NoticeInput> = {}): NoticeInput {
  return {
    hostname: 'mail.ours.test',
    reportingMta: 'mail.ours.test',
    original: {
      raw: ORIGINAL,
      from: 'alice@sender.test',
      arrivalDate: new Date('2026-11-28T08:00:00Z'),
    },
    recipients: [{ outcome: outcome('bob@remote.test'), lastAttempt: new Date('2026-11-28T08:00:05Z') }],
    maxOriginalSize: 50_000,
    now: new Date('2026-11-28T08:00:06Z'),
    messageId: '<notice-1@mail.ours.test>',
    advise: ADVICE,
    ...partial,
  };
}
