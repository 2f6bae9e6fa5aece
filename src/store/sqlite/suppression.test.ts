/**
 * SqliteSuppressionStore: put/get/list/remove round-trip through a real file, and the entry
 * survives reopening.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SqliteSuppressionStore } from './suppression.js';

const dir = await mkdtemp(join(tmpdir(), 'mw-supp-sql-'));
after(() => rm(dir, { recursive: true, force: true }));

test('stores, lists, survives reopening and removes entries', async () => {
  const file = join(dir, 'mailward.db');
  const a = SqliteSuppressionStore.open(file);
  await a.put({ address: 'X@Remote.test', at: 1, reason: 'userunknown', status: '5.1.1', diagnostic: 'old' });
  await a.put({
    address: 'x@remote.test',
    at: 2,
    reason: 'userunknown',
    status: '5.1.1',
    diagnostic: 'new',
    originalMessageId: '<m@ours.test>',
  });
  await a.put({ address: 'a@remote.test', at: 3, reason: 'hostunknown', status: '5.4.4', diagnostic: 'd' });
  a.close();
  const b = SqliteSuppressionStore.open(file);
  assert.deepEqual(await b.get('X@REMOTE.TEST'), {
    address: 'x@remote.test',
    at: 2,
    reason: 'userunknown',
    status: '5.1.1',
    diagnostic: 'new',
    originalMessageId: '<m@ours.test>',
  });
  assert.deepEqual(
    (await b.list()).map((e) => e.address),
    ['a@remote.test', 'x@remote.test'],
  );
  assert.equal(await b.remove('x@remote.test'), true);
  assert.equal(await b.remove('x@remote.test'), false);
  assert.equal(await b.get('x@remote.test'), null);
  b.close();
});
