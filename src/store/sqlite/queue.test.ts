import assert from 'node:assert/strict';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { message, runQueueStoreContract } from '../queue-contract.js';
import { openSqliteQueueStore } from './queue.js';

for (const syncOffLoop of [false, true]) {
  runQueueStoreContract(syncOffLoop ? 'sqlite (WAL synced off the event loop)' : 'sqlite', {
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'mailward-queue-'));
      const store = openSqliteQueueStore(join(dir, 'queue.db'), { syncOffLoop });
      return {
        store,
        async dispose() {
          await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  });
}

describe('sqlite queue store, syncOffLoop', () => {
  it('commits without fsync and resolves insertMessages only after an fdatasync of the WAL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailward-queue-'));
    const file = join(dir, 'queue.db');
    const store = openSqliteQueueStore(file, { syncOffLoop: true });
    // FileHandle's prototype is shared by every handle: watch its datasync
    const probe = await open(file, 'r');
    const proto = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    await probe.close();
    const original = proto.datasync;
    const order: string[] = [];
    proto.datasync = async function (this: unknown) {
      order.push('datasync');
      await original.call(this);
      order.push('synced');
    };
    try {
      await store.insertMessages([message('Q1', ['b@remote.test'])]);
      order.push('resolved');
      await store.insertMessages([message('Q2', ['b@remote.test']), message('Q3', ['b@remote.test'])]);
      order.push('resolved');
      assert.deepEqual(order, ['datasync', 'synced', 'resolved', 'datasync', 'synced', 'resolved']);
      assert.equal((await store.liveMessageIds()).length, 3);
    } finally {
      proto.datasync = original;
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
