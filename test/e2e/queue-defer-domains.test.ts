/**
 * `queue.defer_domains` through `mailward serve` (like Postfix's defer_transports): mail for a
 * held domain is accepted and queued, no connection to its MX is made, `mailward queue list`
 * shows it waiting; `mailward queue flush` sends it, and the remote (a scripted peer behind a
 * loopback DNS MX) receives it. Mail for other domains is not held.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type MailwardProcess, startMailwardWithRemote } from '../helpers/mailward-process.js';
import { mailwardCli, submitAsPostmaster } from '../helpers/run-tools.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('queue.defer_domains, live', () => {
  let world: Awaited<ReturnType<typeof startMailwardWithRemote>>;
  let mw: MailwardProcess;

  before(async () => {
    world = await startMailwardWithRemote(
      { rcpt: () => '250 2.1.5 Ok' },
      '127.0.0.14',
      'mw-defer-domains-',
      'defer_domains = ["remote.test"]',
    );
    ({ mw } = world);
  });
  after(() => world?.close());

  it('queues mail for a held domain without trying it, and delivers it on queue flush', async () => {
    const sent = await submitAsPostmaster(mw, 'bob@remote.test', ['--header', 'Subject: held for a flush']);
    const queueId = /<~ {2}250 2\.0\.0 Ok: queued as (\S+)/.exec(sent)?.[1];
    assert.ok(queueId, sent);
    // several poll intervals (200 ms in tests): a runner that ignored the hold would have connected
    await sleep(1500);
    assert.equal(world.peer.connections.length, 0);
    const listed = await mailwardCli(world.dataDir, 'queue', 'list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${queueId}[\\s\\S]*bob@remote\\.test`));

    const flushed = await mailwardCli(world.dataDir, 'queue', 'flush');
    assert.equal(flushed.code, 0, flushed.stderr);
    for (let i = 0; i < 100 && world.peer.connections.every((c) => c.messages.length === 0); i++) await sleep(100);
    const got = world.peer.connections.flatMap((c) => c.messages.map((m) => m.toString('latin1')));
    assert.equal(got.length, 1);
    assert.match(got[0] ?? '', /^Subject: held for a flush\r$/m);
    for (let i = 0; i < 50; i++) {
      const log = await mailwardCli(world.dataDir, 'log', '--id', queueId);
      if (/delivered/.test(log.stdout)) return;
      await sleep(100);
    }
    assert.fail('the delivery log never showed the delivery');
  });
});
