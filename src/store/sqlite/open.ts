/**
 * Opens a SQLite database (better-sqlite3) and brings it to the newest schema with versioned
 * migrations. Several migration lists (directory, queue) can share one file or live in two:
 * each list is tracked under its own schema name in `schema_migrations`.
 *
 * Durability: WAL with `synchronous=FULL`. NORMAL in WAL mode survives a process crash but
 * may lose the last commits on power loss or an OS crash; the queue answers `250` only after
 * its commit returns (STYLE.md §4), and that promise must hold across a power cut, so every
 * commit is fsynced. WAL keeps readers unblocked while a writer works. The server's queue
 * connection opts into NORMAL and fsyncs the WAL itself, off the event loop (same durability).
 * Security: the file holds password hashes; it is created with mode 0600 in a 0700 dir.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type { Database } from 'better-sqlite3';

export interface Migration {
  /** 1, 2, 3… strictly increasing within one list; never renumbered once released. */
  version: number;
  name: string;
  /** SQL text (may hold several statements) or a function; runs inside one transaction. */
  up: string | ((db: Database.Database) => void);
}

export interface OpenOptions {
  /** Name the list is tracked under; one per migration list sharing the file. */
  schema?: string;
  /** Milliseconds to wait for another connection's write lock. */
  busyTimeoutMs?: number;
  /**
   * `FULL` (default): every commit fsyncs the WAL before it returns. `NORMAL`: commits only
   * write the WAL; the caller makes them durable itself by syncing the WAL file off the event
   * loop (see SqliteQueueStore.sync). better-sqlite3 runs on the event loop, so an fsync inside
   * a commit stalls every connection the process serves.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

/**
 * Opens (creating if needed) `file` — or `:memory:` — and applies the pending migrations of
 * `migrations`, each in one transaction. Throws if the file holds a migration of this schema
 * whose name differs, or a newer version than the list knows (a downgrade): both are bugs.
 */
export function openDatabase(
  file: string,
  migrations: readonly Migration[],
  opts: OpenOptions = {},
): Database.Database {
  const memory = file === ':memory:';
  if (!memory) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const fresh = !memory && !existsSync(file);
  const db = new Database(file);
  try {
    if (fresh) chmodSync(file, 0o600);
    if (!memory) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    db.pragma('foreign_keys = ON');
    applyMigrations(db, opts.schema ?? 'default', migrations);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Applies the pending migrations of one schema. Exported for tests and for tools. */
export function applyMigrations(db: Database.Database, schema: string, migrations: readonly Migration[]): number[] {
  for (let i = 0; i < migrations.length; i++) {
    const m = migrations[i] as Migration;
    if (!Number.isInteger(m.version) || m.version < 1) throw new Error(`migration ${m.name}: bad version ${m.version}`);
    if (i > 0 && m.version <= (migrations[i - 1] as Migration).version) {
      throw new Error(
        `migrations of ${schema} must have strictly increasing versions (${m.version} after ${(migrations[i - 1] as Migration).version})`,
      );
    }
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    schema TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (schema, version)
  )`);
  const applied = new Map<number, string>(
    (
      db.prepare('SELECT version, name FROM schema_migrations WHERE schema = ?').all(schema) as {
        version: number;
        name: string;
      }[]
    ).map((r) => [r.version, r.name]),
  );
  const known = new Set(migrations.map((m) => m.version));
  for (const [version, name] of applied) {
    if (!known.has(version)) {
      throw new Error(`database has ${schema} migration ${version} (${name}) that this version does not know`);
    }
  }
  const record = db.prepare('INSERT INTO schema_migrations (schema, version, name, applied_at) VALUES (?, ?, ?, ?)');
  const done: number[] = [];
  for (const m of migrations) {
    const had = applied.get(m.version);
    if (had !== undefined) {
      if (had !== m.name)
        throw new Error(`${schema} migration ${m.version} is "${had}" in the database, "${m.name}" here`);
      continue;
    }
    db.transaction(() => {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      record.run(schema, m.version, m.name, Date.now());
    })();
    done.push(m.version);
  }
  return done;
}
