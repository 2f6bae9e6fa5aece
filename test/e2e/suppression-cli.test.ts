/**
 * `mailward suppression list|show|remove` through bin/mailward against a real data directory,
 * the entry written by the SQLite store the server uses.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SqliteSuppressionStore } from '../../src/store/sqlite/suppression.js';
import { mailwardCli } from '../helpers/run-tools.js';

const dir = await mkdtemp(join(tmpdir(), 'mw-supp-cli-'));
after(() => rm(dir, { recursive: true, force: true }));

const mailward = (...args: string[]) => mailwardCli(dir, ...args);

test('list, show and remove an entry', async () => {
  const s = SqliteSuppressionStore.open(join(dir, 'mailward.db'));
  await s.put({
    address: 'x@remote.test',
    at: Date.UTC(2026, 10, 28, 9, 30),
    reason: 'userunknown',
    status: '5.1.1',
    diagnostic: '550 5.1.1 <x@remote.test>... User Unknown',
    originalMessageId: '<m1@ours.test>',
  });
  s.close();
  assert.deepEqual(await mailward('suppression', 'list'), {
    code: 0,
    stdout: 'x@remote.test  2026-11-28  userunknown\n',
    stderr: '',
  });
  assert.equal(
    (await mailward('suppression', 'show', 'X@remote.test')).stdout,
    [
      'address: x@remote.test',
      'since: 2026-11-28T09:30:00.000Z',
      'reason: userunknown',
      'status: 5.1.1',
      'diagnostic: 550 5.1.1 <x@remote.test>... User Unknown',
      'original message-id: <m1@ours.test>',
      '',
    ].join('\n'),
  );
  assert.deepEqual(await mailward('suppression', 'remove', 'x@remote.test'), {
    code: 0,
    stdout: 'removed x@remote.test\n',
    stderr: '',
  });
  assert.deepEqual(await mailward('suppression', 'remove', 'x@remote.test'), {
    code: 1,
    stdout: '',
    stderr: 'mailward: not suppressed: x@remote.test\n',
  });
  assert.equal((await mailward('suppression', 'list')).stdout, '(empty)\n');
});
