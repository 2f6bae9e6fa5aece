/**
 * sender_blocked (MAIL): the sender address or its domain is in the badmailfrom list
 * (qmail's control/badmailfrom: `user@domain`, `@domain`, and mailward's `/regex/`), matched
 * by the store's one matcher (src/store/badmailfrom.ts) so the CLI and policy agree.
 * The null sender is never blocked here (qmail does not either): bounces must get in.
 * Security: the patterns are the operator's and were checked when added; should one still
 * fail to compile, it is logged and the check passes rather than throwing per message.
 */
import { addressKey } from '../../core/address.js';
import { CONTINUE, type PolicyDecision, refuse } from '../../core/policy-decision.js';
import { badMailFromMatcher } from '../../store/badmailfrom.js';
import type { PolicyContext, PolicyDeps } from '../context.js';

export async function senderBlocked(ctx: PolicyContext, deps: PolicyDeps): Promise<PolicyDecision> {
  const from = ctx.from;
  if (!from || from.kind === 'null') return CONTINUE;
  const entries = await deps.directory.listBadMailFrom();
  if (entries.length === 0) return CONTINUE;
  let hit = null;
  try {
    hit = badMailFromMatcher(entries)(addressKey(from));
  } catch (err) {
    deps.log.warn({ rule: 'sender_blocked', err: String(err) }, 'badmailfrom list does not compile');
  }
  if (!hit) return CONTINUE;
  return refuse('sender_blocked', deps.replies.render('sender_blocked', { from }));
}
