/**
 * The classifier: one reason per failed recipient, decided from the diagnostic text, the
 * enhanced status code (RFC 3463) and the SMTP reply code (RFC 5321 §4.2.1) together.
 * Text rules come first because the words are more specific than the codes ("550 5.1.1
 * mailbox full" is a full mailbox, whatever the code says); then the enhanced code; then
 * the reply code. A provider's own documented code (rules/providers.ts) comes between the
 * words and the enhanced code. All rules are data in rules/*.ts.
 *
 * Security: text is untrusted; it is only matched against bounded regular expressions.
 */

import { contentRules } from './rules/content.js';
import { LiteralGate, requiredRuns } from './rules/literal-gate.js';
import { reasonFromProviderCode } from './rules/providers.js';
import { recipientRules } from './rules/recipient.js';
import type { TextRule } from './rules/rule.js';
import { senderRules } from './rules/sender.js';
import { sendingHostRules } from './rules/sending-host.js';
import { STATUS_REASON } from './rules/status-codes.js';
import { transportRules } from './rules/transport.js';
import type { Reason } from './types.js';
import { collapseSpace } from './white-space.js';

const pick = (rules: TextRule[], reason: Reason) => rules.filter((r) => r.reason === reason);

/** The order in which text rules are tried: the most specific words first. */
export const TEXT_RULES: TextRule[] = [
  ...pick(recipientRules, 'hasmoved'),
  ...pick(senderRules, 'norelaying'),
  ...pick(transportRules, 'notaccept'),
  ...pick(sendingHostRules, 'blocked').slice(0, 1),
  ...pick(contentRules, 'virusdetected'),
  ...pick(contentRules, 'spamdetected'),
  ...pick(sendingHostRules, 'authfailure'),
  ...pick(contentRules, 'notcompliantrfc'),
  ...pick(sendingHostRules, 'securityerror'),
  ...pick(senderRules, 'rejected'),
  ...pick(recipientRules, 'suspend'),
  ...pick(transportRules, 'systemfull'),
  ...pick(transportRules, 'speeding').slice(0, 1),
  ...pick(recipientRules, 'mailboxfull'),
  ...pick(recipientRules, 'userunknown'),
  ...pick(transportRules, 'hostunknown'),
  ...pick(sendingHostRules, 'requireptr'),
  ...pick(sendingHostRules, 'badreputation'),
  ...pick(contentRules, 'exceedlimit'),
  ...pick(contentRules, 'mesgtoobig'),
  ...pick(contentRules, 'contenterror'),
  ...pick(contentRules, 'policyviolation'),
  ...pick(transportRules, 'networkerror').slice(0, 2),
  ...pick(transportRules, 'expired').slice(0, 1),
  ...pick(contentRules, 'filtered'),
  ...pick(sendingHostRules, 'blocked').slice(1),
  ...pick(transportRules, 'toomanyconn'),
  ...pick(transportRules, 'speeding').slice(1),
  ...pick(transportRules, 'networkerror').slice(2),
  ...pick(transportRules, 'expired').slice(1),
  ...pick(transportRules, 'mailererror'),
  ...pick(transportRules, 'systemerror'),
  ...pick(transportRules, 'syntaxerror'),
];

/**
 * Which rules can match a text at all, found in one pass (rules/literal-gate.ts). Of the pieces
 * a rule cannot match without, the gate looks for those least common in the rules' example
 * replies ("procma" rather than "mail"): fewer texts pass on to the patterns. Only the work
 * depends on this choice, never a verdict.
 */
const EXAMPLES = TEXT_RULES.map((r) => r.example.toLowerCase());
const GATE = new LiteralGate(
  TEXT_RULES.map((r) =>
    // A case-insensitive pattern's runs may occur in any case: such a rule is always tried.
    r.text.flags.includes('i')
      ? null
      : requiredRuns(r.text.source, (piece) => EXAMPLES.reduce((n, e) => n + (e.includes(piece) ? 1 : 0), 0)),
  ),
);

export interface ReplyInput {
  code?: number;
  enhanced?: string | null;
  text: string;
}

/** Reasons that mean "this address will never work" (REASONS.md, hard bounce flag). */
export function isHard(reason: Reason, status: string | undefined): boolean {
  if (reason === 'userunknown' || reason === 'hostunknown' || reason === 'hasmoved') return true;
  return reason === 'notaccept' && (status ?? '5').startsWith('5');
}

// The same text is looked at several times per message (with and without its codes): its
// normalised form and each rule's verdict on it are kept until the next message. Only within
// one message: results carried from one message to the next would make a benchmark over a
// repeated corpus measure the cache, not the classifier.
interface Looked {
  readonly normalised: string;
  /** Per TEXT_RULES index: whether its pattern matched; undefined until tried. */
  readonly matched: (boolean | undefined)[];
  /** Per TEXT_RULES index: 1 when the rule may match (its required runs occur, or it has none). */
  possible?: Uint8Array;
}
const looked = new Map<string, Looked>();

