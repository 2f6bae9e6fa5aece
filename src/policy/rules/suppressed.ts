/**
 * suppressed (RCPT): our own users (authenticated, or a trusted client) sending to a remote
 * address that bounced permanently before get `550 5.1.1 <addr>: earlier delivery failed
 * permanently on YYYY-MM-DD: <reason>` at RCPT, instead of a bounce an hour later.
 * The list is filled by suppression/bounce-intake.ts.
 * RFC 5321 §4.2.2 (550 mailbox unavailable), RFC 3463 §3.2 (X.1.1 bad destination mailbox).
 * Security: only the stored reason word (a sisimai vocabulary name) reaches the wire, never the
 * remote's diagnostic text; the Reply factory refuses CR/LF.
 */
import { addressKey } from '../../core/address.js';
import { CONTINUE, type PolicyDecision, refuse } from '../../core/policy-decision.js';
import { reply } from '../../core/reply.js';
import type { SuppressionStore } from '../../store/ports/suppression.js';
import type { PolicyContext, PolicyDeps, PolicyRule } from '../context.js';
import { recipientClassOf } from '../recipient.js';

/** A word of letters only; anything else is not trusted onto the wire. */
function safeReason(reason: string): string {
  return /^[a-z]{1,40}$/.test(reason) ? reason : 'undefined';
}

export function suppressedRule(store: SuppressionStore): PolicyRule {
  return async (ctx: PolicyContext, deps: PolicyDeps): Promise<PolicyDecision> => {
    const rcpt = ctx.rcpt?.address;
    if (!rcpt || rcpt.kind !== 'mailbox') return CONTINUE;
    const c = await recipientClassOf(ctx, deps);
    if (!c || c.kind !== 'remote') return CONTINUE;
    if (!ctx.client.authUser && !(await deps.isTrusted(ctx.client.ip))) return CONTINUE;
    const entry = await store.get(addressKey(rcpt));
    if (!entry) return CONTINUE;
    const date = new Date(entry.at).toISOString().slice(0, 10);
    const text = `<${entry.address}>: earlier delivery failed permanently on ${date}: ${safeReason(entry.reason)}`;
    return refuse('suppressed', reply(550, '5.1.1', text));
  };
}
