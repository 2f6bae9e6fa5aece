/**
 * Bounce intake: a message delivered into a local mailbox that is a bounce of mail our users
 * sent (null envelope sender, or sent to our bounce address) is parsed, and each hard-bounced
 * recipient goes on the suppression list. `withBounceIntake` wraps the local transport like
 * autoreply/after-local-delivery.ts's `withVacation`.
 *
 * RFC 3464 (DSN) via explain/parse-bounce.ts; RFC 5321 §4.5.5 (bounces use the null sender).
 * Security: the bounce is untrusted input from anyone who can send us mail; it is only parsed
 * by parseBounce, and a failing intake never changes the delivery outcome.
 */
import { readFile } from 'node:fs/promises';
import type { DeliveryOutcome } from '../core/delivery-outcome.js';
import { parseBounce } from '../explain/parse-bounce.js';
import type { BounceReport } from '../explain/types.js';
import type { QueueEvent } from '../store/ports/queue.js';
import type { SuppressionEntry, SuppressionStore } from '../store/ports/suppression.js';

export interface BounceIntakeLog {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface LocalTransportLike {
  deliver(job: {
    readonly queueId?: string;
    readonly from: string;
    readonly bodyPath: string;
  }): Promise<DeliveryOutcome[]>;
  close(): Promise<void>;
}

/** Parse one message and record its hard bounces; returns the entries written. */
export async function recordBounce(raw: Buffer, store: SuppressionStore, now: number): Promise<SuppressionEntry[]> {
  return recordReport(parseBounce(raw), store, now);
}

async function recordReport(
  report: BounceReport | null,
  store: SuppressionStore,
  now: number,
): Promise<SuppressionEntry[]> {
  if (report === null || report.kind !== 'bounce') return [];
  const written: SuppressionEntry[] = [];
  for (const r of report.recipients) {
    // Soft bounces (mailboxfull, expired…) may succeed later: never suppress them.
    if (!r.hard || !r.address.includes('@')) continue;
    const entry: SuppressionEntry = {
      address: r.address.toLowerCase(),
      at: now,
      reason: r.reason,
      status: r.status,
      // The diagnostic is stored and shown, never sent: fold line breaks anyway.
      diagnostic: r.diagnostic.replace(/[\r\n]+/g, ' ').trim(),
      ...(report.original?.messageId ? { originalMessageId: report.original.messageId } : {}),
    };
    await store.put(entry);
    written.push(entry);
  }
  return written;
}

/** Where the delivery log links a bounce to the message it reports on (the queue store). */
export interface NoticeLinkLog {
  queueIdsByMessageId(messageId: string): Promise<string[]>;
  appendEvents(events: readonly QueueEvent[]): Promise<void>;
}

/**
 * Adds a `bounce-received` event to every queued message whose Message-ID the bounce names,
 * one per failed recipient, so `mailward log --id ORIGINAL` shows what came back.
 * Returns the queue ids linked.
 */
export async function linkToOriginal(
  report: BounceReport | null,
  log: NoticeLinkLog,
  now: number,
  noticeQueueId?: string,
): Promise<string[]> {
  const messageId = report?.original?.messageId;
  if (report?.kind !== 'bounce' || !messageId) return [];
  const ids = await log.queueIdsByMessageId(messageId);
  const events: QueueEvent[] = ids.flatMap((queueId) =>
    report.recipients.map((r) => ({
      time: now,
      queueId,
      rcpt: r.address || null,
      event: 'bounce-received' as const,
      remoteHost: r.remoteMta || null,
      remoteIp: null,
      stage: null,
      reply: null,
      detail: [`${r.hard ? 'hard' : 'soft'} ${r.reason}`, r.status, noticeQueueId ? `notice ${noticeQueueId}` : '']
        .filter(Boolean)
        .join(', '),
    })),
  );
  if (events.length > 0) await log.appendEvents(events);
  return ids;
}

export interface BounceIntakeOptions {
  readonly store: SuppressionStore;
  /** Links bounces to the messages they report on in the delivery log (optional). */
  readonly deliveryLog?: NoticeLinkLog;
  readonly now: () => number;
  /** Lower-cased recipients that count as "our bounce address" besides the null sender. */
  readonly bounceAddresses?: readonly string[];
  readonly log?: BounceIntakeLog;
}

/** The null sender as the queue keeps it in job.from: "" or "<>". */
function isNullSender(from: string): boolean {
  return from === '' || from === '<>';
}

export function withBounceIntake<T extends LocalTransportLike>(transport: T, opts: BounceIntakeOptions): T {
  const bounceAddresses = new Set((opts.bounceAddresses ?? []).map((a) => a.toLowerCase()));
  return {
    ...transport,
    deliver: async (job: Parameters<T['deliver']>[0]) => {
      const outcomes = await transport.deliver(job);
      const delivered = outcomes.filter((o) => o.status === 'delivered' && o.stage === 'local');
      if (delivered.length === 0) return outcomes;
      const isBounce =
        isNullSender(job.from) || delivered.some((o) => bounceAddresses.has(String(o.rcpt).toLowerCase()));
      if (!isBounce) return outcomes;
      try {
        const report = parseBounce(await readFile(job.bodyPath));
        const written = await recordReport(report, opts.store, opts.now());
        const linked = opts.deliveryLog ? await linkToOriginal(report, opts.deliveryLog, opts.now(), job.queueId) : [];
        opts.log?.info({ suppressed: written.map((e) => e.address), linked }, 'bounce intake');
      } catch (err) {
        opts.log?.error({ err: String(err) }, 'bounce intake failed');
      }
      return outcomes;
    },
    close: () => transport.close(),
  };
}
