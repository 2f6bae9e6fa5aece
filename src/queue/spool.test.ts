import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { newQueueId } from '../core/ids.js';
import { removeSpoolFile, spoolPaths, sweepOrphans, writeSpoolFile } from './spool.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailward-spool-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('spool', () => {
  it('puts messages that arrive within the same 2.5 s in one shard directory', () => {
    const t = Date.UTC(2026, 0, 1, 0, 0, 0);
    const a = spoolPaths(dir, newQueueId(t));
    const b = spoolPaths(dir, newQueueId(t + 2000 - (t % 2500)));
    const c = spoolPaths(dir, newQueueId(t + 2500 - (t % 2500)));
    assert.equal(a.dir, b.dir);
    assert.notEqual(a.dir, c.dir);
    assert.equal(a.file, join(a.dir, a.file.slice(a.dir.length + 1)));
  });

  it('writes prefix and body under the final name, syncs, and refuses past the size limit leaving nothing', async () => {
    const p = spoolPaths(dir, 'AAAAAAAAAAbbbbbbbb');
    const w = await writeSpoolFile(p, Buffer.from('Received: x\r\n'), [Buffer.from('Subject: s\r\n\r\nbody\r\n')]);
    assert.ok(w.ok);
    assert.equal(w.size, 13 + 20);
    assert.equal(w.head.toString(), 'Subject: s\r\n\r\nbody\r\n');
    await w.sync();
    assert.equal(await readFile(p.file, 'utf8'), 'Received: x\r\nSubject: s\r\n\r\nbody\r\n');
    const q = spoolPaths(dir, 'AAAAAAAAAAcccccccc');
    const big = await writeSpoolFile(q, Buffer.alloc(0), [Buffer.alloc(10), Buffer.alloc(10)], 15);
    assert.deepEqual(big, { ok: false, problem: 'too-big', size: 20 });
    assert.equal(existsSync(q.file), false);
    await removeSpoolFile(p.file);
    await removeSpoolFile(p.file); // idempotent
  });

  it('sweeps old temp files and files of no live message, and keeps live and recent ones', async () => {
    const spool = join(dir, 'sweep');
    const names = ['LIVE00000000000000', 'DEAD00000000000000', 'TEMP00000000000000', 'NEW000000000000000'];
    for (const id of names) {
      const p = spoolPaths(spool, id);
      const w = await writeSpoolFile(p, Buffer.alloc(0), [Buffer.from('x')]);
      assert.ok(w.ok);
      await w.sync();
      // a temp file left by an earlier version
      const file = id === 'TEMP00000000000000' ? `${p.file}.tmp` : p.file;
      if (file !== p.file) await rename(p.file, file);
      const old = new Date(Date.now() - 2 * 3_600_000);
      if (id !== 'NEW000000000000000') await utimes(file, old, old);
    }
    const removed = await sweepOrphans(spool, new Set(['LIVE00000000000000']), Date.now());
    assert.deepEqual(removed.map((r) => r.split('/')[1]).sort(), ['DEAD00000000000000', 'TEMP00000000000000.tmp']);
    assert.equal(existsSync(spoolPaths(spool, 'LIVE00000000000000').file), true);
    assert.equal(existsSync(spoolPaths(spool, 'NEW000000000000000').file), true);
  });
});
