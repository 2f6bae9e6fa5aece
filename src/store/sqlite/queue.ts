/**
 * The queue store on SQLite (better-sqlite3). Each method is one statement or one
 * transaction; the claim is a single `UPDATE … RETURNING`, which SQLite runs under its write
 * lock, so two loops or two processes on one file never claim the same recipient.
 * Durability: when insertMessages returns, the commit is on disk. With the default
 * synchronous=FULL SQLite fsyncs the WAL inside every commit, on the event loop. Opened with
 * `syncOffLoop` (the server), commits only write the WAL, and insertMessages then fdatasyncs the
 * WAL file through libuv's thread pool: the same bytes reach the disk (FULL does exactly this
 * fsync), but the SMTP sessions keep running meanwhile. Other writes (claims, results) become
 * durable with the next sync; a crash of the process alone loses nothing either way (the WAL
 * is in the OS's cache), and a power cut can at worst undo a result, which means a retry.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { domainOf } from '../../core/address.js';
import type { Reply } from '../../core/reply.js';
import type {
  AppliedJob,
  ClaimedMessage,
  ClaimOptions,
  EventFilter,
  NewQueueMessage,
  QueueEvent,
  QueueEventKind,
  QueueMessage,
  QueueRecipient,
  QueueStore,
  RecipientResult,
} from '../ports/queue.js';
import { type Database, openDatabase } from './open.js';
import { QUEUE_SCHEMA, queueMigrations } from './queue-migrations.js';
import { type Row, toEvent, toHead, toRecipient } from './queue-rows.js';

const ACTIVE = "state IN ('pending', 'deferred')";

export interface QueueStoreOptions {
  readonly busyTimeoutMs?: number;
  /** Commit without fsync and fsync the WAL from the thread pool instead (see above). */
  readonly syncOffLoop?: boolean;
}

export function openSqliteQueueStore(file: string, opts: QueueStoreOptions = {}): SqliteQueueStore {
  const offLoop = opts.syncOffLoop === true && file !== ':memory:';
  const db = openDatabase(file, queueMigrations, {
    schema: QUEUE_SCHEMA,
    ...(opts.busyTimeoutMs !== undefined ? { busyTimeoutMs: opts.busyTimeoutMs } : {}),
    synchronous: offLoop ? 'NORMAL' : 'FULL',
  });
  return new SqliteQueueStore(db, offLoop ? `${file}-wal` : null);
}

export class SqliteQueueStore implements QueueStore {
  private readonly s;

