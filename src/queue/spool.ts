/**
 * The spool: one file per message under `<spool>/<shard>/<queueId>`, written under its final
 * name: what makes a message live is its committed queue row, not the file, so a file without
 * a row (a write or commit that died) is an orphan that sweepOrphans removes — no temp name and
 * rename per message. The group commit fdatasyncs the files of a whole batch together (the file
 * system merges concurrent syncs into few journal commits) and fsyncs each directory once,
 * which makes the new entries durable, before the rows that point to them are committed.
 *
 * The shard is one character of the queue id's time part that changes every 2.5 s (ids are
 * base-50 milliseconds), so messages arriving together land in the same directory and share
 * one directory fsync, while the 50 directories cycle every ~2 minutes.
 * Security: file names are queue ids we generated (no `/`, no `.`); files are 0600.
 */
import { type FileHandle, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Octets of the header kept in memory to find Message-ID (and To/Cc/Bcc for sendmail -t). */
export const HEADER_SCAN_LIMIT = 64 * 1024;

/** Flush to the file in slices of this size while streaming (small bodies: one write). */
const WRITE_SLICE = 256 * 1024;

export interface SpoolPaths {
  readonly dir: string;
  readonly file: string;
}

export function spoolPaths(spoolDir: string, queueId: string): SpoolPaths {
  const dir = join(spoolDir, queueId.charAt(7) || '_');
  return { dir, file: join(dir, queueId) };
}

export type SpoolWriteResult =
  | {
      readonly ok: true;
      readonly size: number;
      readonly head: Buffer;
      /** fdatasync and close; called by the group commit so a batch's syncs are issued together. */
      readonly sync: () => Promise<void>;
      /** close without syncing (the message is being discarded). */
      readonly discard: () => Promise<void>;
    }
  | { readonly ok: false; readonly problem: 'too-big'; readonly size: number };

const knownDirs = new Set<string>();

/**
 * Streams `prefix` + `body` into `paths.file` and leaves it open: the caller syncs it (`sync`,
 * fdatasync + close) or drops it (`discard`). Returns the size and the first octets (up to
 * HEADER_SCAN_LIMIT). Removes the file and rethrows if the stream fails;
 * removes it and returns too-big past `maxSize` (the prefix does not count).
 */
export async function writeSpoolFile(
  paths: SpoolPaths,
  prefix: Buffer,
  body: AsyncIterable<Buffer | string> | Iterable<Buffer>,
  maxSize = Number.POSITIVE_INFINITY,
): Promise<SpoolWriteResult> {
  if (!knownDirs.has(paths.dir)) {
    await mkdir(paths.dir, { recursive: true, mode: 0o700 });
    knownDirs.add(paths.dir);
  }
  let fh: FileHandle | undefined = await open(paths.file, 'w', 0o600).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    // the shard directory was removed behind our back (cleanup by hand): make it again
    await mkdir(paths.dir, { recursive: true, mode: 0o700 });
    return open(paths.file, 'w', 0o600);
  });
  let pending: Buffer[] = [prefix];
  let pendingBytes = prefix.length;
  let bodySize = 0;
  const head: Buffer[] = [];
  let headBytes = 0;
  try {
    for await (const raw of body) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
      bodySize += chunk.length;
      if (bodySize > maxSize) {
        await fh.close();
        fh = undefined;
        await unlink(paths.file).catch(() => {});
        return { ok: false, problem: 'too-big', size: bodySize };
      }
      if (headBytes < HEADER_SCAN_LIMIT) {
        head.push(chunk);
        headBytes += chunk.length;
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= WRITE_SLICE) {
        await fh.writev(pending);
        pending = [];
        pendingBytes = 0;
      }
    }
    if (pendingBytes > 0) await fh.writev(pending);
    const open = fh;
    fh = undefined;
    return {
      ok: true,
      size: bodySize + prefix.length,
      head: Buffer.concat(head).subarray(0, HEADER_SCAN_LIMIT),
      sync: async () => {
        try {
          await open.datasync();
        } finally {
          await open.close();
        }
      },
      discard: () => open.close().catch(() => {}),
    };
  } catch (err) {
    if (fh) await fh.close().catch(() => {});
    await unlink(paths.file).catch(() => {});
    throw err;
  }
}

/** fsync of a directory, so that renames and unlinks inside it survive a power cut. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Removes a spool file; a missing file is fine (removal is idempotent). */
export async function removeSpoolFile(file: string): Promise<void> {
  await unlink(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/**
 * Removes files that belong to no live message: files whose commit never happened, left-overs
 * of a header rewrite (`.auth`) and temp files of earlier versions (`.tmp`). Only files older than `minAgeMs` go, so a write in progress
 * in another process (`mailward sendmail`) is left alone. Returns the names removed.
 */
export async function sweepOrphans(
  spoolDir: string,
  liveIds: ReadonlySet<string>,
  now: number,
  minAgeMs = 3_600_000,
): Promise<string[]> {
  const removed: string[] = [];
  let shards: string[];
  try {
    shards = await readdir(spoolDir);
  } catch {
    return removed;
  }
  for (const shard of shards) {
    const dir = join(spoolDir, shard);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const id = name.endsWith('.tmp') ? name.slice(0, -4) : name;
      if (!name.endsWith('.tmp') && liveIds.has(id)) continue;
      const file = join(dir, name);
      const st = await stat(file).catch(() => null);
      if (!st?.isFile() || now - st.mtimeMs < minAgeMs) continue;
      await removeSpoolFile(file);
      removed.push(join(shard, name));
    }
  }
  return removed;
}
