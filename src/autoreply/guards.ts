/**
 * Whether a delivered message may get a vacation reply: every condition of RFC 3834 §2 and
 * RFC 5230 §4 except the once-per-period memory (memory.ts), each with a reason when it says no.
 *
 * RFC 3834 §2 (do not reply to automatic messages, lists, or the null sender), §3.1.7
 * (Auto-Submitted), §3.1.8 (Precedence is not standard but common); RFC 5230 §4.5 (the user
 * must be named in To/Cc/Bcc/Resent-*, not only in the envelope), §4.6 (owner-*, *-request,
 * LISTSERV, MAILER-DAEMON); RFC 2369 and RFC 2919 (List-* fields); vacation(1) from sendmail
 * (postmaster, mailer, majordomo, *-relay).
 * Security: the headers and envelope sender are untrusted; this file only compares them and
 * decides "no" whenever in doubt. Replying wrongly is how loops and backscatter start.
 */
import { addressesIn, type HeaderFields } from './header-fields.js';

export interface GuardUser {
  /** The user's own address (key form). */
  readonly address: string;
  /** Further addresses that count as the user's (aliases it receives through). */
  readonly extraAddresses: readonly string[];
}

export interface GuardInput {
  readonly headers: HeaderFields;
  /** The envelope sender of the delivered message; '' for the null sender. */
  readonly envelopeFrom: string;
  readonly user: GuardUser;
  readonly now: Date;
}

export type GuardResult = { readonly reply: true } | { readonly reply: false; readonly why: string };

/** Local parts of senders that are programs, not people (compared lower-case). */
const ROBOT_LOCAL_PARTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^mailer-daemon$/, 'MAILER-DAEMON'],
  [/^(listserv|majordomo|mailer|postmaster)$/, 'list or mail system program'],
  [/^owner-/, 'owner-* (list owner)'],
  [/-request$/, '*-request (list administration)'],
  [/-(bounces?|relay)$/, '*-bounces (list or relay return path)'],
  [/^bounces?([-+=._]|$)/, 'bounce-* (VERP return path)'],
  [/(^|[-_.+])(no[-_.]?reply|do[-_.]?not[-_.]?reply)([-_.+]|$)/, 'no-reply address'],
];

/** RFC 2369 and RFC 2919: any of these means a list sent it. */
const LIST_FIELDS = [
  'list-id',
  'list-unsubscribe',
  'list-post',
  'list-help',
  'list-subscribe',
  'list-owner',
  'list-archive',
];

/** Fields where the user must be named (RFC 5230 §4.5). */
const ADDRESS_FIELDS = ['to', 'cc', 'bcc', 'resent-to', 'resent-cc', 'resent-bcc'];

const no = (why: string): GuardResult => ({ reply: false, why });

export function shouldReply(input: GuardInput): GuardResult {
  const { headers } = input;
  const sender = input.envelopeFrom.replace(/^<|>$/g, '').trim().toLowerCase();
  if (sender === '') return no('null sender');
  const local = sender.slice(0, sender.lastIndexOf('@') >= 0 ? sender.lastIndexOf('@') : undefined);
  for (const [pattern, what] of ROBOT_LOCAL_PARTS) {
    if (pattern.test(local)) return no(`sender is a program: ${what}`);
  }
  const mine = new Set([input.user.address, ...input.user.extraAddresses].map((a) => a.toLowerCase()));
  if (mine.has(sender)) return no('sender is the user');

  for (const value of headers.get('auto-submitted') ?? []) {
    const kind = value.split(';')[0]?.trim().toLowerCase();
    if (kind !== 'no') return no(`Auto-Submitted: ${kind}`);
  }
  for (const value of headers.get('precedence') ?? []) {
    const p = value.trim().toLowerCase();
    if (p === 'bulk' || p === 'list' || p === 'junk' || p === 'auto_reply') return no(`Precedence: ${p}`);
  }
  for (const name of LIST_FIELDS) {
    if (headers.has(name)) return no(`mailing list (${name} present)`);
  }
  // Microsoft's way of saying "no out-of-office replies to this".
  for (const value of headers.get('x-auto-response-suppress') ?? []) {
    if (/\b(all|oof|autoreply)\b/i.test(value)) return no('X-Auto-Response-Suppress');
  }
  for (const value of headers.get('x-loop') ?? []) {
    const named = addressesIn(value).concat(value.trim().toLowerCase());
    if (named.some((a) => mine.has(a))) return no('X-Loop names this user');
  }

  const named = ADDRESS_FIELDS.flatMap((f) => (headers.get(f) ?? []).flatMap(addressesIn));
  if (!named.some((a) => mine.has(a))) return no("the user's address is not in To, Cc or Bcc");
  return { reply: true };
}
