/**
 * PolicyDecision: what a policy rule says about one stage of one transaction.
 * Every decisive result names its rule, so the delivery log and the admin UI can say which
 * rule refused whom (DESIGN.md, "Core types").
 */
import type { Reply } from './reply.js';

export type PolicyDecision =
  | { readonly kind: 'continue' }
  | { readonly kind: 'accept'; readonly rule: string }
  | { readonly kind: 'reject'; readonly rule: string; readonly reply: Reply }
  | { readonly kind: 'defer'; readonly rule: string; readonly reply: Reply };

export const CONTINUE: PolicyDecision = Object.freeze({ kind: 'continue' as const });

export const accept = (rule: string): PolicyDecision => ({ kind: 'accept', rule });

/** reject or defer, chosen from the reply's class in one place. */
export function refuse(rule: string, reply: Reply): PolicyDecision {
  return reply.code >= 500 ? { kind: 'reject', rule, reply } : { kind: 'defer', rule, reply };
}
