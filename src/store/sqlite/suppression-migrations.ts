/**
 * Schema of the suppression list in SQLite, tracked as schema "suppression" by openDatabase so
 * it can share `<data>/mailward.db` with the directory, queue and vacation stores.
 */
import type { Migration } from './open.js';

export const SUPPRESSION_SCHEMA = 'suppression';

export const suppressionMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'suppression list',
    up: `
      CREATE TABLE suppression (
        address TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        reason TEXT NOT NULL,
        status TEXT NOT NULL,
        diagnostic TEXT NOT NULL,
        original_message_id TEXT
      );
    `,
  },
];
