import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeliveryOutcome } from '../core/delivery-outcome.js';
import { reply } from '../core/reply.js';
import { createRouter, destinationOf } from './router.js';
import type { DeliveryJob, Transport } from './transport.js';

function recording(name: string, seen: string[]): Transport {
  return {
    async deliver(job: DeliveryJob): Promise<DeliveryOutcome[]> {
      seen.push(`${name}:${job.rcpts.map((r) => r.address).join(',')}`);
      return job.rcpts.map((r) => ({
        rcpt: r.address,
        status: 'delivered',
        reply: reply(250, '2.0.0', name),
        stage: 'local',
      }));
    },
    async close() {
      seen.push(`${name}:closed`);
    },
  };
}

const job = (addresses: string[]): DeliveryJob => ({
  queueId: 'Q',
  from: '',
  rcpts: addresses.map((address) => ({ address })),
  dsn: {},
  bodyPath: '/nonexistent',
  size: 0,
  smtputf8: false,
  body: '7BIT',
  attempt: 1,
});

describe('router', () => {
  it('groups recipients by destination: local for our domains, else the domain', () => {
    const ours = (d: string) => d === 'ours.test';
    assert.equal(destinationOf('Bob@Ours.Test', ours), 'local');
    assert.equal(destinationOf('x@Remote.Example', ours), 'remote.example');
  });
  it('sends a job for our domains to the local transport and others to the remote one', async () => {
    const seen: string[] = [];
    const router = createRouter({
      localDomains: async () => new Set(['ours.test']),
      local: recording('local', seen),
      remote: recording('remote', seen),
    });
    await router.deliver(job(['a@ours.test', 'b@ours.test']));
    await router.deliver(job(['c@remote.example']));
    assert.deepEqual(await router.deliver(job([])), []);
    await router.close();
    assert.deepEqual(seen, [
      'local:a@ours.test,b@ours.test',
      'remote:c@remote.example',
      'local:closed',
      'remote:closed',
    ]);
  });
});
