/**
 * The shape of a classification rule, kept as data (STYLE.md §9): a pattern over the
 * lower-cased diagnostic text, optional conditions on the enhanced status and reply code,
 * and a real reply that the rule exists for (the rules test replays every example).
 */
import type { Reason } from '../types.js';

export interface TextRule {
  reason: Reason;
  /** A reply seen in real bounces; classifyReply on it must give `reason`. */
  example: string;
  /** Matched against the diagnostic, lower-cased, whitespace collapsed. */
  text: RegExp;
  /** Only when the enhanced status matches (e.g. /^5\.7\./). */
  status?: RegExp;
  /** Only when the reply code matches (e.g. /^55[03]$/). */
  code?: RegExp;
}
