/**
 * content_filtered (DATA): asks spamd; a spam verdict (or a score at or above the configured
 * threshold) refuses the message with the two-line reply. spamd down or slow: accept with a
 * log line (default, like most MTAs) or 451 4.7.1 when spamd.on_error = "tempfail".
 * RFC 5321 §4.2.5 (the reply after the final dot), RFC 3463 §3.8 (X.7.1).
 * Security: the verdict is only as good as spamd; messages over max_bytes are not sent.
 */
import { CONTINUE, type PolicyDecision, refuse } from '../../core/policy-decision.js';
import type { PolicyContext, PolicyDeps } from '../context.js';

export async function contentFiltered(ctx: PolicyContext, deps: PolicyDeps): Promise<PolicyDecision> {
  const s = deps.settings.spamd;
  const message = ctx.message;
  if (!s.enabled || !message) return CONTINUE;
  if (message.length > s.max_bytes) {
    deps.log.info({ rule: 'content_filtered', bytes: message.length }, 'message too large for spamd, not checked');
    return CONTINUE;
  }
  const r = await deps.spamd(message);
  if (r.kind === 'error') {
    deps.log.warn({ rule: 'content_filtered', why: r.why, on_error: s.on_error }, 'spamd unavailable');
    if (s.on_error === 'accept') return CONTINUE;
    return refuse('content_filtered', deps.replies.render('content_filter_unavailable', { from: ctx.from }));
  }
  const spam = s.threshold === null ? r.spam : r.score >= s.threshold;
  deps.log.info({ rule: 'content_filtered', spam, score: r.score, symbols: r.symbols }, 'spamd verdict');
  if (!spam) return CONTINUE;
  return refuse('content_filtered', deps.replies.render('content_filtered', { from: ctx.from }));
}
