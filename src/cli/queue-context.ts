/**
 * What the queue commands (`queue`, `log`, `sendmail`) need: the config, the queue store
 * (`<data_dir>/queue.db`, its own file so queue commits do not wait on directory writes) and
 * the spool directory (`<data_dir>/spool`). The server opens the same paths (queuePaths).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config/schema.js';
import type { QueueStore } from '../store/ports/queue.js';
import { openSqliteQueueStore } from '../store/sqlite/queue.js';
import { type GlobalOptions, loadCliConfig } from './context.js';

export const QUEUE_DATABASE_FILE = 'queue.db';

export function queuePaths(dataDir: string): { dbFile: string; spoolDir: string } {
  return { dbFile: join(dataDir, QUEUE_DATABASE_FILE), spoolDir: join(dataDir, 'spool') };
}

export interface QueueCliContext {
  config: Config;
  store: QueueStore;
  spoolDir: string;
}

export async function withQueueContext<T>(cmd: Command, fn: (ctx: QueueCliContext) => Promise<T>): Promise<T> {
  const { config } = loadCliConfig(cmd.optsWithGlobals() as GlobalOptions);
  const paths = queuePaths(config.data_dir);
  const store = openSqliteQueueStore(paths.dbFile);
  try {
    return await fn({ config, store, spoolDir: paths.spoolDir });
  } finally {
    await store.close();
  }
}
