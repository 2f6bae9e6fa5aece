/**
 * Queue store port: messages with per-recipient delivery state, exclusive claims for the
 * runner, and the delivery log (DESIGN.md "QueueEntry", STYLE.md §4 and §10).
 * Every state change is one transaction. Addresses are stored as `local@domain` with the
 * local part's case kept (RFC 5321 §2.4: only the receiving host may fold it) and the domain
 * in lower-case A-labels; comparisons ignore case.
 */
import type { DeliveryStage } from '../../core/delivery-outcome.js';
import type { BodyType, ClientInfo, DsnParams, Notify } from '../../core/envelope.js';
import type { Reply } from '../../core/reply.js';

export type QueueRecipientState = 'pending' | 'deferred' | 'delivered' | 'failed';

/** Where a message came from: an SMTP session, or a trusted local program (no SMTP hop). */
export type MessageOrigin =
  | { readonly kind: 'smtp'; readonly client: ClientInfo }
  | { readonly kind: 'local'; readonly source: string; readonly user?: string; readonly uid?: number };

/** A recipient as it enters the queue (after alias expansion). */
export interface QueuedRecipientInput {
  readonly address: string;
  /** The recipient as the client gave it, when alias expansion replaced it (for DSN). */
  readonly original?: string;
  /** RFC 3461 ORCPT as given: `rfc822;user@example.com`. */
  readonly orcpt?: string;
  readonly notify?: Notify;
  /**
   * Held for a flush (`queue.defer_domains`): first due at the message's expiry instead of at
   * once, so no delivery is tried until `retryNow` (queue flush/retry) or the end of the lifetime.
   */
  readonly held?: boolean;
}

export interface NewQueueMessage {
  readonly id: string;
  /** '' for the null sender. */
  readonly from: string;
  readonly dsn: DsnParams;
  readonly body: BodyType;
  readonly smtputf8: boolean;
  readonly size: number;
  readonly spoolPath: string;
  readonly arrivedAt: number;
  readonly expiresAt: number;
  readonly origin: MessageOrigin;
  /** The Message-ID header, if the message had one. */
  readonly messageId: string | null;
  readonly recipients: readonly QueuedRecipientInput[];
}

export interface QueueRecipient {
  readonly messageId: string;
  readonly address: string;
  readonly domain: string;
  readonly original: string | null;
  readonly orcpt: string | null;
  readonly notify: Notify | null;
  readonly state: QueueRecipientState;
  readonly attempts: number;
  /** Due time while pending/deferred; null once final. */
  readonly nextAttemptAt: number | null;
  readonly lastReply: Reply | null;
  readonly remote: { readonly host: string; readonly ip: string } | null;
  readonly stage: DeliveryStage | null;
  readonly expiresAt: number;
  readonly delayWarned: boolean;
  /** Worker holding the recipient ("active") and until when; null when idle. */
  readonly claimedBy: string | null;
  readonly claimExpires: number | null;
  readonly updatedAt: number;
}

export interface QueueMessageHead {
  readonly id: string;
  readonly from: string;
  readonly dsn: DsnParams;
  readonly body: BodyType;
  readonly smtputf8: boolean;
  readonly size: number;
  readonly spoolPath: string;
  readonly arrivedAt: number;
  readonly origin: MessageOrigin;
  readonly messageId: string | null;
  /** Set when every recipient is final and the spool file was released. */
  readonly doneAt: number | null;
}

export interface QueueMessage extends QueueMessageHead {
  readonly recipients: readonly QueueRecipient[];
}

/** Recipients claimed for one worker, grouped by message. */
export interface ClaimedMessage {
  readonly message: QueueMessageHead;
  readonly recipients: readonly QueueRecipient[];
}

export type QueueEventKind =
  | 'received'
  | 'delivered'
  | 'deferred'
  | 'failed'
  | 'expired'
  | 'notice-sent'
  | 'deleted'
  | 'retry'
  /** A bounce about this message arrived (detail: reason, status, the notice's queue id). */
  | 'bounce-received';

