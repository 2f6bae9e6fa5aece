/**
 * Schema of the queue in SQLite, as versioned migrations (tracked as schema "queue" by
 * openDatabase, so the queue may share a file with the directory or live in its own).
 * Tables are prefixed `queue_` for that reason.
 */
import type { Migration } from './open.js';

export const QUEUE_SCHEMA = 'queue';

export const queueMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'queue messages, recipients, events',
    up: `
      CREATE TABLE queue_messages (
        id TEXT PRIMARY KEY,
        sender TEXT NOT NULL,
        envelope TEXT NOT NULL,
        size INTEGER NOT NULL,
        spool_path TEXT NOT NULL,
        arrived_at INTEGER NOT NULL,
        origin TEXT NOT NULL,
        message_id TEXT,
        done_at INTEGER
      );
      CREATE INDEX queue_messages_live ON queue_messages (arrived_at) WHERE done_at IS NULL;
      CREATE TABLE queue_recipients (
        message_id TEXT NOT NULL REFERENCES queue_messages (id) ON DELETE CASCADE,
        address TEXT NOT NULL COLLATE NOCASE,
        domain TEXT NOT NULL,
        original TEXT,
        orcpt TEXT,
        notify TEXT,
        state TEXT NOT NULL CHECK (state IN ('pending', 'deferred', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt INTEGER,
        last_code INTEGER,
        last_enhanced TEXT,
        last_text TEXT,
        remote_host TEXT,
        remote_ip TEXT,
        stage TEXT,
        claimed_by TEXT,
        claim_expires INTEGER,
        expires_at INTEGER NOT NULL,
        delay_warned INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (message_id, address)
      );
      CREATE INDEX queue_recipients_due ON queue_recipients (next_attempt) WHERE state IN ('pending', 'deferred');
      CREATE INDEX queue_recipients_claimed ON queue_recipients (claimed_by) WHERE claimed_by IS NOT NULL;
      CREATE TABLE queue_events (
        id INTEGER PRIMARY KEY,
        time INTEGER NOT NULL,
        queue_id TEXT NOT NULL,
        rcpt TEXT COLLATE NOCASE,
        event TEXT NOT NULL,
        remote_host TEXT,
        remote_ip TEXT,
        stage TEXT,
        code INTEGER,
        enhanced TEXT,
        text TEXT,
        detail TEXT
      );
      CREATE INDEX queue_events_time ON queue_events (time);
      CREATE INDEX queue_events_queue_id ON queue_events (queue_id);
      CREATE INDEX queue_events_rcpt ON queue_events (rcpt);
    `,
  },
  {
    version: 2,
    name: 'queue messages by Message-ID (to link bounces to what they report on)',
    up: 'CREATE INDEX queue_messages_message_id ON queue_messages (message_id) WHERE message_id IS NOT NULL;',
  },
];
