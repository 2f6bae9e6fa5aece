/**
 * The contract every QueueStore implementation passes (STYLE.md §10): run it from each
 * implementation's test file with a factory that opens a fresh store.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reply } from '../core/reply.js';
import type { NewQueueMessage, QueueStore } from './ports/queue.js';

export interface QueueStoreFactory {
  /** A fresh, empty store and a function that releases it (and its files). */
  open(): Promise<{ store: QueueStore; dispose(): Promise<void> }>;
}

const T0 = Date.UTC(2026, 0, 1);
const LEASE = { leaseMs: 60_000 };

export function message(id: string, rcpts: string[], over: Partial<NewQueueMessage> = {}): NewQueueMessage {
  return {
    id,
    from: 'sender@example.test',
    dsn: { ret: 'HDRS', envid: 'env-1' },
    body: '8BITMIME',
    smtputf8: false,
    size: 1234,
    spoolPath: `/spool/x/${id}`,
    arrivedAt: T0,
    expiresAt: T0 + 5 * 86_400_000,
    origin: { kind: 'local', source: 'test', user: 'root' },
    messageId: `<${id}@example.test>`,
    recipients: rcpts.map((address) => ({ address })),
    ...over,
  };
}

export function runQueueStoreContract(name: string, factory: QueueStoreFactory): void {
  describe(`QueueStore contract: ${name}`, () => {
    async function withStore(fn: (s: QueueStore) => Promise<void>): Promise<void> {
      const { store, dispose } = await factory.open();
      try {
        await fn(store);
      } finally {
        await dispose();
      }
    }

    it('keeps a committed message with its envelope and pending recipients', () =>
      withStore(async (s) => {
        await s.insertMessages([
          message('A1', ['Bob@Remote.test', 'carol@remote.test'], {
            recipients: [
              {
                address: 'Bob@remote.test',
                original: 'info@ours.test',
                orcpt: 'rfc822;info@ours.test',
                notify: ['FAILURE', 'DELAY'],
              },
              { address: 'carol@remote.test', notify: 'NEVER' },
            ],
          }),
        ]);
        const m = await s.getMessage('A1');
        assert.ok(m);
        assert.equal(m.from, 'sender@example.test');
        assert.deepEqual(m.dsn, { ret: 'HDRS', envid: 'env-1' });
        assert.equal(m.body, '8BITMIME');
        assert.deepEqual(m.origin, { kind: 'local', source: 'test', user: 'root' });
        assert.equal(m.messageId, '<A1@example.test>');
        assert.deepEqual(await s.queueIdsByMessageId('<A1@example.test>'), ['A1']);
        assert.deepEqual(await s.queueIdsByMessageId('<nope@example.test>'), []);
        assert.equal(m.doneAt, null);
        assert.deepEqual(
          m.recipients.map((r) => [
            r.address,
            r.domain,
            r.original,
            r.orcpt,
            r.notify,
            r.state,
            r.attempts,
            r.nextAttemptAt,
          ]),
          [
            [
              'Bob@remote.test',
              'remote.test',
              'info@ours.test',
              'rfc822;info@ours.test',
              ['FAILURE', 'DELAY'],
              'pending',
              0,
              T0,
            ],
            ['carol@remote.test', 'remote.test', null, null, 'NEVER', 'pending', 0, T0],
          ],
        );
        const events = await s.listEvents({ queueId: 'A1' });
        assert.deepEqual(
          events.map((e) => [e.event, e.rcpt, e.detail]),
          [
            ['received', 'Bob@remote.test', 'test'],
            ['received', 'carol@remote.test', 'test'],
          ],
        );
      }));

    it('commits a batch of messages in one call', () =>
      withStore(async (s) => {
        await s.insertMessages([message('B1', ['a@x.test']), message('B2', ['b@x.test']), message('B3', ['c@y.test'])]);
        assert.deepEqual(
          (await s.listMessages()).map((m) => m.id),
          ['B1', 'B2', 'B3'],
        );
        assert.deepEqual((await s.liveMessageIds()).sort(), ['B1', 'B2', 'B3']);
      }));

    it('claims a due recipient for one worker only, and not before it is due', () =>
      withStore(async (s) => {
        await s.insertMessages([message('C1', ['a@x.test', 'b@y.test'], { arrivedAt: T0 + 1000 })]);
        assert.deepEqual(await s.claimDue('w1', T0, 10, LEASE), []);
        const first = await s.claimDue('w1', T0 + 1000, 10, LEASE);
        assert.equal(first.length, 1);
        assert.equal(first[0]?.message.id, 'C1');
        assert.deepEqual(first[0]?.recipients.map((r) => [r.address, r.claimedBy]).sort(), [
          ['a@x.test', 'w1'],
          ['b@y.test', 'w1'],
        ]);
        assert.deepEqual(await s.claimDue('w2', T0 + 1000, 10, LEASE), []);
        // an expired lease means the other worker died: the recipient may be taken over
        const taken = await s.claimDue('w2', T0 + 1000 + 60_000, 10, LEASE);
        assert.equal(taken[0]?.recipients.length, 2);
      }));

    it('respects the limit and the excluded domains', () =>
      withStore(async (s) => {
        await s.insertMessages([message('D1', ['a@x.test', 'b@y.test', 'c@y.test'])]);
        const some = await s.claimDue('w1', T0, 10, { leaseMs: 1000, excludeDomains: ['y.test'] });
        assert.deepEqual(
          some[0]?.recipients.map((r) => r.address),
          ['a@x.test'],
        );
        const one = await s.claimDue('w1', T0, 1, LEASE);
        assert.equal(one[0]?.recipients.length, 1);
        await s.releaseClaims('w1', 'D1', one[0]?.recipients.map((r) => r.address) ?? []);
        const again = await s.claimDue('w2', T0, 10, LEASE);
        assert.equal(again[0]?.recipients.length, 2);
      }));

    it('records a deferral with its reply and the next attempt, and a final delivery marks the message done', () =>
      withStore(async (s) => {
        await s.insertMessages([message('E1', ['a@x.test', 'b@x.test'])]);
        await s.claimDue('w1', T0, 10, LEASE);
        const r451 = reply(451, '4.7.1', ['greylisted', 'come back later']);
        const first = await s.applyResults(
          'E1',
          [
            {
              address: 'a@x.test',
              state: 'delivered',
              event: 'delivered',
              reply: reply(250, '2.0.0', 'ok'),
              stage: 'end-of-data',
              remote: { host: 'mx.x.test', ip: '127.0.0.2' },
            },
            {
              address: 'b@x.test',
              state: 'deferred',
              event: 'deferred',
              reply: r451,
              stage: 'rcpt',
              remote: { host: 'mx.x.test', ip: '127.0.0.2' },
              nextAttemptAt: T0 + 300_000,
            },
          ],
          T0 + 10,
        );
        assert.equal(first?.done, false);
        const b = first?.message.recipients.find((r) => r.address === 'b@x.test');
        assert.deepEqual(
          [b?.state, b?.attempts, b?.nextAttemptAt, b?.lastReply, b?.remote, b?.stage, b?.claimedBy],
          ['deferred', 1, T0 + 300_000, r451, { host: 'mx.x.test', ip: '127.0.0.2' }, 'rcpt', null],
        );
        assert.equal(await s.nextDueAt(), T0 + 300_000);
        assert.deepEqual(await s.claimDue('w1', T0 + 299_999, 10, LEASE), []);
        await s.claimDue('w1', T0 + 300_000, 10, LEASE);
        const last = await s.applyResults(
          'E1',
          [
            {
              address: 'B@X.test',
              state: 'failed',
              event: 'expired',
              reply: reply(451, '4.4.7', 'expired'),
              stage: 'queue',
            },
          ],
          T0 + 300_001,
        );
        assert.equal(last?.done, true);
        assert.equal(last?.message.doneAt, T0 + 300_001);
        assert.deepEqual(await s.listMessages(), []);
        const events = await s.listEvents({ rcpt: 'b@x.test' });
        assert.deepEqual(
          events.map((e) => [e.event, e.reply?.code ?? null, e.remoteHost, e.stage]),
          [
            ['received', null, null, null],
            ['deferred', 451, 'mx.x.test', 'rcpt'],
            ['expired', 451, null, 'queue'],
          ],
        );
        assert.deepEqual(events[1]?.reply, r451);
      }));

    it('records the results of several messages in one batch, skipping a deleted one', () =>
      withStore(async (s) => {
        await s.insertMessages([message('K1', ['a@x.test']), message('K2', ['b@x.test', 'c@x.test'])]);
        await s.claimDue('w', T0, 10, LEASE);
        const ok = reply(250, '2.0.0', 'ok');
        const out = await s.applyResultsBatch(
          [
            {
              messageId: 'K1',
              results: [{ address: 'a@x.test', state: 'delivered', event: 'delivered', reply: ok, stage: 'local' }],
            },
            { messageId: 'GONE', results: [] },
            {
              messageId: 'K2',
              results: [
                {
                  address: 'b@x.test',
                  state: 'failed',
                  event: 'failed',
                  reply: reply(550, '5.1.1', 'no'),
                  stage: 'rcpt',
                },
              ],
            },
          ],
          T0 + 1,
        );
        assert.deepEqual(
          out.map((o) => (o ? [o.done, o.message.id, o.message.recipients.map((r) => r.state)] : null)),
          [[true, 'K1', ['delivered']], null, [false, 'K2', ['failed', 'pending']]],
        );
      }));

    it('puts active recipients back to due on recovery, idempotently', () =>
      withStore(async (s) => {
        await s.insertMessages([message('F1', ['a@x.test'])]);
        await s.claimDue('crashed', T0, 10, { leaseMs: 3_600_000 });
        assert.equal(await s.recoverActive(T0 + 5), 1);
        assert.equal(await s.recoverActive(T0 + 6), 0);
        const claimed = await s.claimDue('w2', T0 + 7, 10, LEASE);
        assert.equal(claimed[0]?.recipients[0]?.address, 'a@x.test');
      }));

    it('retries one message or all now, and deletes a message but keeps the log', () =>
      withStore(async (s) => {
        await s.insertMessages([message('G1', ['a@x.test']), message('G2', ['b@x.test'])]);
        await s.claimDue('w', T0, 10, LEASE);
        for (const id of ['G1', 'G2']) {
          await s.applyResults(
            id,
            [
              {
                address: id === 'G1' ? 'a@x.test' : 'b@x.test',
                state: 'deferred',
                event: 'deferred',
                reply: reply(421, '4.4.2', 'timeout'),
                stage: 'connect',
                nextAttemptAt: T0 + 3_600_000,
              },
            ],
            T0,
          );
        }
        assert.equal(await s.retryNow('G1', T0 + 1), 1);
        assert.deepEqual(
          (await s.claimDue('w', T0 + 1, 10, LEASE)).map((c) => c.message.id),
          ['G1'],
        );
        assert.equal(await s.retryNow(null, T0 + 2), 1);
        assert.equal(await s.deleteMessage('G2', T0 + 3), '/spool/x/G2');
        assert.equal(await s.deleteMessage('G2', T0 + 3), null);
        assert.equal(await s.getMessage('G2'), null);
        assert.deepEqual(
          (await s.listEvents({ queueId: 'G2' })).map((e) => e.event),
          ['received', 'deferred', 'retry', 'deleted'],
        );
        assert.equal(await s.applyResults('G2', [], T0 + 4), null);
      }));

    it('marks delay warnings and appends notice events; filters the log by time and limit', () =>
      withStore(async (s) => {
        await s.insertMessages([message('H1', ['a@x.test'])]);
        await s.markDelayWarned('H1', ['a@x.test']);
        assert.equal((await s.getMessage('H1'))?.recipients[0]?.delayWarned, true);
        await s.appendEvents([
          {
            time: T0 + 50,
            queueId: 'H1',
            rcpt: 'a@x.test',
            event: 'notice-sent',
            remoteHost: null,
            remoteIp: null,
            stage: null,
            reply: null,
            detail: 'delay notice H2',
          },
        ]);
        const since = await s.listEvents({ since: T0 + 10 });
        assert.deepEqual(
          since.map((e) => [e.event, e.detail]),
          [['notice-sent', 'delay notice H2']],
        );
        assert.equal((await s.listEvents({ limit: 1 }))[0]?.event, 'notice-sent');
      }));
  });
}
