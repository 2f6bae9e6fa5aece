/** The sqlite store against the shared vacation contract, on a real file per test. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SAMPLE, vacationContract } from '../memory/vacation-contract.js';
import { SqliteVacationStore } from './vacation.js';

vacationContract('sqlite', async (now) => {
  const dir = await mkdtemp(join(tmpdir(), 'mailward-vacation-'));
  const store = SqliteVacationStore.open(join(dir, 'mailward.db'), now);
  return {
    store,
    close: async () => {
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

test('sqlite vacation store keeps settings and replies across a reopen', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mailward-vacation-'));
  try {
    const file = join(dir, 'mailward.db');
    const a = SqliteVacationStore.open(file, () => 1);
    await a.setVacation(SAMPLE);
    await a.recordReply('bob@ours.test', 'alice@sender.test', 42);
    a.close();
    const b = SqliteVacationStore.open(file, () => 2);
    assert.equal((await b.getVacation('bob@ours.test'))?.subject, 'Away until Monday');
    assert.equal(await b.lastReplied('bob@ours.test', 'alice@sender.test'), 42);
    b.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