/** Forgets the texts of the previous message (parseBounce calls it for every message). */
export function startMessage(): void {
  looked.clear();
}

/** What is known of a text in this message: looked up, or normalised and gated now. */
function lookAt(text: string): Looked {
  let seen = looked.get(text);
  if (!seen) {
    seen = { normalised: normalise(text), matched: [] };
    if (looked.size > 64) looked.clear();
    looked.set(text, seen);
  }
  return seen;
}

function possibleIn(seen: Looked): Uint8Array {
  if (!seen.possible) {
    seen.possible = new Uint8Array(TEXT_RULES.length);
    GATE.candidates(seen.normalised, seen.possible);
    for (let i = 0; i < TEXT_RULES.length; i++) if (GATE.gated[i] === 0) seen.possible[i] = 1;
  }
  return seen.possible;
}

/** The first matching text rule, or undefined. */
export function reasonFromText(text: string, enhanced?: string, code?: string): Reason | undefined {
  const seen = lookAt(text);
  if (!seen.normalised.trim()) return undefined;
  for (let i = 0; i < TEXT_RULES.length; i++) {
    const rule = TEXT_RULES[i] as TextRule;
    if (rule.status && !rule.status.test(enhanced ?? '')) continue;
    if (rule.code && !rule.code.test(code ?? '')) continue;
    let hit = seen.matched[i];
    if (hit === undefined) {
      hit = possibleIn(seen)[i] === 1 && rule.text.test(seen.normalised);
      seen.matched[i] = hit;
    }
    if (hit) return rule.reason;
  }
  return undefined;
}

/**
 * Whether the first matching text rule could be one of `reasons`: false when none of their
 * rules passes the literal gate, which spares trying the others on a long text.
 */
export function mayGiveReason(text: string, reasons: readonly Reason[]): boolean {
  const possible = possibleIn(lookAt(text));
  for (let i = 0; i < TEXT_RULES.length; i++) {
    if (possible[i] === 1 && reasons.includes((TEXT_RULES[i] as TextRule).reason)) return true;
  }
  return false;
}

/** Lower case, codes dropped (multi-line replies repeat "550-5.7.1" inside the text), spaces collapsed. */
function normalise(text: string): string {
  return collapseSpace(text.toLowerCase().replace(/(?<![\w.])[245]\d\d[ -](?:#?[245]\.\d{1,3}\.\d{1,3}\s)?/g, ' '));
}

/** Reason from the enhanced code alone (class digit ignored). */
export function reasonFromStatus(enhanced: string | undefined): Reason | undefined {
  if (!enhanced) return undefined;
  const m = /^[245]\.(\d{1,3}\.\d{1,3})$/.exec(enhanced);
  return m ? STATUS_REASON.get(m[1] ?? '') : undefined;
}

/** Reason from the reply code alone, for replies that say nothing else. */
export function reasonFromCode(code: string | undefined): Reason | undefined {
  switch (code) {
    case '421':
      return 'systemerror';
    case '452':
    case '552':
      return 'mailboxfull';
    case '551':
      return 'hasmoved';
    case '553':
      return 'userunknown';
    case '500':
    case '501':
    case '502':
    case '503':
    case '504':
      return 'syntaxerror';
    default:
      return undefined;
  }
}

export function decideReason(text: string, enhanced?: string, code?: string): Reason {
  // RFC 7372 authentication codes and RFC 7505 null MX name their cause exactly.
  if (enhanced && /^[45]\.7\.2[0-7]$/.test(enhanced)) {
    const exact = reasonFromStatus(enhanced);
    if (exact) return exact;
  }
  return (
    reasonFromText(text, enhanced, code) ??
    reasonFromProviderCode(text) ??
    reasonFromStatus(enhanced) ??
    reasonFromCode(code) ??
    'onhold'
  );
}

/** Classifies one SMTP reply (ours or a remote's): the bounce-notice builder uses this. */
export function classifyReply(r: ReplyInput): { reason: Reason; hard: boolean } {
  let text = r.text;
  let code = r.code !== undefined ? String(r.code) : undefined;
  let enhanced = r.enhanced ?? undefined;
  // A whole reply line passed as text: take its codes from it.
  const lead = /^([245]\d\d)[ -](?:#?([245]\.\d{1,3}\.\d{1,3})\s+)?/.exec(text);
  if (lead) {
    code ??= lead[1];
    enhanced ??= lead[2];
    text = text.slice(lead[0].length);
  }
  if (!enhanced) enhanced = /\(#([245]\.\d{1,3}\.\d{1,3})\)/.exec(text)?.[1];
  const reason = decideReason(text, enhanced, code);
  const cls = enhanced?.[0] ?? code?.[0];
  return { reason, hard: isHard(reason, cls ? `${cls}.0.0` : undefined) };
}