  /** @param walFile the WAL to fdatasync after commits; null when SQLite syncs itself (FULL). */
  constructor(
    private readonly db: Database,
    private readonly walFile: string | null = null,
  ) {
    this.s = {
      insertMessage: db.prepare(
        `INSERT INTO queue_messages (id, sender, envelope, size, spool_path, arrived_at, origin, message_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertRecipient: db.prepare(
        `INSERT OR IGNORE INTO queue_recipients (message_id, address, domain, original, orcpt, notify, state,
           next_attempt, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      ),
      insertEvent: db.prepare(
        `INSERT INTO queue_events (time, queue_id, rcpt, event, remote_host, remote_ip, stage, code, enhanced, text, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      claim: db.prepare(
        `UPDATE queue_recipients SET claimed_by = @worker, claim_expires = @until
         WHERE rowid IN (
           SELECT rowid FROM queue_recipients
           WHERE ${ACTIVE} AND next_attempt <= @now AND (claimed_by IS NULL OR claim_expires <= @now)
             AND domain NOT IN (SELECT value FROM json_each(@exclude))
           ORDER BY next_attempt LIMIT @limit)
         RETURNING *`,
      ),
      heads: db.prepare('SELECT * FROM queue_messages WHERE id IN (SELECT value FROM json_each(?))'),
      release: db.prepare(
        `UPDATE queue_recipients SET claimed_by = NULL, claim_expires = NULL
         WHERE message_id = ? AND address = ? AND claimed_by = ?`,
      ),
      update: db.prepare(
        `UPDATE queue_recipients SET state = @state, attempts = attempts + 1, next_attempt = @next,
           last_code = @code, last_enhanced = @enhanced, last_text = @text, remote_host = @host, remote_ip = @ip,
           stage = @stage, claimed_by = NULL, claim_expires = NULL, updated_at = @now
         WHERE message_id = @id AND address = @address AND ${ACTIVE}`,
      ),
      open: db.prepare(`SELECT count(*) AS n FROM queue_recipients WHERE message_id = ? AND ${ACTIVE}`),
      markDone: db.prepare('UPDATE queue_messages SET done_at = ? WHERE id = ? AND done_at IS NULL'),
      recover: db.prepare(
        `UPDATE queue_recipients SET claimed_by = NULL, claim_expires = NULL, next_attempt = min(next_attempt, @now)
         WHERE claimed_by IS NOT NULL`,
      ),
      nextDue: db.prepare(`SELECT min(next_attempt) AS t FROM queue_recipients WHERE ${ACTIVE} AND claimed_by IS NULL`),
      message: db.prepare('SELECT * FROM queue_messages WHERE id = ?'),
      recipientsOf: db.prepare('SELECT * FROM queue_recipients WHERE message_id = ? ORDER BY rowid'),
      live: db.prepare('SELECT * FROM queue_messages WHERE done_at IS NULL ORDER BY arrived_at, id'),
      liveRecipients: db.prepare(
        `SELECT r.* FROM queue_recipients r JOIN queue_messages m ON m.id = r.message_id
         WHERE m.done_at IS NULL ORDER BY r.rowid`,
      ),
      liveIds: db.prepare('SELECT id FROM queue_messages WHERE done_at IS NULL'),
      retryOne: db.prepare(
        `UPDATE queue_recipients SET next_attempt = @now, updated_at = @now
         WHERE message_id = @id AND ${ACTIVE} AND (claimed_by IS NULL OR claim_expires <= @now) RETURNING address`,
      ),
      retryAll: db.prepare(
        `UPDATE queue_recipients SET next_attempt = @now, updated_at = @now
         WHERE ${ACTIVE} AND (claimed_by IS NULL OR claim_expires <= @now) RETURNING message_id, address`,
      ),
      openRecipients: db.prepare(`SELECT address FROM queue_recipients WHERE message_id = ? AND ${ACTIVE}`),
      deleteMessage: db.prepare('DELETE FROM queue_messages WHERE id = ?'),
      byMessageId: db.prepare('SELECT id FROM queue_messages WHERE message_id = ? ORDER BY arrived_at'),
      delayWarned: db.prepare('UPDATE queue_recipients SET delay_warned = 1 WHERE message_id = ? AND address = ?'),
    };
  }

  async insertMessages(messages: readonly NewQueueMessage[]): Promise<void> {
    this.db
      .transaction(() => {
        for (const m of messages) {
          this.s.insertMessage.run(
            m.id,
            m.from,
            JSON.stringify({ dsn: m.dsn, body: m.body, smtputf8: m.smtputf8 }),
            m.size,
            m.spoolPath,
            m.arrivedAt,
            JSON.stringify(m.origin),
            m.messageId,
          );
          const client =
            m.origin.kind === 'smtp' ? `${m.origin.client.helo ?? ''}[${m.origin.client.ip}]` : m.origin.source;
          for (const r of m.recipients) {
            this.s.insertRecipient.run(
              m.id,
              r.address,
              domainOf(r.address),
              r.original ?? null,
              r.orcpt ?? null,
              r.notify === undefined ? null : JSON.stringify(r.notify),
              r.held ? m.expiresAt : m.arrivedAt,
              m.expiresAt,
              m.arrivedAt,
            );
            this.s.insertEvent.run(
              m.arrivedAt,
              m.id,
              r.address,
              'received',
              null,
              null,
              null,
              null,
              null,
              null,
              client,
            );
          }
        }
      })
      .immediate();
    await this.sync();
  }

  private wal: Promise<FileHandle> | null = null;

  async sync(): Promise<void> {
    if (this.walFile === null) return;
    // fsync works on any descriptor of the file, and SQLite keeps the WAL file (same inode)
    // as long as our connection is open, so one descriptor serves every sync.
    this.wal ??= open(this.walFile, 'r');
    try {
      await (await this.wal).datasync();
    } catch (err) {
      const stale = this.wal;
      this.wal = null;
      await (await stale.catch(() => null))?.close().catch(() => {});
      throw err;
    }
  }

  async claimDue(workerId: string, now: number, limit: number, opts: ClaimOptions): Promise<ClaimedMessage[]> {
    if (limit <= 0) return [];
    const rows = this.s.claim.all({
      worker: workerId,
      until: now + opts.leaseMs,
      now,
      limit,
      exclude: JSON.stringify(opts.excludeDomains ?? []),
    }) as Row[];
    if (rows.length === 0) return [];
    const byMessage = new Map<string, QueueRecipient[]>();
    for (const row of rows) {
      const r = toRecipient(row);
      const list = byMessage.get(r.messageId);
      if (list) list.push(r);
      else byMessage.set(r.messageId, [r]);
    }
    const heads = (this.s.heads.all(JSON.stringify([...byMessage.keys()])) as Row[]).map(toHead);
    return heads.map((message) => ({ message, recipients: byMessage.get(message.id) ?? [] }));
  }

  async releaseClaims(workerId: string, messageId: string, addresses: readonly string[]): Promise<void> {
    this.db.transaction(() => {
      for (const a of addresses) this.s.release.run(messageId, a, workerId);
    })();
  }

  async applyResults(messageId: string, results: readonly RecipientResult[], now: number) {
    return (await this.applyResultsBatch([{ messageId, results }], now))[0] ?? null;
  }

  async applyResultsBatch(items: readonly AppliedJob[], now: number) {
    const done = this.db
      .transaction(() => items.map((item) => this.applyOne(item.messageId, item.results, now)))
      .immediate();
    return Promise.all(
      done.map(async (d, i) => {
        if (d === null) return null;
        const message = await this.getMessage((items[i] as AppliedJob).messageId);
        return message ? { done: d, message } : null;
      }),
    );
  }

  /** Inside a transaction: one message's results; null when the message is gone. */
  private applyOne(messageId: string, results: readonly RecipientResult[], now: number): boolean | null {
    if (!this.s.message.get(messageId)) return null;
    for (const r of results) {
      const changed = this.s.update.run({
        id: messageId,
        address: r.address,
        state: r.state,
        next: r.state === 'deferred' ? (r.nextAttemptAt ?? now) : null,
        code: r.reply.code,
        enhanced: r.reply.enhanced,
        text: r.reply.lines.join('\n'),
        host: r.remote?.host ?? null,
        ip: r.remote?.ip ?? null,
        stage: r.stage,
        now,
      }).changes;
      if (changed > 0) this.logEvent(now, messageId, r.address, r.event, r.reply, r.remote, r.stage, null);
    }
    const open = (this.s.open.get(messageId) as { n: number }).n;
    if (open === 0) this.s.markDone.run(now, messageId);
    return open === 0;
  }

  async recoverActive(now: number): Promise<number> {
    return this.s.recover.run({ now }).changes;
  }

  async nextDueAt(): Promise<number | null> {
    return ((this.s.nextDue.get() as { t: number | null }).t ?? null) as number | null;
  }

  async getMessage(id: string): Promise<QueueMessage | null> {
    const row = this.s.message.get(id) as Row | undefined;
    if (!row) return null;
    return { ...toHead(row), recipients: (this.s.recipientsOf.all(id) as Row[]).map(toRecipient) };
  }

  async listMessages(): Promise<QueueMessage[]> {
    return this.db.transaction(() => {
      const byMessage = new Map<string, QueueRecipient[]>();
      for (const row of this.s.liveRecipients.all() as Row[]) {
        const r = toRecipient(row);
        const list = byMessage.get(r.messageId) ?? [];
        list.push(r);
        byMessage.set(r.messageId, list);
      }
      return (this.s.live.all() as Row[]).map((row) => {
        const head = toHead(row);
        return { ...head, recipients: byMessage.get(head.id) ?? [] };
      });
    })();
  }

  async queueIdsByMessageId(messageId: string): Promise<string[]> {
    return (this.s.byMessageId.all(messageId) as { id: string }[]).map((r) => r.id);
  }

  async liveMessageIds(): Promise<string[]> {
    return (this.s.liveIds.all() as { id: string }[]).map((r) => r.id);
  }

  async retryNow(id: string | null, now: number): Promise<number> {
    return this.db.transaction(() => {
      const rows = (id === null ? this.s.retryAll.all({ now }) : this.s.retryOne.all({ now, id })) as Row[];
      for (const row of rows) {
        this.logEvent(
          now,
          (row.message_id as string) ?? id,
          row.address as string,
          'retry',
          null,
          undefined,
          null,
          null,
        );
      }
      return rows.length;
    })();
  }

  async deleteMessage(id: string, now: number): Promise<string | null> {
    return this.db.transaction(() => {
      const row = this.s.message.get(id) as Row | undefined;
      if (!row) return null;
      for (const r of this.s.openRecipients.all(id) as Row[]) {
        this.logEvent(now, id, r.address as string, 'deleted', null, undefined, null, 'deleted by the administrator');
      }
      this.s.deleteMessage.run(id);
      return row.spool_path as string;
    })();
  }

  async markDelayWarned(messageId: string, addresses: readonly string[]): Promise<void> {
    this.db.transaction(() => {
      for (const a of addresses) this.s.delayWarned.run(messageId, a);
    })();
  }

  async appendEvents(events: readonly QueueEvent[]): Promise<void> {
    this.db.transaction(() => {
      for (const e of events) {
        const remote =
          e.remoteHost !== null || e.remoteIp !== null ? { host: e.remoteHost ?? '', ip: e.remoteIp ?? '' } : undefined;
        this.logEvent(e.time, e.queueId, e.rcpt, e.event, e.reply, remote, e.stage, e.detail);
      }
    })();
  }

  async listEvents(filter: EventFilter): Promise<QueueEvent[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.queueId !== undefined) {
      where.push('queue_id = ?');
      args.push(filter.queueId);
    }
    if (filter.rcpt !== undefined) {
      where.push('rcpt = ?');
      args.push(filter.rcpt);
    }
    if (filter.since !== undefined) {
      where.push('time >= ?');
      args.push(filter.since);
    }
    const sql = `SELECT * FROM (SELECT * FROM queue_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT ?) ORDER BY id`;
    args.push(filter.limit ?? -1);
    return (this.db.prepare(sql).all(...args) as Row[]).map(toEvent);
  }

  async close(): Promise<void> {
    const wal = this.wal;
    this.wal = null;
    await (await wal?.catch(() => null))?.close().catch(() => {});
    if (this.db.open) this.db.close();
  }

  private logEvent(
    time: number,
    queueId: string,
    rcpt: string | null,
    event: QueueEventKind,
    r: Reply | null,
    remote: { host: string; ip: string } | undefined,
    stage: string | null,
    detail: string | null,
  ): void {
    this.s.insertEvent.run(
      time,
      queueId,
      rcpt,
      event,
      remote?.host || null,
      remote?.ip || null,
      stage,
      r?.code ?? null,
      r?.enhanced ?? null,
      r ? r.lines.join('\n') : null,
      detail,
    );
  }
}
