/**
 * Schema of the directory in SQLite, as versioned migrations (store/sqlite/open.ts).
 * Released migrations are never edited: a change is a new version.
 */
import type { Migration } from './open.js';

export const DIRECTORY_SCHEMA = 'directory';

export const directoryMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'domains, users, aliases, badmailfrom, trusted networks',
    up: `
      CREATE TABLE domains (
        name TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE users (
        address TEXT PRIMARY KEY,
        domain TEXT NOT NULL REFERENCES domains(name),
        password_hash TEXT NOT NULL,
        quota_bytes INTEGER,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX users_domain ON users(domain);
      CREATE TABLE aliases (
        source TEXT PRIMARY KEY,
        domain TEXT NOT NULL REFERENCES domains(name),
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX aliases_domain ON aliases(domain);
      CREATE TABLE alias_targets (
        source TEXT NOT NULL REFERENCES aliases(source) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        target TEXT NOT NULL,
        PRIMARY KEY (source, position)
      ) STRICT;
      CREATE TABLE badmailfrom (
        pattern TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('address', 'domain', 'regex')),
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE trusted_networks (
        cidr TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
];
