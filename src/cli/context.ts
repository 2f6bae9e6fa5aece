/**
 * What a CLI command needs: the validated config and the directory store under data_dir
 * (`<data_dir>/mailward.db`). Commands written by other modules open it the same way:
 * `const ctx = await openCliContext(cmd.optsWithGlobals()); try { … } finally { ctx.close(); }`.
 */
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { DirectoryStore } from '../store/ports/directory.js';
import { SqliteDirectoryStore } from '../store/sqlite/directory.js';
import { CliError, EXIT_USAGE } from './errors.js';

export interface GlobalOptions {
  config?: string;
  dataDir?: string;
}

export interface CliContext {
  config: Config;
  /** The config file used, or null for the embedded defaults. */
  configFile: string | null;
  directory: DirectoryStore;
  db: Database;
  close(): void;
}

export const DATABASE_FILE = 'mailward.db';

/** Loads the config or throws CliError(2) listing every problem. */
export function loadCliConfig(opts: GlobalOptions): { config: Config; file: string | null } {
  const r = loadConfig({ file: opts.config, dataDir: opts.dataDir });
  if (!r.ok) {
    const where = opts.config ?? process.env.MAILWARD_CONFIG;
    throw new CliError(
      [`invalid configuration${where ? ` (${where})` : ''}:`, ...r.errors.map((e) => `  ${e}`)].join('\n'),
      EXIT_USAGE,
    );
  }
  return { config: r.config, file: r.file };
}

export async function openCliContext(opts: GlobalOptions): Promise<CliContext> {
  const { config, file } = loadCliConfig(opts);
  const store = SqliteDirectoryStore.open(join(config.data_dir, DATABASE_FILE));
  return { config, configFile: file, directory: store, db: store.db, close: () => store.close() };
}
