/**
 * Row mapping of the SQLite queue store: turns queue_messages, queue_recipients and
 * queue_events rows back into the port's values. Stored replies pass the Reply factory again.
 */
import type { DeliveryStage } from '../../core/delivery-outcome.js';
import type { Notify } from '../../core/envelope.js';
import { type Reply, reply } from '../../core/reply.js';
import type {
  QueueEvent,
  QueueEventKind,
  QueueMessageHead,
  QueueRecipient,
  QueueRecipientState,
} from '../ports/queue.js';

export type Row = Record<string, unknown>;

/** Rebuilds a stored reply through the factory; stored text came from it, so this only fails on a corrupt row. */
export function toReply(code: unknown, enhanced: unknown, text: unknown): Reply | null {
  if (code === null || code === undefined) return null;
  try {
    return reply(code as number, (enhanced as string | null) ?? null, String(text ?? '').split('\n'));
  } catch {
    return reply(code as number, null, String(text ?? '').split('\n'));
  }
}

export function toHead(row: Row): QueueMessageHead {
  const env = JSON.parse(row.envelope as string);
  return {
    id: row.id as string,
    from: row.sender as string,
    dsn: env.dsn ?? {},
    body: env.body ?? '7BIT',
    smtputf8: !!env.smtputf8,
    size: row.size as number,
    spoolPath: row.spool_path as string,
    arrivedAt: row.arrived_at as number,
    origin: JSON.parse(row.origin as string),
    messageId: (row.message_id as string | null) ?? null,
    doneAt: (row.done_at as number | null) ?? null,
  };
}

export function toRecipient(row: Row): QueueRecipient {
  return {
    messageId: row.message_id as string,
    address: row.address as string,
    domain: row.domain as string,
    original: (row.original as string | null) ?? null,
    orcpt: (row.orcpt as string | null) ?? null,
    notify: row.notify ? (JSON.parse(row.notify as string) as Notify) : null,
    state: row.state as QueueRecipientState,
    attempts: row.attempts as number,
    nextAttemptAt: (row.next_attempt as number | null) ?? null,
    lastReply: toReply(row.last_code, row.last_enhanced, row.last_text),
    remote:
      row.remote_host || row.remote_ip
        ? { host: (row.remote_host as string) ?? '', ip: (row.remote_ip as string) ?? '' }
        : null,
    stage: (row.stage as DeliveryStage | null) ?? null,
    expiresAt: row.expires_at as number,
    delayWarned: row.delay_warned === 1,
    claimedBy: (row.claimed_by as string | null) ?? null,
    claimExpires: (row.claim_expires as number | null) ?? null,
    updatedAt: row.updated_at as number,
  };
}

export function toEvent(row: Row): QueueEvent {
  return {
    time: row.time as number,
    queueId: row.queue_id as string,
    rcpt: (row.rcpt as string | null) ?? null,
    event: row.event as QueueEventKind,
    remoteHost: (row.remote_host as string | null) ?? null,
    remoteIp: (row.remote_ip as string | null) ?? null,
    stage: (row.stage as string | null) ?? null,
    reply: toReply(row.code, row.enhanced, row.text),
    detail: (row.detail as string | null) ?? null,
  };
}
