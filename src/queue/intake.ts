/**
 * Durable intake: turns a message body and its envelope into a queue entry, and answers
 * `250 2.0.0 Ok: queued as ID` only once both are safe: the spool file written, fdatasync'd,
 * its directory fsync'd, and the envelope committed (group commit, group-commit.ts).
 * Prepends the `Received:` header (RFC 5321 §4.4). Aliases may be expanded here through
 * `expandRecipients` so the queue holds final recipients (the given one kept as `original`).
 *
 * When the engine destroys the body stream (too big, bare LF), the partial file is removed and
 * onData REJECTS with the stream's error; the engine has already chosen its own reply.
 * When the disk or the store fails, onData returns `451 4.3.0` (never 250) and logs the cause.
 * Security: the body and envelope are client input; they are stored, never interpreted, apart
 * from a bounded scan of the header for Message-ID. Local injection (injectLocal) is trusted:
 * callers (sendmail, bounce, vacation) must have decided that the sender may send.
 */
import type { Readable } from 'node:stream';
import { type Address, domainOf, formatAddress, parseMailbox } from '../core/address.js';
import type { Clock } from '../core/clock.js';
import type { BodyType, DsnParams, Envelope, Recipient } from '../core/envelope.js';
import { newQueueId } from '../core/ids.js';
import { type Reply, reply } from '../core/reply.js';
import type { SessionHooks } from '../smtp/hooks.js';
import type { MessageOrigin, NewQueueMessage, QueuedRecipientInput, QueueStore } from '../store/ports/queue.js';
import { createGroupCommit, type GroupCommit } from './group-commit.js';
import { messageIdOf } from './message-headers.js';
import { localReceived, smtpReceived } from './received-header.js';
import { removeSpoolFile, spoolPaths, syncDir, writeSpoolFile } from './spool.js';

export interface QueueLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface IntakeDeps {
  readonly store: QueueStore;
  readonly spoolDir: string;
  /** Our name in the Received header. */
  readonly hostname: string;
  readonly clock: Clock;
  readonly log: QueueLog;
  /** Queue lifetime (recipients expire this long after arrival); default 5 days. */
  readonly lifetimeMs?: number;
  /** Largest body accepted (the engine enforces SIZE too; this guards injectLocal). */
  readonly maxMessageSize?: number;
  /** Alias expansion; without it every recipient is queued as given. */
  readonly expandRecipients?: (rcpts: readonly Recipient[], from: Address) => Promise<QueuedRecipientInput[]>;
  /**
   * Content filter on the synced temp file; a Reply refuses the message (SMTP only). It gets
   * the file's first octets and size (to spare it a read) and says when it rewrote the file.
   */
  readonly beforeCommit?: (file: string, envelope: Envelope, spooled: SpooledFile) => Promise<Reply | undefined>;
  /** Called after each commit (wire to runner.kick). */
  readonly onQueued?: (queueId: string) => void;
  readonly groupCommitDelayMs?: number;
  readonly newId?: (now: number) => string;
  /** Recipient domains whose mail waits for a flush (`queue.defer_domains`). */
  readonly isHeld?: (domain: string) => boolean;
}

/** What the intake already knows of a spooled file, so a content step need not read it again. */
export interface SpooledFile {
  /** The first octets of the file as written (the whole file when it is small). */
  readonly head: Buffer;
  /** The file's size. */
  readonly size: number;
  /** Tell the intake the new size after rewriting the file. */
  resized(size: number): void;
}

export interface LocalMessage {
  /** '' or null sender for notices; else `local@domain`. */
  readonly from: string;
  readonly rcpts: readonly (string | Recipient)[];
  readonly body: Buffer | Readable;
  /** Who injects: `sendmail`, `bounce`, `autoreply`… and the local user for the Received header. */
  readonly origin: { readonly source: string; readonly user?: string; readonly uid?: number };
  readonly dsn?: DsnParams;
  readonly bodyType?: BodyType;
  readonly smtputf8?: boolean;
  /** Prepend a Received header (default true). */
  readonly received?: boolean;
}

