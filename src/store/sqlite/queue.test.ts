import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runQueueStoreContract } from '../queue-contract.js';
import { openSqliteQueueStore } from './queue.js';

runQueueStoreContract('sqlite', {
  async open() {
    const dir = await mkdtemp(join(tmpdir(), 'mailward-queue-'));
    const store = openSqliteQueueStore(join(dir, 'queue.db'));
    return {
      store,
      async dispose() {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
});
