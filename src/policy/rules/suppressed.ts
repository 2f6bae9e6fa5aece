/**
 * suppressed (RCPT): our own users (authenticated, or a trusted client) sending to a remote
 * address that bounced permanently before get, by default, `550 5.1.1 <addr>: earlier delivery
 * failed permanently on YYYY-MM-DD: <reason>` at RCPT, instead of a bounce an hour later.
 * The list is filled by suppression/bounce-intake.ts; `mailward suppression remove` clears an
 * address. Mail from outside is never judged by it.
 * RFC 5321 §4.2.2 (550 mailbox unavailable), RFC 3463 §3.2 (X.1.1 bad destination mailbox).
 * Security: only the stored reason word (our classifier's vocabulary) reaches the wire, never
 * the remote's diagnostic text; the Reply factory refuses CR/LF.
 */
import { addressKey } from '../../core/address.js';
import { CONTINUE, type PolicyDecision, refuse } from '../../core/policy-decision.js';
import type { PolicyContext, PolicyDeps } from '../context.js';
import { recipientClassOf } from '../recipient.js';

/** A word of letters only; anything else is not trusted onto the wire. */
function safeReason(reason: string): string {
  return /^[a-z]{1,40}$/.test(reason) ? reason : 'undefined';
}

export async function suppressed(ctx: PolicyContext, deps: PolicyDeps): Promise<PolicyDecision> {
  const rcpt = ctx.rcpt?.address;
  if (!deps.suppression || !rcpt || rcpt.kind !== 'mailbox') return CONTINUE;
  if (!ctx.client.authUser && !(await deps.isTrusted(ctx.client.ip))) return CONTINUE;
  const c = await recipientClassOf(ctx, deps);
  if (c?.kind !== 'remote') return CONTINUE;
  const entry = await deps.suppression.get(addressKey(rcpt));
  if (!entry) return CONTINUE;
  const date = new Date(entry.at).toISOString().slice(0, 10);
  return refuse('suppressed', deps.replies.render('suppressed', { rcpt, date, reason: safeReason(entry.reason) }));
}
