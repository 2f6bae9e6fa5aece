import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeliveryOutcome } from '../core/delivery-outcome.js';
import type { Notify } from '../core/envelope.js';
import { reply } from '../core/reply.js';
import { decideNotices, type NoticeMessage, postmasterFor } from './notice-policy.js';

const H = 3600_000;
const ARRIVED = Date.UTC(2026, 10, 28, 8);
const cfg = { now: ARRIVED + 60_000, delayWarningAfterMs: 4 * H, postmaster: 'postmaster@ours.test' };

const failed = (rcpt: string): DeliveryOutcome => ({
  rcpt,
  status: 'failed',
  reply: reply(550, '5.1.1', 'no such user'),
  remote: { host: 'mx.remote.test', ip: '192.0.2.1' },
  stage: 'rcpt',
});
const deferred = (rcpt: string): DeliveryOutcome => ({
  ...failed(rcpt),
  status: 'deferred',
  reply: reply(451, '4.7.1', 'later'),
});
const delivered = (rcpt: string, partial: Partial<DeliveryOutcome> = {}): DeliveryOutcome => ({
  ...failed(rcpt),
  status: 'delivered',
  reply: reply(250, '2.0.0', 'Ok'),
  ...partial,
});

function message(
  rcpts: Array<{ address: string; notify?: Notify; delayWarned?: boolean; orcpt?: string }>,
  partial: Partial<NoticeMessage> = {},
): NoticeMessage {
  return {
    from: 'alice@sender.test',
    arrivedAt: ARRIVED,
    origin: { kind: 'smtp' },
    recipients: rcpts.map((r) => ({ expiresAt: ARRIVED + 120 * H, ...r })),
    ...partial,
  };
}

const summary = (d: ReturnType<typeof decideNotices>) =>
  d.notices.map((n) => ({ kind: n.kind, to: n.to, source: n.source, rcpts: n.recipients.map((r) => r.outcome.rcpt) }));