export type InjectResult =
  | { readonly ok: true; readonly queueId: string }
  | { readonly ok: false; readonly reply: Reply };

export interface Intake {
  readonly onData: NonNullable<SessionHooks['onData']>;
  injectLocal(msg: LocalMessage): Promise<InjectResult>;
  /** Waits for the commits in flight; later calls answer 421. */
  close(): Promise<void>;
  readonly stats: GroupCommit['stats'];
}

const DEFAULT_LIFETIME = 5 * 86_400_000;

interface Accept {
  readonly from: Address;
  readonly rcpts: readonly Recipient[];
  readonly body: AsyncIterable<Buffer | string> | Iterable<Buffer>;
  readonly dsn: DsnParams;
  readonly bodyType: BodyType;
  readonly smtputf8: boolean;
  readonly origin: MessageOrigin;
  readonly received: (queueId: string, rcpts: readonly string[], now: number) => string;
  readonly envelope?: Envelope;
}

export function createIntake(deps: IntakeDeps): Intake {
  const commits = createGroupCommit({
    commit: (messages) => deps.store.insertMessages(messages),
    syncDir,
    maxDelayMs: deps.groupCommitDelayMs ?? 0,
  });
  const newId = deps.newId ?? ((now: number) => newQueueId(now));
  let closing = false;
  const inFlight = new Set<Promise<unknown>>();

  async function expand(rcpts: readonly Recipient[], from: Address): Promise<QueuedRecipientInput[]> {
    const list = deps.expandRecipients
      ? await deps.expandRecipients(rcpts, from)
      : rcpts.map((r) => ({ address: formatAddress(r.address), orcpt: r.orcpt, notify: r.notify }));
    // each address once; a recipient of a held domain (`queue.defer_domains`) marked for the store
    const seen = new Set<string>();
    const out: QueuedRecipientInput[] = [];
    for (const r of list) {
      const key = r.address.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(deps.isHeld?.(domainOf(key)) ? { ...r, held: true } : r);
    }
    return out;
  }

  async function accept(a: Accept): Promise<{ ok: true; queueId: string } | { ok: false; reply: Reply }> {
    const now = deps.clock.now();
    const queueId = newId(now);
    const paths = spoolPaths(deps.spoolDir, queueId);
    const expanding = expand(a.rcpts, a.from);
    expanding.catch(() => {}); // awaited below; avoid an unhandled rejection while the body streams
    const forClause = a.rcpts.length === 1 && a.rcpts[0] ? [formatAddress(a.rcpts[0].address)] : [];
    const prefix = Buffer.from(a.received(queueId, forClause, now));
    const written = await writeSpoolFile(paths, prefix, a.body, deps.maxMessageSize);
    if (!written.ok) {
      deps.log.warn({ queueId, size: written.size }, 'message refused: too big');
      return { ok: false, reply: reply(552, '5.3.4', 'Message size exceeds fixed maximum message size') };
    }
    let submitted = false;
    try {
      const recipients = await expanding;
      let size = written.size;
      if (a.envelope && deps.beforeCommit) {
        const refusal = await deps.beforeCommit(paths.file, a.envelope, {
          head: Buffer.concat([prefix, written.head]),
          size: written.size,
          resized: (n) => {
            size = n;
          },
        });
        if (refusal) {
          await written.discard();
          await removeSpoolFile(paths.file);
          deps.log.info(
            { queueId, code: refusal.code, enhanced: refusal.enhanced },
            'message refused by content filter',
          );
          return { ok: false, reply: refusal };
        }
      }
      if (recipients.length === 0) {
        await written.discard();
        await removeSpoolFile(paths.file);
        deps.log.info({ queueId }, 'no recipients left after alias expansion; message discarded');
        return { ok: true, queueId };
      }
      const message: NewQueueMessage = {
        id: queueId,
        from: a.from.kind === 'null' ? '' : formatAddress(a.from),
        dsn: a.dsn,
        body: a.bodyType,
        smtputf8: a.smtputf8,
        size,
        spoolPath: paths.file,
        arrivedAt: now,
        expiresAt: now + (deps.lifetimeMs ?? DEFAULT_LIFETIME),
        origin: a.origin,
        messageId: messageIdOf(written.head),
        recipients,
      };
      submitted = true;
      await commits.submit(message, paths.dir, written.sync);
      deps.log.info(
        { queueId, from: message.from, rcpts: recipients.length, size: message.size, messageId: message.messageId },
        'queued',
      );
      deps.onQueued?.(queueId);
      return { ok: true, queueId };
    } catch (err) {
      if (!submitted) await written.discard();
      await removeSpoolFile(paths.file).catch(() => {});
      deps.log.error({ queueId, err }, 'queue write failed');
      return { ok: false, reply: reply(451, '4.3.0', `Temporary queue failure, try again later (${queueId})`) };
    }
  }

  function track<T>(p: Promise<T>): Promise<T> {
    inFlight.add(p);
    p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  }

  const shuttingDown = reply(421, '4.3.2', 'Queue is shutting down, try again later');

  return {
    stats: commits.stats,

    async onData(view, envelope, body) {
      if (closing) {
        body.resume();
        return shuttingDown;
      }
      // The engine may destroy the stream before we start reading it; without a listener
      // that error would be uncaught. The iteration below still sees it (stream.errored).
      body.on('error', () => {});
      const r = await track(
        accept({
          from: envelope.from,
          rcpts: envelope.rcpts,
          body,
          dsn: envelope.dsn,
          bodyType: envelope.body,
          smtputf8: envelope.smtputf8,
          origin: { kind: 'smtp', client: view.client },
          received: (queueId, rcpts, now) =>
            smtpReceived(view.client, envelope.smtputf8, { hostname: deps.hostname, queueId, time: now, rcpts }),
          envelope,
        }),
      );
      return r.ok ? reply(250, '2.0.0', `Ok: queued as ${r.queueId}`) : r.reply;
    },

    async injectLocal(msg) {
      if (closing) return { ok: false, reply: shuttingDown };
      const rcpts: Recipient[] = [];
      for (const r of msg.rcpts) {
        if (typeof r !== 'string') {
          rcpts.push(r);
          continue;
        }
        const parsed = parseMailbox(r);
        if (!parsed.ok) return { ok: false, reply: reply(553, '5.1.3', `${r}: bad recipient address syntax`) };
        rcpts.push({ address: parsed.value });
      }
      if (rcpts.length === 0) return { ok: false, reply: reply(554, '5.5.1', 'No valid recipients') };
      let from: Address = { kind: 'null' };
      if (msg.from !== '') {
        const parsed = parseMailbox(msg.from);
        if (!parsed.ok) return { ok: false, reply: reply(553, '5.1.7', `${msg.from}: bad sender address syntax`) };
        from = parsed.value;
      }
      if (!Buffer.isBuffer(msg.body)) msg.body.on('error', () => {}); // seen by the iteration instead
      const body: AsyncIterable<Buffer> | Iterable<Buffer> = Buffer.isBuffer(msg.body)
        ? [msg.body]
        : (msg.body as AsyncIterable<Buffer>);
      const origin = { kind: 'local' as const, ...msg.origin };
      return track(
        accept({
          from,
          rcpts,
          body,
          dsn: msg.dsn ?? {},
          bodyType: msg.bodyType ?? '8BITMIME',
          smtputf8: msg.smtputf8 ?? rcpts.some((r) => r.address.utf8),
          origin,
          received: (queueId, list, now) =>
            msg.received === false
              ? ''
              : localReceived(msg.origin.user, { hostname: deps.hostname, queueId, time: now, rcpts: list }),
        }),
      );
    },

    async close() {
      closing = true;
      await Promise.allSettled([...inFlight]);
      await commits.drain();
    },
  };
}
