/** The sqlite store against the shared directory contract, on a real file (WAL) per test. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
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

test('a domain added by another process is seen within a second; our own changes at once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mailward-dir-'));
  const file = join(dir, 'mailward.db');
  const server = SqliteDirectoryStore.open(file);
  const cli = SqliteDirectoryStore.open(file);
  try {
    assert.equal(await server.hasDomain('new.test'), false);
    await cli.addDomain('new.test');
    const t0 = Date.now();
    while (!(await server.hasDomain('new.test'))) {
      assert.ok(Date.now() - t0 < 2000, 'seen within the cache time');
      await new Promise((r) => setTimeout(r, 50));
    }
    await server.addDomain('own.test');
    assert.equal(await server.hasDomain('own.test'), true);
    assert.equal(await server.hasDomain('OWN.test'), true);
  } finally {
    server.close();
    cli.close();
    await rm(dir, { recursive: true, force: true });
  }
});
