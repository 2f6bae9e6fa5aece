/**
 * rcpt_invalid (RCPT): refuses recipient addresses that use relay tricks — `%`, `!`, a source
 * route, a quoted local part with `@`, a trailing dot, an address literal not ours.
 * RFC 5321 §4.1.2, Appendix C; RFC 1123 §5.2.16. See ../recipient.ts for the reasoning.
 * Security: the address is client input; it is judged as given and never rewritten.
 */
import { CONTINUE, type PolicyDecision, refuse } from '../../core/policy-decision.js';
import type { PolicyContext, PolicyDeps } from '../context.js';
import { recipientClassOf } from '../recipient.js';

export async function rcptInvalid(ctx: PolicyContext, deps: PolicyDeps): Promise<PolicyDecision> {
  const c = await recipientClassOf(ctx, deps);
  if (c?.kind !== 'trick') return CONTINUE;
  return refuse('rcpt_invalid', deps.replies.render('rcpt_invalid', { rcpt: ctx.rcpt?.address, from: ctx.from }));
}
