/**
 * Local delivery end to end: a job through the local transport into real Maildirs on disk.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLocalTransport } from '../../src/delivery/local/transport.js';
import type { DeliveryJob } from '../../src/delivery/transport.js';
import type { DirectoryStore, UserRecord } from '../../src/store/ports/directory.js';

function directory(users: Record<string, number | null>, aliases: Record<string, string[]> = {}): DirectoryStore {
  const partial: Pick<DirectoryStore, 'findUser' | 'findAlias' | 'hasDomain'> = {
    async findUser(address): Promise<UserRecord | null> {
      if (!(address in users)) return null;
      return {
        address,
        domain: address.split('@')[1] ?? '',
        passwordHash: '',
        quotaBytes: users[address] ?? null,
        createdAt: 0,
      };
    },
    async findAlias(source) {
      const targets = aliases[source];
      return targets ? { source, targets } : null;
    },
    async hasDomain(domain) {
      return domain === 'ours.test';
    },
  };
  return partial as DirectoryStore;
}

describe('local delivery into Maildir', () => {
  let dataDir: string;
  let n = 0;
  const users = { 'bob@ours.test': null, 'small@ours.test': 300, '../evil@ours.test': null };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'delivery-local-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  async function job(rcpts: string[], body: string, queueId = `Q${++n}`): Promise<DeliveryJob> {
    const bodyPath = join(dataDir, `${queueId}.eml`);
    await writeFile(bodyPath, body);
    return {
      queueId,
      from: 'alice@remote.example',
      rcpts: rcpts.map((address) => ({ address })),
      dsn: {},
      bodyPath,
      size: body.length,
      smtputf8: false,
      body: '7BIT',
      attempt: 1,
    };
  }
  const maildir = (user: string) => join(dataDir, 'mail', 'ours.test', user, 'Maildir');

  it('writes the message into new/ with Return-Path and Delivered-To, leaving tmp/ empty', async () => {
    const t = createLocalTransport({ dataDir, directory: directory(users), hostname: 'mx.ours.test' });
    const out = await t.deliver(await job(['bob@ours.test'], 'Subject: hi\r\n\r\nhello\r\n', 'QDELIVER'));
    assert.equal(out[0]?.status, 'delivered');
    assert.equal(out[0]?.stage, 'local');
    const files = await readdir(join(maildir('bob'), 'new'));
    assert.equal(files.length, 1);
    assert.match(files[0] ?? '', /^\d+\.QDELIVER_[0-9a-f]{12}\.mx\.ours\.test,S=\d+$/);
    const text = await readFile(join(maildir('bob'), 'new', files[0] ?? ''), 'utf8');
    assert.equal(
      text,
      'Return-Path: <alice@remote.example>\r\nDelivered-To: bob@ours.test\r\nSubject: hi\r\n\r\nhello\r\n',
    );
    assert.equal(Number(/S=(\d+)/.exec(files[0] ?? '')?.[1]), Buffer.byteLength(text));
    assert.deepEqual(await readdir(join(maildir('bob'), 'tmp')), []);
    assert.equal((await stat(join(maildir('bob'), 'new', files[0] ?? ''))).mode & 0o777, 0o600);
  });

  it('does not make a second copy when the same queue id is delivered again, even after the reader moved it to cur/', async () => {
    const t = createLocalTransport({ dataDir, directory: directory(users), hostname: 'mx.ours.test' });
    const j = await job(['bob@ours.test'], 'Subject: once\r\n\r\nx\r\n', 'QONCE');
    await t.deliver(j);
    const again = await t.deliver({ ...j, attempt: 2 });
    assert.equal(again[0]?.status, 'delivered');
    assert.deepEqual(again[0]?.reply.lines, ['bob@ours.test already delivered (queue id QONCE), no second copy']);
    const name = (await readdir(join(maildir('bob'), 'new'))).find((f) => f.includes('.QONCE_')) ?? '';
    await rename(join(maildir('bob'), 'new', name), join(maildir('bob'), 'cur', `${name}:2,S`));
    const third = await createLocalTransport({
      dataDir,
      directory: directory(users),
      hostname: 'renamed-host',
    }).deliver({ ...j, attempt: 3 });
    assert.equal(third[0]?.status, 'delivered');
    const all = [...(await readdir(join(maildir('bob'), 'new'))), ...(await readdir(join(maildir('bob'), 'cur')))];
    assert.equal(all.filter((f) => f.includes('.QONCE_')).length, 1);
  });

  it('finds the earlier copy by its exact name when the crash came before the marker was written', async () => {
    const t = createLocalTransport({ dataDir, directory: directory(users), hostname: 'mx.ours.test' });
    const j = await job(['bob@ours.test'], 'Subject: nomarker\r\n\r\nx\r\n', 'QNOMARK');
    await t.deliver(j);
    const markers = join(dataDir, 'mail', 'ours.test', 'bob', 'delivered');
    const mine = (await readdir(markers)).filter((f) => f.startsWith('QNOMARK_'));
    assert.equal(mine.length, 1);
    await rm(join(markers, mine[0] ?? ''));
    const [again] = await t.deliver({ ...j, attempt: 2 });
    assert.equal(again?.status, 'delivered');
    assert.equal((await readdir(join(maildir('bob'), 'new'))).filter((f) => f.includes('.QNOMARK_')).length, 1);
  });

  it('fails with 5.4.6 when Delivered-To already names the recipient (mail loop)', async () => {
    const t = createLocalTransport({ dataDir, directory: directory(users), hostname: 'mx.ours.test' });
    const body =
      'Delivered-To: other@ours.test\r\nDelivered-To:\r\n  BOB@ours.test\r\nSubject: loop\r\n\r\nDelivered-To: nobody\r\n';
    const [o] = await t.deliver(await job(['bob@ours.test'], body, 'QLOOP'));
    assert.deepEqual(o, {
      rcpt: 'bob@ours.test',
      status: 'failed',
      reply: {
        code: 554,
        enhanced: '5.4.6',
        lines: ['mail forwarding loop for bob@ours.test (Delivered-To: already names it)'],
      },
      stage: 'local',
    });
    // A Delivered-To line in the body does not count.
    const [ok] = await t.deliver(await job(['bob@ours.test'], 'Subject: x\r\n\r\nDelivered-To: bob@ours.test\r\n'));
    assert.equal(ok?.status, 'delivered');
  });

  it('defers over quota with 4.2.2, or fails with 5.2.2 when configured so', async () => {
    const body = `Subject: big\r\n\r\n${'x'.repeat(120)}\r\n`;
    const defer = createLocalTransport({ dataDir, directory: directory(users), hostname: 'h' });
    const [first] = await defer.deliver(await job(['small@ours.test'], body));
    assert.equal(first?.status, 'delivered');
    const [second] = await defer.deliver(await job(['small@ours.test'], body));
    assert.equal(second?.status, 'deferred');
    assert.equal(second?.reply.code, 452);
    assert.equal(second?.reply.enhanced, '4.2.2');
    const fail = createLocalTransport({ dataDir, directory: directory(users), hostname: 'h', overQuota: 'fail' });
    const [third] = await fail.deliver(await job(['small@ours.test'], body));
    assert.equal(third?.status, 'failed');
    assert.equal(third?.reply.code, 552);
    assert.equal(third?.reply.enhanced, '5.2.2');
    assert.equal((await readdir(join(maildir('small'), 'new'))).length, 1);
  });

  it('fails a recipient that is not a user with 5.1.1', async () => {
    const t = createLocalTransport({ dataDir, directory: directory(users), hostname: 'h' });
    const [o] = await t.deliver(await job(['ghost@ours.test'], 'x\r\n'));
    assert.deepEqual(o, {
      rcpt: 'ghost@ours.test',
      status: 'failed',
      reply: { code: 550, enhanced: '5.1.1', lines: ['ghost@ours.test: no such user here'] },
      stage: 'local',
    });
  });

  it('fails an alias that loops with 5.4.6', async () => {
    const loops = directory(users, { 'a@ours.test': ['b@ours.test'], 'b@ours.test': ['a@ours.test'] });
    const t = createLocalTransport({ dataDir, directory: loops, hostname: 'h' });
    const [o] = await t.deliver(await job(['a@ours.test'], 'x\r\n'));
    assert.deepEqual(o?.reply, { code: 554, enhanced: '5.4.6', lines: ['a@ours.test: alias expansion loop'] });
  });

  it('keeps a path-like local part inside the mail root', async () => {
    const t = createLocalTransport({ dataDir, directory: directory(users), hostname: 'h' });
    const [o] = await t.deliver(await job(['../evil@ours.test'], 'x\r\n'));
    assert.equal(o?.status, 'delivered');
    assert.deepEqual((await readdir(join(dataDir, 'mail', 'ours.test'))).sort(), ['%2E.%2Fevil', 'bob', 'small']);
  });
});
