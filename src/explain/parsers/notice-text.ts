/**
 * Finds failed recipients and their error text in the human-readable part of a bounce:
 * the plain-text notices of Exim, qmail, Sendmail transcripts, Exchange, Notes, webmail
 * services and the rest, which share a shape even where the wording differs: an address
 * on a line of its own (or after "to"), then the remote server's words below it.
 *
 * Security: untrusted text; only bounded regular expressions without nested quantifiers,
 * at most MAX_LINES lines scanned.
 */

import type { RawRecipient } from '../types.js';
import { collapseSpace, isWhiteSpace } from '../white-space.js';
import { findAddresses } from './address-scan.js';

const MAX_LINES = 600;
const MAX_LINE = 1000;

/** Lines where the copy of the original message begins; the notice is what comes before. */
const ORIGINAL_STARTS = [
  /^\s*-{2,}.*(?:copy of the (?:original )?message|original message|unsent message|returned message|message text follows|message headers follow|rfc822|undelivered message|headers of (?:the )?original)/i,
  /^\s*-{2,}\s*(?:below this line|original message follows)/i,
  /^\s*(?:message headers follow|original message follows|original message headers?:?)\.?\s*$/i,
  /^\s*\|?-+\s*message text follows/i,
  /^-+ ?(?:元のメッセージ|original)/i,
];

const ORIGINAL_START = new RegExp(ORIGINAL_STARTS.map((re) => `(?:${re.source})`).join('|'), 'i');

/** First characters (lower case) of ORIGINAL_STARTS lines after their white space: - | m o. */
const MARKER_LEAD = new Set([45, 124, 109, 111]);
/** First characters (lower case) of Return-Path, Received, DKIM-Signature, Message-ID. */
const HEADER_LEAD = new Set([114, 100, 109]);

/** The first character of text[from, to) that is not white space (as \s sees it), lower-cased; -1 if none. */
function leadingChar(text: string, from: number, to: number): number {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (isWhiteSpace(c)) continue;
    return c >= 65 && c <= 90 ? c | 0x20 : c;
  }
  return -1;
}

/** Cuts the notice at the start of the quoted original message. */
export function noticeOnly(text: string): string {
  // Line by line without splitting: the cut is one slice of the text (what joining the lines
  // before it with "\n" would give).
  let start = 0;
  for (let i = 0; i < MAX_LINES && start <= text.length; i++) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    // Only a line that starts (after white space) with "-", "|", "m" or "o" can be a marker, and
    // only one that starts with "r", "d" or "m" a header: most lines are neither, and are not sliced.
    const lead = leadingChar(text, start, end);
    if (!MARKER_LEAD.has(lead) && !(i > 2 && HEADER_LEAD.has(text.charCodeAt(start) | 0x20))) {
      if (nl < 0) return text;
      start = nl + 1;
      continue;
    }
    const line = text.slice(start, end);
    if (ORIGINAL_START.test(line)) return text.slice(0, Math.max(0, start - 1));
    // A header block of the original (Return-Path/Received at line start) after some text.
    if (i > 2 && /^(?:Return-Path|Received|DKIM-Signature|Message-ID):/i.test(line)) {
      const after = nl < 0 ? -1 : text.indexOf('\n', nl + 1);
      const next = nl < 0 ? '' : text.slice(nl + 1, after < 0 ? text.length : after);
      if (/^(?:\s|[\w-]+:)/.test(next)) return text.slice(0, Math.max(0, start - 1));
    }
    if (nl < 0) return text;
    start = nl + 1;
  }
  return text.slice(0, Math.max(0, start - 1));
}

/** Is this line about one address only: the address first, maybe in <>, then ":" "..." or words? */
function addressLead(line: string): { address: string; rest: string } | null {
  const m =
    /^\s*(?:(?:RCPT TO|Recipient(?: address)?|Original-Recipient|Failed Recipient|Address)\s*:\s*)?(?:"[^"]*"\s*)?<?([^\s<>()"]+@[^\s<>()":,;\][]+)>?(.*)$/i.exec(
      line,
    );
  if (!m || findAddresses(m[1] ?? '').length === 0) return null;
  return { address: (m[1] ?? '').replace(/\.+$/, ''), rest: m[2] ?? '' };
}

