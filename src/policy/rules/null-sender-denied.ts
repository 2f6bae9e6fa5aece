/**
 * null_sender_denied (MAIL): `MAIL FROM:<>` on a listener where config forbids it.
 * RFC 5321 §4.5.5 (bounces use the null reverse-path, so the mx port must take it: the
 * default allows it everywhere), RFC 8098 §2.1 (MDNs from users' clients use it too).
 */
import { CONTINUE, type PolicyDecision, refuse } from '../../core/policy-decision.js';
import type { PolicyContext, PolicyDeps } from '../context.js';

export async function nullSenderDenied(ctx: PolicyContext, deps: PolicyDeps): Promise<PolicyDecision> {
  if (ctx.from?.kind !== 'null') return CONTINUE;
  if (deps.settings.null_sender[ctx.client.role]) return CONTINUE;
  return refuse('null_sender_denied', deps.replies.render('null_sender_denied', { from: ctx.from }));
}
