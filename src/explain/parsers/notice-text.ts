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
  /^\s*(?:message headers follow|original message follows|original message(?: headers?)?:?)\.?\s*$/i,
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

/** A bounce's text cut where the quoted original begins. */
export interface NoticeSplit {
  /** The bounce's own words. */
  notice: string;
  /** The quoted original, when a marker line or its header block cut the text (not the line bound). */
  copy?: string;
}

/** Cuts the notice at the start of the quoted original message. */
export function splitNotice(text: string): NoticeSplit {
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
      if (nl < 0) return { notice: text };
      start = nl + 1;
      continue;
    }
    const line = text.slice(start, end);
    const before = text.slice(0, Math.max(0, start - 1));
    if (ORIGINAL_START.test(line)) return { notice: before, copy: nl < 0 ? '' : text.slice(nl + 1) };
    // A header block of the original (Return-Path/Received at line start) after some text.
    if (i > 2 && /^(?:Return-Path|Received|DKIM-Signature|Message-ID):/i.test(line)) {
      const after = nl < 0 ? -1 : text.indexOf('\n', nl + 1);
      const next = nl < 0 ? '' : text.slice(nl + 1, after < 0 ? text.length : after);
      if (/^(?:\s|[\w-]+:)/.test(next)) return { notice: before, copy: text.slice(start) };
    }
    if (nl < 0) return { notice: text };
    start = nl + 1;
  }
  return { notice: text.slice(0, Math.max(0, start - 1)) };
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
  // Plain loops over arrays made by split and push (here and in the callers): an array made by
  // map or filter gets another hidden class once the code that makes it is optimised, and each
  // new one deoptimises the code that reads it, for dozens of passes in a long batch.
  const lines = notice.split('\n', MAX_LINES);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.length > MAX_LINE) lines[i] = l.slice(0, MAX_LINE);
  }
  const found: FoundAddress[] = [];
  const knownLc = opts.known ? lowerCased(opts.known) : undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    // Transcript lines (">>> RCPT TO:<x>") name the recipient but carry the command, not the error.
    if (!line.includes('@') || /^\s*>>>/.test(line)) continue;
    const lead = addressLead(line);
    if (!lead) continue;
    const lc = lead.address.toLowerCase();
    if (!wanted(lc, opts.exclude, knownLc) || foundWithin(found, lc, i, 2)) continue;
    found.push({ address: lead.address, line: i, rest: lead.rest });
  }
  if (found.length === 0) {
    // "... to the following recipient: x@y", "Delivery failed 20 attempts: x@y": an address inside a sentence.
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (!line.includes('@')) continue;
      for (const m of findAddresses(line)) {
        const a = m.address.replace(/^["']|[.]$/g, '');
        const lc = a.toLowerCase();
        if (!wanted(lc, opts.exclude, knownLc) || foundWithin(found, lc, i, Number.POSITIVE_INFINITY)) continue;
        found.push({ address: a, line: i, rest: line.slice(m.index + m.address.length) });
      }
    }
  }
  const out: RawRecipient[] = [];
  const seen = new Map<string, RawRecipient>();
  for (let k = 0; k < found.length; k++) {
    const f = found[k] as FoundAddress;
    const next = found[k + 1]?.line ?? lines.length;
    const diagnostic = collapseSpace(blockBelow(f, lines, next)).trim();
    const lc = f.address.toLowerCase();
    const prev = seen.get(lc);
    // The same address twice (a notice in two languages): keep the longer explanation.
    if (prev) {
      if (diagnostic.length > prev.diagnostic.length && codeIn(diagnostic)) prev.diagnostic = diagnostic;
      continue;
    }
    const r: RawRecipient = { address: f.address, diagnostic };
    seen.set(lc, r);
    out.push(r);
  }
  return out;
}

interface FoundAddress {
  address: string;
  line: number;
  rest: string;
}

/** Not excluded, not a system address, and one of the known recipients when they are known. */
function wanted(lc: string, exclude: Set<string>, knownLc: string[] | undefined): boolean {
  if (exclude.has(lc) || isSystemAddress(lc)) return false;
  return !knownLc || knownLc.includes(lc);
}

/** Whether the address was found already, at most `lines` lines above line `at`. */
function foundWithin(found: FoundAddress[], lc: string, at: number, lines: number): boolean {
  for (const f of found) if (f.address.toLowerCase() === lc && at - f.line <= lines) return true;
  return false;
}

/** The words after an address and on the lines below it, up to the next address or a blank line after text. */
function blockBelow(f: FoundAddress, lines: string[], next: number): string {
  let block = f.rest.replace(/^[\s:>.]+/, '');
  let text = block.trim() !== '';
  for (let i = f.line + 1; i < next && i < f.line + 12; i++) {
    const line = (lines[i] ?? '').trim();
    // A rule of "=" or "-" separates sections: what follows is not about this address.
    if (SEPARATOR.test(line)) break;
    if (!line) {
      if (text) break;
      continue;
    }
    block += ` ${line}`;
    text = true;
  }
  return block;
}

const SEPARATOR = /^[-=_*#~]{5,}$/;

function lowerCased(list: string[]): string[] {
  const out: string[] = [];
  for (const a of list) out.push(a.toLowerCase());
  return out;
}

function codeIn(s: string): boolean {
  return /\b[245]\d\d\b/.test(s);
}

/** Every address in a text, lower-cased. */
export function addressesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of findAddresses(text)) out.push(m.address.toLowerCase());
  return out;
}
