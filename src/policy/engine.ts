/**
 * The policy engine: an ordered list of rules per SMTP stage; the first decisive result
 * (accept, reject or defer) wins, and the end of the list means continue (STYLE.md §3).
 * The lists come from config (`[policy.checks]`); connect and helo have no checks yet but
 * run through the same path so rules can be added without touching the session.
 */
import { CONTINUE, type PolicyDecision } from '../core/policy-decision.js';
import type { CheckName, PolicyStage } from './catalogue.js';
import type { PolicyContext, PolicyDeps, PolicyRule } from './context.js';
import { RULES } from './rules/index.js';

export interface NamedRule {
  readonly name: CheckName;
  readonly rule: PolicyRule;
}

export type StageRules = Readonly<Record<PolicyStage, readonly NamedRule[]>>;

export function stageRules(checks: {
  readonly mail: readonly CheckName[];
  readonly rcpt: readonly CheckName[];
  readonly data: readonly CheckName[];
}): StageRules {
  const named = (names: readonly CheckName[]): readonly NamedRule[] =>
    Object.freeze(names.map((name) => ({ name, rule: RULES[name] })));
  return Object.freeze({
    connect: [],
    helo: [],
    mail: named(checks.mail),
    rcpt: named(checks.rcpt),
    data: named(checks.data),
  });
}

/** Runs the rules in order; the first result that is not `continue` is the answer. */
export async function runStage(
  rules: readonly NamedRule[],
  ctx: PolicyContext,
  deps: PolicyDeps,
): Promise<PolicyDecision> {
  for (const { rule } of rules) {
    const d = await rule(ctx, deps);
    if (d.kind !== 'continue') return d;
  }
  return CONTINUE;
}
