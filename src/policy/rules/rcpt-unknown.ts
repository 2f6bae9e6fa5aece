/**
 * rcpt_unknown (RCPT): one of our domains, but no user, alias or catch-all of that name.
 * RFC 5321 §3.3 (550/553 for a mailbox that does not exist), §4.5.1 (postmaster always exists).
 * Security: answers only for our own domains, so it reveals nothing about anyone else's.
 */
import { CONTINUE, type PolicyDecision, refuse } from '../../core/policy-decision.js';
import type { PolicyContext, PolicyDeps } from '../context.js';
import { recipientClassOf } from '../recipient.js';

export async function rcptUnknown(ctx: PolicyContext, deps: PolicyDeps): Promise<PolicyDecision> {
  const c = await recipientClassOf(ctx, deps);
  if (c?.kind !== 'local' || c.exists) return CONTINUE;
  return refuse('rcpt_unknown', deps.replies.render('rcpt_unknown', { rcpt: ctx.rcpt?.address, from: ctx.from }));
}
