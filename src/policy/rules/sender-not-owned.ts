/**
 * sender_not_owned (MAIL): an authenticated user may send as its own address or as an alias
 * that delivers to it (exact alias source; a catch-all does not make every address its own).
 * RFC 6409 §6.1 (the submission server may check the sender against the identity).
 * Security: compares key forms (local part lower-cased, domain A-label); the login comes from
 * a successful AUTH, never from the client's say-so.
 */
import { addressKey } from '../../core/address.js';
import { CONTINUE, type PolicyDecision, refuse } from '../../core/policy-decision.js';
import type { PolicyContext, PolicyDeps } from '../context.js';

export async function senderNotOwned(ctx: PolicyContext, deps: PolicyDeps): Promise<PolicyDecision> {
  const login = ctx.client.authUser;
  const from = ctx.from;
  if (!login || !from || from.kind === 'null') return CONTINUE;
  const user = login.toLowerCase();
  const key = addressKey(from);
  if (key === user && from.sourceRoute.length === 0 && !from.trailingDot) return CONTINUE;
  const alias = await deps.directory.findAlias(key);
  if (alias?.targets.some((t) => t.toLowerCase() === user)) return CONTINUE;
  return refuse('sender_not_owned', deps.replies.render('sender_not_owned', { from, login }));
}
