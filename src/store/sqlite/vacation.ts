/**
 * VacationStore on SQLite (better-sqlite3). Passes store/memory/vacation-contract.ts.
 * Security: all SQL uses bound parameters; addresses are lower-cased before storing.
 */
import type { Database } from 'better-sqlite3';
import type { VacationSettings, VacationStore } from '../ports/vacation.js';
import { applyMigrations, openDatabase } from './open.js';
import { VACATION_SCHEMA, vacationMigrations } from './vacation-migrations.js';

interface SettingsRow {
  address: string;
  enabled: number;
  subject: string | null;
  body: string;
  start_at: number | null;
  end_at: number | null;
  interval_days: number | null;
  extra_addresses: string;
  updated_at: number;
}

const toSettings = (r: SettingsRow): VacationSettings =>
  Object.freeze({
    address: r.address,
    enabled: r.enabled === 1,
    subject: r.subject,
    body: r.body,
    startAt: r.start_at,
    endAt: r.end_at,
    intervalDays: r.interval_days,
    extraAddresses: Object.freeze(JSON.parse(r.extra_addresses) as string[]),
    updatedAt: r.updated_at,
  });

export class SqliteVacationStore implements VacationStore {
  /** Opens `file` (shared with the other stores or not) and applies the vacation migrations. */
  static open(file: string, now: () => number = Date.now): SqliteVacationStore {
    return new SqliteVacationStore(openDatabase(file, vacationMigrations, { schema: VACATION_SCHEMA }), now, true);
  }

  /** Uses a database another store opened (one file for all); applies the vacation migrations to it. */
  static onDatabase(db: Database, now: () => number = Date.now): SqliteVacationStore {
    applyMigrations(db, VACATION_SCHEMA, vacationMigrations);
    return new SqliteVacationStore(db, now, false);
  }

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
    private readonly owned = false,
  ) {}

  close(): void {
    if (this.owned) this.db.close();
  }

  async getVacation(address: string): Promise<VacationSettings | null> {
    const row = this.db.prepare('SELECT * FROM vacation_settings WHERE address = ?').get(address.toLowerCase()) as
      | SettingsRow
      | undefined;
    return row ? toSettings(row) : null;
  }

  async setVacation(s: Omit<VacationSettings, 'updatedAt'>): Promise<void> {
    const address = s.address.toLowerCase();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO vacation_settings (address, enabled, subject, body, start_at, end_at, interval_days, extra_addresses, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (address) DO UPDATE SET enabled = excluded.enabled, subject = excluded.subject, body = excluded.body,
             start_at = excluded.start_at, end_at = excluded.end_at, interval_days = excluded.interval_days,
             extra_addresses = excluded.extra_addresses, updated_at = excluded.updated_at`,
        )
        .run(
          address,
          s.enabled ? 1 : 0,
          s.subject,
          s.body,
          s.startAt,
          s.endAt,
          s.intervalDays,
          JSON.stringify(s.extraAddresses.map((a) => a.toLowerCase())),
          this.now(),
        );
      // A new absence: everyone may get the new text once.
      this.db.prepare('DELETE FROM vacation_replies WHERE user_address = ?').run(address);
    })();
  }

  async disableVacation(address: string): Promise<boolean> {
    const r = this.db
      .prepare('UPDATE vacation_settings SET enabled = 0, updated_at = ? WHERE address = ?')
      .run(this.now(), address.toLowerCase());
    return r.changes > 0;
  }

  async lastReplied(user: string, sender: string): Promise<number | null> {
    const row = this.db
      .prepare('SELECT replied_at FROM vacation_replies WHERE user_address = ? AND sender = ?')
      .get(user.toLowerCase(), sender.toLowerCase()) as { replied_at: number } | undefined;
    return row ? row.replied_at : null;
  }

  async recordReply(user: string, sender: string, at: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO vacation_replies (user_address, sender, replied_at) VALUES (?, ?, ?)
         ON CONFLICT (user_address, sender) DO UPDATE SET replied_at = excluded.replied_at`,
      )
      .run(user.toLowerCase(), sender.toLowerCase(), at);
  }
}
