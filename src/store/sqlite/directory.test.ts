/** The sqlite store against the shared directory contract, on a real file (WAL) per test. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directoryContract } from '../directory-contract.js';
import { SqliteDirectoryStore } from './directory.js';

directoryContract('sqlite', async (now) => {
  const dir = await mkdtemp(join(tmpdir(), 'mailward-dir-'));
  const store = SqliteDirectoryStore.open(join(dir, 'mailward.db'), now);
  return {
    store,
    close: async () => {
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
