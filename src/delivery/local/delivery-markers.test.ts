import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MARKER_RETENTION_MS, markerPath, sweepMarkers } from './delivery-markers.js';

describe('delivery markers', () => {
  it('live beside the Maildir, not inside it (Maildir++ would show a dot dir as a folder)', () => {
    assert.equal(
      markerPath('/data/mail/ours.test/bob/Maildir', 'Q1', 'abc'),
      '/data/mail/ours.test/bob/delivered/Q1_abc',
    );
  });
  it('are swept once older than the retention, and kept before', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'markers-'));
    try {
      const now = Date.now();
      await writeFile(join(dir, 'old'), 'x');
      await writeFile(join(dir, 'young'), 'x');
      const past = (now - MARKER_RETENTION_MS - 60_000) / 1000;
      await utimes(join(dir, 'old'), past, past);
      assert.equal(await sweepMarkers(dir, now), 1);
      assert.deepEqual(await readdir(dir), ['young']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
