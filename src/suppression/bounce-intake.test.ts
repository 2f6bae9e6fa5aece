/**
 * Bounce intake and the suppressed RCPT rule: a corpus bounce delivered through the wrapped
 * local transport puts its hard-bounced recipient on the list; the rule then refuses it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseMailbox } from '../core/address.js';
import type { ClientInfo } from '../core/envelope.js';
import { formatReply } from '../core/reply.js';
import { buildReplyCatalogue } from '../policy/catalogue.js';
import type { PolicyContext, PolicyDeps } from '../policy/context.js';
import { suppressed } from '../policy/rules/suppressed.js';
import { MemorySuppressionStore } from '../store/memory/suppression.js';
import { message } from '../store/queue-contract.js';
import { openSqliteQueueStore } from '../store/sqlite/queue.js';
import { withBounceIntake } from './bounce-intake.js';

const corpus = join(import.meta.dirname, '../../test/fixtures/bounce-corpus');
const dir = await mkdtemp(join(tmpdir(), 'mw-supp-'));
after(() => rm(dir, { recursive: true, force: true }));
const NOW = Date.UTC(2026, 10, 28, 9, 30);

function fakeLocal() {
  return {
    deliver: async (_job: { queueId?: string; from: string; bodyPath: string }) => [
      { rcpt: 'alice@ours.test', status: 'delivered' as const, stage: 'local' as const } as never,
    ],
    close: async () => {},
  };
}

async function deliverFixture(
  name: string,
  from: string,
  store: MemorySuppressionStore,
  bounceAddresses?: readonly string[],
) {
  const bodyPath = join(dir, `${name}.eml`);
  await writeFile(bodyPath, await readFile(join(corpus, `${name}.eml`)));
  const t = withBounceIntake(fakeLocal(), { store, now: () => NOW, ...(bounceAddresses ? { bounceAddresses } : {}) });
  await t.deliver({ from, bodyPath });
}

test('a hard bounce delivered locally puts the recipient on the list with date, reason and diagnostic', async () => {
  const store = new MemorySuppressionStore();
  await deliverFixture('rfc3464-01', '', store);
  assert.deepEqual(await store.list(), [
    {
      address: 'userunknown@bouncehammer.jp',
      at: NOW,
      reason: 'userunknown',
      status: '5.1.1',
      diagnostic: '550 5.1.1 <userunknown@bouncehammer.jp>... User Unknown',
      originalMessageId: '<E1C50F1B-1C83-4820-BC36-AC6FBFBE8568@example.org>',
    },
  ]);
});

test('links the bounce to the queued message it reports on, in the delivery log', async () => {
  const queue = openSqliteQueueStore(':memory:');
  const original = '<E1C50F1B-1C83-4820-BC36-AC6FBFBE8568@example.org>';
  await queue.insertMessages([message('ORIG1', ['userunknown@bouncehammer.jp'], { messageId: original })]);
  await queue.insertMessages([message('OTHER', ['x@remote.test'])]);
  const bodyPath = join(dir, 'link.eml');
  await writeFile(bodyPath, await readFile(join(corpus, 'rfc3464-01.eml')));
  const t = withBounceIntake(fakeLocal(), { store: new MemorySuppressionStore(), now: () => NOW, deliveryLog: queue });
  await t.deliver({ queueId: 'NOTICE9', from: '', bodyPath });
  const linked = (await queue.listEvents({ queueId: 'ORIG1' })).filter((e) => e.event === 'bounce-received');
  assert.deepEqual(
    linked.map((e) => [e.time, e.rcpt, e.detail]),
    [[NOW, 'userunknown@bouncehammer.jp', 'hard userunknown, 5.1.1, notice NOTICE9']],
  );
  assert.deepEqual(
    (await queue.listEvents({ queueId: 'OTHER' })).map((e) => e.event),
    ['received'],
  );
  await queue.close();
});

test('a soft bounce (expired) is not suppressed', async () => {
  const store = new MemorySuppressionStore();
  await deliverFixture('lhost-postfix-08', '', store);
  assert.deepEqual(await store.list(), []);
});

test('a message with a real envelope sender is not taken as a bounce', async () => {
  const store = new MemorySuppressionStore();
  await deliverFixture('rfc3464-01', 'someone@remote.test', store);
  assert.deepEqual(await store.list(), []);
});

test('a bounce with a real envelope sender counts when it is delivered to a configured bounce address', async () => {
  const store = new MemorySuppressionStore();
  await deliverFixture('rfc3464-01', 'mailer-daemon@remote.test', store, ['Alice@Ours.test']);
  assert.deepEqual(
    (await store.list()).map((e) => [e.address, e.reason]),
    [['userunknown@bouncehammer.jp', 'userunknown']],
  );
  const other = new MemorySuppressionStore();
  await deliverFixture('rfc3464-01', 'mailer-daemon@remote.test', other, ['bounces@ours.test']);
  assert.deepEqual(await other.list(), []);
});

const client = (authUser: string | null): ClientInfo => ({
  ip: '192.0.2.7',
  port: 40000,
  localIp: '127.0.0.1',
  localPort: 587,
  role: 'submission',
  helo: 'client.test',
  esmtp: true,
  tls: true,
  authUser,
});

const depsWith = (suppression: MemorySuppressionStore) =>
  ({
    isTrusted: async () => false,
    isOurDomain: async (d: string) => d === 'ours.test',
    primaryDomain: async () => 'ours.test',
    directory: { findUser: async () => null, findAlias: async () => null },
    replies: buildReplyCatalogue({ style: 'default', policyUrl: 'mailto:postmaster@ours.test' }),
    suppression,
  }) as unknown as PolicyDeps;

function rcptCtx(addr: string, authUser: string | null): PolicyContext {
  const p = parseMailbox(addr);
  assert.ok(p.ok);
  return { stage: 'rcpt', client: client(authUser), rcpt: { address: p.value } } as PolicyContext;
}

test('the suppressed rule refuses an authenticated user sending to a suppressed address', async () => {
  const store = new MemorySuppressionStore();
  await store.put({ address: 'x@remote.test', at: NOW, reason: 'userunknown', status: '5.1.1', diagnostic: 'd' });
  const deps = depsWith(store);
  const d = await suppressed(rcptCtx('X@remote.test', 'alice'), deps);
  assert.equal(d.kind, 'reject');
  assert.ok(d.kind === 'reject');
  assert.equal(d.rule, 'suppressed');
  assert.equal(
    formatReply(d.reply),
    '550 5.1.1 <X@remote.test>: earlier delivery failed permanently on 2026-11-28: userunknown\r\n',
  );
  // Unauthenticated outsiders are relay_denied's business; other addresses pass.
  assert.deepEqual(await suppressed(rcptCtx('x@remote.test', null), deps), { kind: 'continue' });
  assert.deepEqual(await suppressed(rcptCtx('y@remote.test', 'alice'), deps), { kind: 'continue' });
  // After remove, no refusal.
  assert.equal(await store.remove('x@remote.test'), true);
  assert.deepEqual(await suppressed(rcptCtx('x@remote.test', 'alice'), deps), { kind: 'continue' });
});
