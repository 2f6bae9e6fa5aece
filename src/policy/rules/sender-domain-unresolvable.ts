/**
 * sender_domain_unresolvable (MAIL): the sender domain must be able to receive the bounce.
 * NXDOMAIN, no MX/A/AAAA, or a null MX (RFC 7505 §4.2) → 553 5.1.8; a DNS failure or
 * timeout → 451 4.4.3 (RFC 3463 §3.5) so the client tries again.
 * Skipped for our own domains, address literals, and (by default) authenticated or trusted
 * clients. Security: lookups are bounded by timeout_ms in ../sender-domain.ts.
 */
import { CONTINUE, type PolicyDecision, refuse } from '../../core/policy-decision.js';
import type { PolicyContext, PolicyDeps } from '../context.js';

export async function senderDomainUnresolvable(ctx: PolicyContext, deps: PolicyDeps): Promise<PolicyDecision> {
  const from = ctx.from;
  const s = deps.settings.sender_domain_check;
  if (!s.enabled || !from || from.kind === 'null' || from.literal) return CONTINUE;
  if (s.skip_trusted && (ctx.client.authUser || (await deps.isTrusted(ctx.client.ip)))) return CONTINUE;
  if (await deps.isOurDomain(from.domain)) return CONTINUE;
  const verdict = await deps.senderDomain.check(from.domain);
  if (verdict.kind === 'exists') return CONTINUE;
  const name = verdict.kind === 'missing' ? 'sender_domain_unresolvable' : 'sender_domain_lookup_failed';
  deps.log.info({ rule: 'sender_domain_unresolvable', domain: from.domain, verdict }, 'sender domain check');
  return refuse('sender_domain_unresolvable', deps.replies.render(name, { from }));
}
