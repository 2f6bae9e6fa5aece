/**
 * `mailward suppression list|show|remove` through bin/mailward against a real data directory,
 * the entry written by the SQLite store the server uses.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { SqliteSuppressionStore } from '../../src/store/sqlite/suppression.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/mailward');
const dir = await mkdtemp(join(tmpdir(), 'mw-supp-cli-'));
after(() => rm(dir, { recursive: true, force: true }));

async function mailward(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, '--data-dir', dir, ...args]);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

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