/** Addresses that are never the failed recipient. */
function isSystemAddress(a: string): boolean {
  return /^(?:mailer-daemon|postmaster|noreply|no-reply|abuse)@/i.test(a);
}

export interface NoticeOptions {
  /** Addresses known not to be recipients (the original sender, the bounce's own To). */
  exclude: Set<string>;
  /** Known recipients (X-Failed-Recipients, DSN) to look for; when given, only these are reported. */
  known?: string[];
}

/** One record per failed recipient found in the notice text. */
export function recipientsFromNotice(notice: string, opts: NoticeOptions): RawRecipient[] {
  // Long lines are cut: an address or an error never needs more, and it bounds the scans.
  const lines = notice
    .split('\n')
    .slice(0, MAX_LINES)
    .map((l) => (l.length > MAX_LINE ? l.slice(0, MAX_LINE) : l));
  const found: Array<{ address: string; line: number; rest: string }> = [];
  const knownLc = opts.known?.map((a) => a.toLowerCase());
  lines.forEach((line, i) => {
    // Transcript lines (">>> RCPT TO:<x>") name the recipient but carry the command, not the error.
    if (!line.includes('@') || /^\s*>>>/.test(line)) return;
    const lead = addressLead(line);
    if (!lead) return;
    const lc = lead.address.toLowerCase();
    if (opts.exclude.has(lc) || isSystemAddress(lc)) return;
    if (knownLc && !knownLc.includes(lc)) return;
    if (found.some((f) => f.address.toLowerCase() === lc && i - f.line <= 2)) return;
    found.push({ address: lead.address, line: i, rest: lead.rest });
  });
  if (found.length === 0) {
    // "... to the following recipient: x@y", "Delivery failed 20 attempts: x@y": an address inside a sentence.
    lines.forEach((line, i) => {
      if (!line.includes('@')) return;
      for (const m of findAddresses(line)) {
        const a = m.address.replace(/^["']|[.]$/g, '');
        const lc = a.toLowerCase();
        if (opts.exclude.has(lc) || isSystemAddress(lc)) continue;
        if (knownLc && !knownLc.includes(lc)) continue;
        if (found.some((f) => f.address.toLowerCase() === lc)) continue;
        found.push({ address: a, line: i, rest: line.slice(m.index + m.address.length) });
      }
    });
  }
  const out: RawRecipient[] = [];
  const seen = new Map<string, RawRecipient>();
  found.forEach((f, k) => {
    const next = found[k + 1]?.line ?? lines.length;
    const block: string[] = [f.rest.replace(/^[\s:>.]+/, '')];
    for (let i = f.line + 1; i < next && i < f.line + 12; i++) {
      const line = lines[i] ?? '';
      if (!line.trim()) {
        if (block.join('').trim()) break;
        continue;
      }
      block.push(line.trim());
    }
    const diagnostic = collapseSpace(block.join(' ')).trim();
    const lc = f.address.toLowerCase();
    const prev = seen.get(lc);
    // The same address twice (a notice in two languages): keep the longer explanation.
    if (prev) {
      if (diagnostic.length > prev.diagnostic.length && codeIn(diagnostic)) prev.diagnostic = diagnostic;
      return;
    }
    const r: RawRecipient = { address: f.address, diagnostic };
    seen.set(lc, r);
    out.push(r);
  });
  return out;
}

function codeIn(s: string): boolean {
  return /\b[245]\d\d\b/.test(s);
}

/** Every address in a text, lower-cased. */
export function addressesIn(text: string): string[] {
  return findAddresses(text).map((m) => m.address.toLowerCase());
}
