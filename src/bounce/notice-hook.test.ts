import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bounceSchema } from '../config/sections/bounce.js';
import { FakeClock } from '../core/clock.js';
import { reply } from '../core/reply.js';
import { ADVICE, ORIGINAL, outcome } from './notice-fixtures.js';
import { createNoticeHook, type NoticeInjection, type NoticeQueueMessage } from './notice-hook.js';
import { readNotice } from './read-notice.js';

const H = 3600_000;
let dir: string;
let spoolPath: string;
let bigPath: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailward-notice-hook-'));
  spoolPath = join(dir, 'msg');
  bigPath = join(dir, 'big');
  await writeFile(spoolPath, ORIGINAL);
  await writeFile(bigPath, Buffer.concat([ORIGINAL, Buffer.alloc(60_000, 'x')]));
});
after(() => rm(dir, { recursive: true, force: true }));

function setup(config = {}) {
  const clock = new FakeClock(Date.UTC(2026, 10, 28, 8));
  const injected: NoticeInjection[] = [];
  const warned: Array<[string, readonly string[]]> = [];
  const logs: string[] = [];
  const hook = createNoticeHook({
    hostname: 'mail.ours.test',
    config: bounceSchema.parse(config),
    clock,
    advise: ADVICE,
    inject: async (m) => {
      injected.push(m);
      return { ok: true };
    },
    markDelayWarned: async (id, rcpts) => {
      warned.push([id, rcpts]);
    },
    log: (_level, _detail, msg) => logs.push(msg),
    newId: () => 'N1',
  });
  return { clock, injected, warned, logs, hook };
}

const message = (partial: Partial<NoticeQueueMessage> = {}): NoticeQueueMessage => ({
  id: 'Q1',
  from: 'alice@sender.test',
  arrivedAt: Date.UTC(2026, 10, 28, 8),
  origin: { kind: 'smtp' },
  spoolPath,
  dsn: {},
  recipients: [{ address: 'bob@remote.test', expiresAt: Date.UTC(2026, 11, 3, 8) }],
  ...partial,
});

describe('createNoticeHook', () => {
  it('injects a failure notice with the null sender, to the sender, marked as a notice', async () => {
    const { hook, injected } = setup();
    await hook(message(), [outcome('bob@remote.test')]);
    assert.equal(injected.length, 1);
    const n = injected[0] as NoticeInjection;
    assert.deepEqual([n.from, n.rcpts, n.origin, n.bodyType], ['', ['alice@sender.test'], { source: 'dsn' }, '7BIT']);
    const { mail, parts } = await readNotice(n.body);
    assert.equal(mail.messageId, '<N1.dsn@mail.ours.test>');
    assert.equal(Buffer.compare(parts[2]?.body as Buffer, ORIGINAL), 0);
  });

  it('returns only the headers of an original above max_original_size, read from the spool', async () => {
    const { hook, injected } = setup();
    await hook(message({ spoolPath: bigPath }), [outcome('bob@remote.test')]);
    const { parts } = await readNotice(injected[0]?.body as Buffer);
    assert.equal(parts[2]?.type, 'text/rfc822-headers');
    assert.equal(parts[2]?.body.toString(), ORIGINAL.subarray(0, ORIGINAL.indexOf('\r\n\r\n') + 4).toString());
  });

  it('marks the delay warning as sent and uses the recipient expiry as Will-Retry-Until', async () => {
    const { hook, injected, warned, clock } = setup();
    clock.advance(4 * H);
    await hook(message(), [
      outcome('bob@remote.test', { status: 'deferred', reply: reply(451, '4.4.1', 'timed out') }),
    ]);
    assert.deepEqual(warned, [['Q1', ['bob@remote.test']]]);
    const { perRecipient } = await readNotice(injected[0]?.body as Buffer);
    assert.equal(perRecipient[0]?.get('will-retry-until'), 'Thu, 03 Dec 2026 08:00:00 +0000');
  });

  it('logs and goes on when the queue refuses a notice', async () => {
    const { logs } = setup();
    const clock = new FakeClock(Date.UTC(2026, 10, 28, 8));
    const hook = createNoticeHook({
      hostname: 'mail.ours.test',
      config: bounceSchema.parse({}),
      clock,
      advise: ADVICE,
      inject: async () => ({ ok: false }),
      markDelayWarned: async () => {},
      log: (_l, _d, msg) => logs.push(msg),
    });
    await hook(message(), [outcome('bob@remote.test')]);
    assert.deepEqual(logs, ['notice refused by the queue']);
  });

  it('sends the failure of a notice to the configured postmaster', async () => {
    const { hook, injected } = setup({ postmaster: 'hostmaster@ours.test' });
    await hook(message({ from: '', origin: { kind: 'local', source: 'dsn' } }), [outcome('bob@remote.test')]);
    assert.deepEqual(injected[0]?.rcpts, ['hostmaster@ours.test']);
    assert.deepEqual(injected[0]?.origin, { source: 'dsn-postmaster' });
    const { mail } = await readNotice(injected[0]?.body as Buffer);
    assert.equal((mail.to as { text: string }).text, 'hostmaster@ours.test');
    assert.equal(mail.subject, 'Mail delivery failed: returning message to sender');
    assert.match(mail.text ?? '', /A delivery status notice sent by this server could not be delivered/);
  });
});