export interface QueueEvent {
  readonly time: number;
  readonly queueId: string;
  readonly rcpt: string | null;
  readonly event: QueueEventKind;
  readonly remoteHost: string | null;
  readonly remoteIp: string | null;
  readonly stage: string | null;
  readonly reply: Reply | null;
  /** Free text: client address for `received`, notice kind for `notice-sent`. */
  readonly detail: string | null;
}

/** The result of one attempt for one recipient, as the runner decided it. */
export interface RecipientResult {
  readonly address: string;
  readonly state: 'delivered' | 'deferred' | 'failed';
  /** The log event: `expired` is a failure because the lifetime ran out. */
  readonly event: 'delivered' | 'deferred' | 'failed' | 'expired';
  readonly reply: Reply;
  readonly remote?: { readonly host: string; readonly ip: string };
  readonly stage: DeliveryStage;
  /** Required for `deferred`. */
  readonly nextAttemptAt?: number;
}

/** One finished job: its message and the results of its recipients. */
export interface AppliedJob {
  readonly messageId: string;
  readonly results: readonly RecipientResult[];
}

export interface ClaimOptions {
  /** How long the claim holds before another worker may take it over. */
  readonly leaseMs: number;
  /** Skip recipients in these domains (their destination is at its concurrency limit). */
  readonly excludeDomains?: readonly string[];
}

export interface EventFilter {
  readonly queueId?: string;
  readonly rcpt?: string;
  readonly since?: number;
  readonly limit?: number;
}

export interface QueueStore {
  /**
   * Commits messages with their recipients and `received` events in ONE transaction (group
   * commit); resolves only when that commit is on disk.
   */
  insertMessages(messages: readonly NewQueueMessage[]): Promise<void>;
  /** Makes every commit so far durable (other writes need not be on disk when they return). */
  sync(): Promise<void>;
  /** Queue ids of the messages (live or done, while their rows exist) with this Message-ID. */
  queueIdsByMessageId(messageId: string): Promise<string[]>;
  /**
   * Atomically claims up to `limit` due recipients (pending or deferred, next attempt ≤ now,
   * not claimed or claim expired) for `workerId`. Two workers never get the same recipient.
   */
  claimDue(workerId: string, now: number, limit: number, opts: ClaimOptions): Promise<ClaimedMessage[]>;
  /** Gives back claimed recipients untouched (they stay due). */
  releaseClaims(workerId: string, messageId: string, addresses: readonly string[]): Promise<void>;
  /**
   * Records the results of one attempt in one transaction: recipient state, attempts, reply,
   * events; clears the claims; marks the message done when every recipient is final.
   * Returns null when the message no longer exists (deleted meanwhile).
   */
  applyResults(
    messageId: string,
    results: readonly RecipientResult[],
    now: number,
  ): Promise<{ readonly done: boolean; readonly message: QueueMessage } | null>;
  /** applyResults for several messages in ONE transaction (the runner batches finished jobs). */
  applyResultsBatch(
    items: readonly AppliedJob[],
    now: number,
  ): Promise<({ readonly done: boolean; readonly message: QueueMessage } | null)[]>;
  /** Puts every claimed ("active") recipient back to due now. Idempotent; returns how many. */
  recoverActive(now: number): Promise<number>;
  /** Earliest next attempt of any unclaimed pending/deferred recipient. */
  nextDueAt(): Promise<number | null>;
  getMessage(id: string): Promise<QueueMessage | null>;
  /** Messages not done yet, oldest first. */
  listMessages(): Promise<QueueMessage[]>;
  /** Ids of messages not done yet (to find orphaned spool files). */
  liveMessageIds(): Promise<string[]>;
  /** Makes the pending/deferred recipients of one message (or of all, id null) due now. Returns how many. */
  retryNow(id: string | null, now: number): Promise<number>;
  /** Removes a message and its recipients (the log stays). Returns its spool path, or null if unknown. */
  deleteMessage(id: string, now: number): Promise<string | null>;
  markDelayWarned(messageId: string, addresses: readonly string[]): Promise<void>;
  appendEvents(events: readonly QueueEvent[]): Promise<void>;
  /** Log events, oldest first. */
  listEvents(filter: EventFilter): Promise<QueueEvent[]>;
  close(): Promise<void>;
}
