/**
 * relay_denied (RCPT): a recipient outside our domains from a client that is neither
 * authenticated nor in a trusted network. This is the rule that keeps mailward from being an
 * open relay (RFC 5321 §3.6.2, RFC 2505 §2).
 * Security: trick addresses are refused here too when rcpt_invalid runs later or not at all;
 * the config refuses a rule list without relay_denied.
 */
import { CONTINUE, type PolicyDecision, refuse } from '../../core/policy-decision.js';
import type { PolicyContext, PolicyDeps } from '../context.js';
import { recipientClassOf } from '../recipient.js';

export async function relayDenied(ctx: PolicyContext, deps: PolicyDeps): Promise<PolicyDecision> {
  const c = await recipientClassOf(ctx, deps);
  if (!c || c.kind === 'local') return CONTINUE;
  if (ctx.client.authUser || (await deps.isTrusted(ctx.client.ip))) return CONTINUE;
  return refuse('relay_denied', deps.replies.render('relay_denied', { rcpt: ctx.rcpt?.address, from: ctx.from }));
}
