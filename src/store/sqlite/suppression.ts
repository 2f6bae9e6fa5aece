/**
 * SuppressionStore on SQLite (better-sqlite3); same behaviour as store/memory/suppression.ts.
 * Security: all SQL uses bound parameters; addresses are lower-cased before storing.
 */
import type { Database } from 'better-sqlite3';
import type { SuppressionEntry, SuppressionStore } from '../ports/suppression.js';
import { applyMigrations, openDatabase } from './open.js';
import { SUPPRESSION_SCHEMA, suppressionMigrations } from './suppression-migrations.js';

interface Row {
  address: string;
  at: number;
  reason: string;
  status: string;
  diagnostic: string;
  original_message_id: string | null;
}

const toEntry = (r: Row): SuppressionEntry =>
  Object.freeze({
    address: r.address,
    at: r.at,
    reason: r.reason,
    status: r.status,
    diagnostic: r.diagnostic,
    ...(r.original_message_id !== null ? { originalMessageId: r.original_message_id } : {}),
  });

export class SqliteSuppressionStore implements SuppressionStore {
  static open(file: string): SqliteSuppressionStore {
    return new SqliteSuppressionStore(openDatabase(file, suppressionMigrations, { schema: SUPPRESSION_SCHEMA }), true);
  }

  /** Uses a database another store opened (one file for all); applies the suppression migrations to it. */
  static onDatabase(db: Database): SqliteSuppressionStore {
    applyMigrations(db, SUPPRESSION_SCHEMA, suppressionMigrations);
    return new SqliteSuppressionStore(db, false);
  }

  constructor(
    private readonly db: Database,
    private readonly owned = false,
  ) {}

  close(): void {
    if (this.owned) this.db.close();
  }

  async put(e: SuppressionEntry): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO suppression (address, at, reason, status, diagnostic, original_message_id) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (address) DO UPDATE SET at = excluded.at, reason = excluded.reason, status = excluded.status,
           diagnostic = excluded.diagnostic, original_message_id = excluded.original_message_id`,
      )
      .run(e.address.toLowerCase(), e.at, e.reason, e.status, e.diagnostic, e.originalMessageId ?? null);
  }

  async get(address: string): Promise<SuppressionEntry | null> {
    const row = this.db.prepare('SELECT * FROM suppression WHERE address = ?').get(address.toLowerCase()) as
      | Row
      | undefined;
    return row ? toEntry(row) : null;
  }

  async list(): Promise<SuppressionEntry[]> {
    return (this.db.prepare('SELECT * FROM suppression ORDER BY address').all() as Row[]).map(toEntry);
  }

  async remove(address: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM suppression WHERE address = ?').run(address.toLowerCase()).changes > 0;
  }
}
