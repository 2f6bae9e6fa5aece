/**
 * Group commit: messages whose spool files are written wait here for the two things that make
 * them durable — an fsync of their spool directory (the rename) and the store transaction
 * (the envelope). One loop batches everything that arrived while the previous batch was
 * syncing, so under load many messages share one directory fsync and one transaction, and
 * a lone message waits for nothing but its own sync. Each caller's promise settles only
 * when its batch is durable (or failed: then every caller in it gets the error).
 */
import type { NewQueueMessage } from '../store/ports/queue.js';

export interface GroupCommitDeps {
  /** One store transaction for the whole batch. */
  commit(messages: readonly NewQueueMessage[]): Promise<void>;
  /** fsync of one directory. */
  syncDir(dir: string): Promise<void>;
  /** Extra wait to gather more messages before syncing (0: none). */
  maxDelayMs?: number;
}

interface Waiting {
  readonly message: NewQueueMessage;
  readonly dir: string;
  readonly syncFile: () => Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

export interface GroupCommit {
  /**
   * Resolves when `message` is durable: its file synced (`syncFile`), its directory `dir`
   * fsynced and its row committed. Rejects if any of that failed.
   */
  submit(message: NewQueueMessage, dir: string, syncFile: () => Promise<void>): Promise<void>;
  /** Waits for the batches in flight. */
  drain(): Promise<void>;
  readonly stats: { batches: number; messages: number; largestBatch: number };
}

export function createGroupCommit(deps: GroupCommitDeps): GroupCommit {
  let queue: Waiting[] = [];
  let running: Promise<void> | null = null;
  const stats = { batches: 0, messages: 0, largestBatch: 0 };

  async function loop(): Promise<void> {
    if (deps.maxDelayMs) await new Promise((r) => setTimeout(r, deps.maxDelayMs));
    while (queue.length > 0) {
      const all = queue;
      queue = [];
      // every file's data and every directory entry on disk before the rows that point to them
      const dirs = [...new Set(all.map((w) => w.dir))];
      const [files, dirSyncs] = await Promise.all([
        Promise.allSettled(all.map((w) => w.syncFile())),
        Promise.allSettled(dirs.map((d) => deps.syncDir(d))),
      ]);
      const badDirs = new Set(dirs.filter((_, i) => dirSyncs[i]?.status === 'rejected'));
      const batch: Waiting[] = [];
      all.forEach((w, i) => {
        const f = files[i];
        if (f?.status === 'rejected') w.reject(f.reason);
        else if (badDirs.has(w.dir)) w.reject(new Error(`fsync of ${w.dir} failed`));
        else batch.push(w);
      });
      if (batch.length === 0) continue;
      try {
        await deps.commit(batch.map((w) => w.message));
        stats.batches++;
        stats.messages += batch.length;
        stats.largestBatch = Math.max(stats.largestBatch, batch.length);
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    running = null;
  }

  return {
    stats,
    submit(message, dir, syncFile) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ message, dir, syncFile, resolve, reject });
        running ??= loop();
      });
    },
    async drain() {
      while (running) await running;
    },
  };
}
