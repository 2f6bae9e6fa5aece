/**
 * Which notices a delivery run produces: pure decisions, no I/O.
 *
 * RFC 3461 §4.1 (NOTIFY: absent means FAILURE, and DELAY at our discretion; NEVER means no
 * notice), §5.2.2 and §6.2 (success: delivered locally, or relayed to a remote without DSN),
 * RFC 5321 §4.5.5 and §6.1 (never notify the null sender; a notice about a notice goes to
 * the postmaster), RFC 3464 §2.3.3 (Action values).
 *
 * Loop safety: every message we generate is marked in the queue through its origin, which the
 * queue stores as it stands: `{ kind: 'local', source: 'dsn' }` for a notice and
 * `{ kind: 'local', source: 'dsn-postmaster' }` for the one copy sent to the postmaster. A
 * failed `dsn` produces one failure notice to the postmaster (origin `dsn-postmaster`); a
 * failed `dsn-postmaster` produces nothing, only a log line. Any other null-sender message
 * (someone else's bounce, a vacation reply) never produces a notice.
 */
import type { DeliveryOutcome } from '../core/delivery-outcome.js';
import type { Notify } from '../core/envelope.js';
import { isTransient } from '../core/reply.js';
import type { NoticeRecipient } from './notice-input.js';

export const NOTICE_SOURCE = 'dsn';
export const POSTMASTER_NOTICE_SOURCE = 'dsn-postmaster';

/** The part of a queued message the decision needs; a queue store's QueueMessage fits as is. */
export interface NoticeMessage {
  /** Envelope sender in key form; '' is the null sender. */
  readonly from: string;
  readonly arrivedAt: number;
  readonly origin: { readonly kind: string; readonly source?: string };
  readonly recipients: ReadonlyArray<{
    readonly address: string;
    readonly orcpt?: string | null;
    readonly notify?: Notify | null;
    readonly delayWarned?: boolean;
    readonly expiresAt?: number;
  }>;
}

export interface NoticePolicyConfig {
  readonly now: number;
  /** 0 turns delay warnings off. */
  readonly delayWarningAfterMs: number;
  /** Where a notice that failed goes; see postmasterFor(). */
  readonly postmaster: string;
}

export interface NoticeToSend {
  readonly kind: 'failure' | 'delay' | 'success';
  /** Envelope and header recipient of the notice. */
  readonly to: string;
  /** Store this as the notice's queue origin source. */
  readonly source: typeof NOTICE_SOURCE | typeof POSTMASTER_NOTICE_SOURCE;
  readonly recipients: readonly NoticeRecipient[];
}

export interface NoticeDecisions {
  readonly notices: readonly NoticeToSend[];
  /** Recipients whose delay warning goes out now: set `delayWarned` so it is sent once. */
  readonly markDelayWarned: readonly string[];
  /** Why notices that would otherwise be due are not sent (for the log). */
  readonly suppressed: ReadonlyArray<{ readonly rcpt: string; readonly why: string }>;
}

/** `postmaster@<domain of hostname>`: mail.example.com → postmaster@example.com. */
export function postmasterFor(hostname: string, override?: string): string {
  if (override) return override;
  const labels = hostname.toLowerCase().replace(/\.$/, '').split('.');
  const domain = labels.length > 2 ? labels.slice(1).join('.') : labels.join('.');
  return `postmaster@${domain}`;
}

function wants(notify: Notify | null | undefined, kind: 'SUCCESS' | 'FAILURE' | 'DELAY'): boolean {
  if (notify === 'NEVER') return false;
  if (!notify || notify.length === 0) return kind !== 'SUCCESS';
  return notify.includes(kind);
}

/** Still transient after the queue lifetime ran out: fails as expired (status 4.4.7). */
function isExpired(o: DeliveryOutcome, expiresAt: number | undefined, now: number): boolean {
  return o.status !== 'delivered' && isTransient(o.reply) && expiresAt !== undefined && now >= expiresAt;
}

export function decideNotices(
  msg: NoticeMessage,
  outcomes: readonly DeliveryOutcome[],
  cfg: NoticePolicyConfig,
): NoticeDecisions {
  const byAddress = new Map(msg.recipients.map((r) => [r.address.toLowerCase(), r]));
  const at = new Date(cfg.now);
  const failed: NoticeRecipient[] = [];
  const delayed: NoticeRecipient[] = [];
  const succeeded: NoticeRecipient[] = [];
  const suppressed: Array<{ rcpt: string; why: string }> = [];
  const source = msg.origin.kind === 'local' ? msg.origin.source : undefined;

  for (const o of outcomes) {
    const r = byAddress.get(o.rcpt.toLowerCase());
    const expired = isExpired(o, r?.expiresAt, cfg.now);
    const entry = {
      outcome: o,
      lastAttempt: at,
      ...(r?.orcpt ? { orcpt: r.orcpt } : {}),
      ...(expired ? { expired } : {}),
    };
    if (o.status === 'failed' || expired) {
      if (wants(r?.notify, 'FAILURE')) failed.push(entry);
      else suppressed.push({ rcpt: o.rcpt, why: 'NOTIFY does not include FAILURE' });
    } else if (o.status === 'deferred') {
      const due = cfg.delayWarningAfterMs > 0 && cfg.now - msg.arrivedAt >= cfg.delayWarningAfterMs;
      if (due && !r?.delayWarned) {
        if (wants(r?.notify, 'DELAY')) delayed.push(entry);
        else suppressed.push({ rcpt: o.rcpt, why: 'NOTIFY does not include DELAY' });
      }
    } else if (o.status === 'delivered' && wants(r?.notify, 'SUCCESS')) {
      // A remote that took our NOTIFY (RFC 3461 §5.2.2) reports success itself.
      if (o.stage === 'local' || !o.remote || o.remoteDsn !== true) succeeded.push(entry);
    }
  }

  if (msg.from === '') {
    // Null sender: never a notice back. Only our own notice gets one copy to the postmaster.
    const all = [...failed, ...delayed, ...succeeded].map((e) => e.outcome.rcpt);
    if (source === NOTICE_SOURCE && failed.length > 0) {
      return {
        notices: [{ kind: 'failure', to: cfg.postmaster, source: POSTMASTER_NOTICE_SOURCE, recipients: failed }],
        markDelayWarned: [],
        suppressed: [...delayed, ...succeeded].map((e) => ({ rcpt: e.outcome.rcpt, why: 'null sender' })),
      };
    }
    const why =
      source === POSTMASTER_NOTICE_SOURCE ? 'a notice to the postmaster failed: dropped (no loops)' : 'null sender';
    return { notices: [], markDelayWarned: [], suppressed: all.map((rcpt) => ({ rcpt, why })) };
  }

  const notices: NoticeToSend[] = [];
  if (failed.length) notices.push({ kind: 'failure', to: msg.from, source: NOTICE_SOURCE, recipients: failed });
  if (delayed.length) notices.push({ kind: 'delay', to: msg.from, source: NOTICE_SOURCE, recipients: delayed });
  if (succeeded.length) notices.push({ kind: 'success', to: msg.from, source: NOTICE_SOURCE, recipients: succeeded });
  return { notices, markDelayWarned: delayed.map((e) => e.outcome.rcpt), suppressed };
}
