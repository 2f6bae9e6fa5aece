/**
 * auth_required (MAIL): on the submission ports nothing is sent before AUTH (RFC 6409 §4.3);
 * on the mx port an unauthenticated client outside the trusted networks may not use a sender
 * in one of our domains — this is what stops forged local senders.
 * RFC 4954 §6 (530/5.7.0 family; the catalogue answers 553 5.7.1 as in DESIGN.md).
 * Security: the sender domain is compared after parsing (lower-case A-label, no trailing dot),
 * so `USER@OURS.` is ours too.
 */
import { CONTINUE, type PolicyDecision, refuse } from '../../core/policy-decision.js';
import type { PolicyContext, PolicyDeps } from '../context.js';

export async function authRequired(ctx: PolicyContext, deps: PolicyDeps): Promise<PolicyDecision> {
  const { client, from } = ctx;
  if (client.authUser || !from) return CONTINUE;
  const no = (): PolicyDecision => refuse('auth_required', deps.replies.render('auth_required', { from }));
  if (client.role !== 'mx') return deps.settings.submission_requires_auth ? no() : CONTINUE;
  if (from.kind === 'null' || from.literal) return CONTINUE;
  if (!(await deps.isOurDomain(from.domain))) return CONTINUE;
  return (await deps.isTrusted(client.ip)) ? CONTINUE : no();
}
