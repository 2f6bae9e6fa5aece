/**
 * The queue runner's `onOutcomes` hook: decides which notices a delivery run produces
 * (notice-policy.ts), builds them, and injects them into our own queue with the null sender
 * and an origin that marks them as notices, so they are delivered like any message.
 *
 * RFC 3461 §6, RFC 3464, RFC 5321 §6.1 (no loops: see notice-policy.ts).
 * Security: the original is read from our own spool; a notice is injected locally (no SMTP
 * hop), so it never meets a relay check. A failure to build or inject is logged, never thrown
 * back into the runner.
 */

import { type BounceConfig, durationMs } from '../config/sections/bounce.js';
import type { Clock } from '../core/clock.js';
import type { DeliveryOutcome } from '../core/delivery-outcome.js';
import { newQueueId } from '../core/ids.js';
import { buildDelayNotice } from './delay-notice.js';
import { buildFailureNotice } from './failure-notice.js';
import { type Advise, readOriginal } from './notice-input.js';
import { decideNotices, type NoticeMessage, type NoticeToSend, postmasterFor } from './notice-policy.js';
import { buildSuccessNotice } from './success-notice.js';

/** A queued message as the runner hands it over; the queue store's QueueMessage fits. */
export interface NoticeQueueMessage extends NoticeMessage {
  readonly id: string;
  readonly spoolPath: string;
  readonly dsn: { readonly ret?: 'FULL' | 'HDRS'; readonly envid?: string };
}

/** Same shape as the intake's `injectLocal` message, so `intake.injectLocal` can be passed as is. */
export interface NoticeInjection {
  readonly from: '';
  readonly rcpts: readonly string[];
  readonly body: Buffer;
  readonly origin: { readonly source: string };
  readonly bodyType: '7BIT' | '8BITMIME';
}

export interface NoticeHookDeps {
  readonly hostname: string;
  /** Reporting-MTA; default the hostname. */
  readonly reportingMta?: string;
  readonly config: BounceConfig;
  readonly clock: Clock;
  readonly advise: Advise;
  /** `intake.injectLocal` fits: a result `{ ok: false, … }` is logged as a refusal. */
  readonly inject: (msg: NoticeInjection) => Promise<unknown>;
  /** Records that the delay warning went out (QueueStore.markDelayWarned). */
  readonly markDelayWarned: (messageId: string, addresses: readonly string[]) => Promise<void>;
  /** Queue lifetime, for Will-Retry-Until when a recipient has no expiresAt; default 5 days. */
  readonly lifetimeMs?: number;
  readonly log?: (level: 'info' | 'warn' | 'error', detail: Record<string, unknown>, msg: string) => void;
  readonly newId?: () => string;
}

export function createNoticeHook(
  deps: NoticeHookDeps,
): (message: NoticeQueueMessage, outcomes: readonly DeliveryOutcome[]) => Promise<void> {
  const log = deps.log ?? (() => {});
  const newId = deps.newId ?? (() => newQueueId(deps.clock.now()));
  const delayWarningAfterMs = durationMs(deps.config.delay_warning_after);
  const postmaster = postmasterFor(deps.hostname, deps.config.postmaster);

  return async (message, outcomes) => {
    const now = deps.clock.now();
    const decision = decideNotices(message, outcomes, { now, delayWarningAfterMs, postmaster });
    for (const s of decision.suppressed) log('info', { queueId: message.id, rcpt: s.rcpt, why: s.why }, 'no notice');
    if (decision.notices.length === 0) return;
    const original = await readOriginal(message.spoolPath, deps.config.max_original_size);
    for (const notice of decision.notices) {
      try {
        const raw = build(notice, message, original, now);
        const result = await deps.inject({
          from: '',
          rcpts: [notice.to],
          body: raw,
          origin: { source: notice.source },
          bodyType: raw.some((b) => b > 127) ? '8BITMIME' : '7BIT',
        });
        if (typeof result === 'object' && result !== null && (result as { ok?: unknown }).ok === false) {
          log(
            'error',
            { queueId: message.id, kind: notice.kind, to: notice.to, result },
            'notice refused by the queue',
          );
          continue;
        }
        log('info', { queueId: message.id, kind: notice.kind, to: notice.to }, 'notice queued');
      } catch (err) {
        log('error', { queueId: message.id, kind: notice.kind, err }, 'could not send notice');
      }
    }
    if (decision.markDelayWarned.length) await deps.markDelayWarned(message.id, decision.markDelayWarned);
  };

  function build(
    notice: NoticeToSend,
    message: NoticeQueueMessage,
    original: { raw: Buffer; size: number },
    now: number,
  ): Buffer {
    const input = {
      hostname: deps.hostname,
      reportingMta: deps.reportingMta ?? deps.hostname,
      original: {
        raw: original.raw,
        size: original.size,
        from: message.from,
        arrivalDate: new Date(message.arrivedAt),
        ...(message.dsn.envid !== undefined ? { envid: message.dsn.envid } : {}),
        ...(message.dsn.ret !== undefined ? { ret: message.dsn.ret } : {}),
      },
      recipients: notice.recipients,
      maxOriginalSize: deps.config.max_original_size,
      now: new Date(now),
      messageId: `<${newId()}.dsn@${deps.hostname}>`,
      advise: deps.advise,
      to: notice.to,
    };
    if (notice.kind === 'failure') return buildFailureNotice(input);
    if (notice.kind === 'success') return buildSuccessNotice(input);
    const expiries = message.recipients
      .filter((r) => notice.recipients.some((n) => n.outcome.rcpt.toLowerCase() === r.address.toLowerCase()))
      .map((r) => r.expiresAt ?? message.arrivedAt + (deps.lifetimeMs ?? 5 * 86_400_000));
    return buildDelayNotice({ ...input, willRetryUntil: new Date(Math.min(...expiries)) });
  }
}