describe('decideNotices', () => {
  it('sends one failure notice listing every failed recipient of the run', () => {
    const d = decideNotices(
      message([{ address: 'a@r.test' }, { address: 'b@r.test' }, { address: 'c@r.test' }]),
      [failed('a@r.test'), failed('b@r.test'), delivered('c@r.test')],
      cfg,
    );
    assert.deepEqual(summary(d), [
      { kind: 'failure', to: 'alice@sender.test', source: 'dsn', rcpts: ['a@r.test', 'b@r.test'] },
    ]);
  });
  it('carries ORCPT through to the notice recipient', () => {
    const d = decideNotices(message([{ address: 'a@r.test', orcpt: 'rfc822;A@r.test' }]), [failed('a@r.test')], cfg);
    assert.equal(d.notices[0]?.recipients[0]?.orcpt, 'rfc822;A@r.test');
  });
  it('sends nothing for NOTIFY=NEVER, and nothing for failure when NOTIFY lacks FAILURE', () => {
    const d = decideNotices(
      message([
        { address: 'a@r.test', notify: 'NEVER' },
        { address: 'b@r.test', notify: ['DELAY'] },
      ]),
      [failed('a@r.test'), failed('b@r.test')],
      cfg,
    );
    assert.deepEqual(summary(d), []);
    assert.deepEqual(
      d.suppressed.map((s) => s.rcpt),
      ['a@r.test', 'b@r.test'],
    );
  });
  it('never sends a notice for a null-sender message', () => {
    const d = decideNotices(
      message([{ address: 'a@r.test', notify: ['SUCCESS', 'FAILURE'] }], { from: '' }),
      [failed('a@r.test')],
      cfg,
    );
    assert.deepEqual(summary(d), []);
    assert.deepEqual(d.suppressed, [{ rcpt: 'a@r.test', why: 'null sender' }]);
  });
  it('warns once about a delay after delay_warning_after, when NOTIFY allows it', () => {
    const late = { ...cfg, now: ARRIVED + 4 * H };
    const early = decideNotices(message([{ address: 'a@r.test' }]), [deferred('a@r.test')], {
      ...cfg,
      now: ARRIVED + 4 * H - 1,
    });
    assert.deepEqual(summary(early), []);
    const d = decideNotices(
      message([{ address: 'a@r.test' }, { address: 'b@r.test', notify: ['FAILURE'] }]),
      [deferred('a@r.test'), deferred('b@r.test')],
      late,
    );
    assert.deepEqual(summary(d), [{ kind: 'delay', to: 'alice@sender.test', source: 'dsn', rcpts: ['a@r.test'] }]);
    assert.deepEqual(d.markDelayWarned, ['a@r.test']);
    const again = decideNotices(message([{ address: 'a@r.test', delayWarned: true }]), [deferred('a@r.test')], late);
    assert.deepEqual(summary(again), []);
  });
  it('sends no delay warning when delay_warning_after is 0', () => {
    const d = decideNotices(message([{ address: 'a@r.test' }]), [deferred('a@r.test')], {
      ...cfg,
      now: ARRIVED + 100 * H,
      delayWarningAfterMs: 0,
    });
    assert.deepEqual(summary(d), []);
  });
  it('fails an expired recipient with a notice marked expired', () => {
    const d = decideNotices(message([{ address: 'a@r.test' }]), [deferred('a@r.test')], {
      ...cfg,
      now: ARRIVED + 120 * H,
    });
    assert.deepEqual(summary(d), [{ kind: 'failure', to: 'alice@sender.test', source: 'dsn', rcpts: ['a@r.test'] }]);
    assert.equal(d.notices[0]?.recipients[0]?.expired, true);
  });
  it('sends a success notice only for NOTIFY=SUCCESS, local or to a remote without DSN', () => {
    const rcpts = [
      { address: 'local@ours.test', notify: ['SUCCESS'] as Notify },
      { address: 'plain@r.test', notify: ['SUCCESS'] as Notify },
      { address: 'dsn@r.test', notify: ['SUCCESS'] as Notify },
      { address: 'quiet@r.test' },
    ];
    const d = decideNotices(
      message(rcpts),
      [
        delivered('local@ours.test', { stage: 'local', remote: undefined }),
        delivered('plain@r.test', { stage: 'end-of-data', remoteDsn: false }),
        delivered('dsn@r.test', { stage: 'end-of-data', remoteDsn: true }),
        delivered('quiet@r.test'),
      ],
      cfg,
    );
    assert.deepEqual(summary(d), [
      { kind: 'success', to: 'alice@sender.test', source: 'dsn', rcpts: ['local@ours.test', 'plain@r.test'] },
    ]);
  });
  it('sends a failed notice once to the postmaster, and drops a failed postmaster copy', () => {
    const notice = message([{ address: 'alice@sender.test' }], { from: '', origin: { kind: 'local', source: 'dsn' } });
    const d = decideNotices(notice, [failed('alice@sender.test')], cfg);
    assert.deepEqual(summary(d), [
      { kind: 'failure', to: 'postmaster@ours.test', source: 'dsn-postmaster', rcpts: ['alice@sender.test'] },
    ]);
    const copy = message([{ address: 'postmaster@ours.test' }], {
      from: '',
      origin: { kind: 'local', source: 'dsn-postmaster' },
    });
    const d2 = decideNotices(copy, [failed('postmaster@ours.test')], cfg);
    assert.deepEqual(summary(d2), []);
    assert.deepEqual(d2.suppressed, [
      { rcpt: 'postmaster@ours.test', why: 'a notice to the postmaster failed: dropped (no loops)' },
    ]);
  });
  it('derives the postmaster from the host name, unless configured', () => {
    assert.equal(postmasterFor('mail.example.com'), 'postmaster@example.com');
    assert.equal(postmasterFor('example.com'), 'postmaster@example.com');
    assert.equal(postmasterFor('mail.example.com', 'hostmaster@example.net'), 'hostmaster@example.net');
  });
});
