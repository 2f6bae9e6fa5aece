/**
 * Schema of the vacation settings and reply memory in SQLite, tracked as schema "vacation"
 * by openDatabase so it can share the file with the directory and the queue.
 */
import type { Migration } from './open.js';

export const VACATION_SCHEMA = 'vacation';

export const vacationMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'vacation settings and replies',
    up: `
      CREATE TABLE vacation_settings (
        address TEXT PRIMARY KEY,
        enabled INTEGER NOT NULL,
        subject TEXT,
        body TEXT NOT NULL,
        start_at INTEGER,
        end_at INTEGER,
        interval_days INTEGER,
        extra_addresses TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE vacation_replies (
        user_address TEXT NOT NULL,
        sender TEXT NOT NULL,
        replied_at INTEGER NOT NULL,
        PRIMARY KEY (user_address, sender)
      );
    `,
  },
];
