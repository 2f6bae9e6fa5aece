/**
 * Delivery markers: a small file per (queue id, recipient) beside the user's Maildir, at
 * `<root>/<domain>/<user>/delivered/<queueId>_<hash>`, written once the message is linked
 * into new/. A delivery repeated after a crash (done but not yet recorded by the queue,
 * STYLE.md §4) finds it with one stat, even when the mail reader has meanwhile moved the
 * message to cur/ and renamed it; no directory scan of a large mailbox is needed.
 * Markers outlive the queue lifetime (MARKER_RETENTION_MS) and are swept at most once an hour
 * per mailbox. They live outside Maildir/ because Maildir++ reads ".name" dirs as folders.
 * Security: names are a queue id (no "/" or ".", core/ids.ts) and a hex hash; files are 0600.
 */
import { mkdir, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const MARKER_RETENTION_MS = 10 * 24 * 3600 * 1000;
const SWEEP_EVERY_MS = 3600 * 1000;
const lastSweep = new Map<string, number>();

export function markerPath(maildir: string, queueId: string, rcptHash: string): string {
  return join(dirname(maildir), 'delivered', `${queueId.replace(/[/.]/g, '_')}_${rcptHash}`);
}

export async function hasMarker(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Records the delivery; `name` is the file's name in new/ (for people reading the marker). */
export async function writeMarker(path: string, name: string, now = Date.now()): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(path, `${name}\n`, { mode: 0o600 });
  if (now - (lastSweep.get(dir) ?? 0) > SWEEP_EVERY_MS) {
    lastSweep.set(dir, now);
    await sweepMarkers(dir, now);
  }
}

/** Removes markers older than the retention; returns how many. */
export async function sweepMarkers(dir: string, now = Date.now(), retentionMs = MARKER_RETENTION_MS): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir)) {
    const p = join(dir, name);
    try {
      if (now - (await stat(p)).mtimeMs > retentionMs) {
        await unlink(p);
        removed++;
      }
    } catch {
      // Gone meanwhile (another process swept it): nothing to do.
    }
  }
  return removed;
}
