/**
 * Extracts recipients from a delivery-status report (RFC 3464 §2.2 per-message fields,
 * §2.3 per-recipient fields; RFC 6533 §3 message/global-delivery-status).
 *
 * Security: the report is untrusted text; fields are only read as strings, never trusted to
 * be well formed (a missing Status or a Diagnostic-Code without a type is normal in the wild).
 */

import { decodeWords, field, splitHeaders } from '../mime.js';
import type { RawRecipient } from '../types.js';
import { collapseSpace } from '../white-space.js';

export interface DeliveryStatus {
  reportingMta?: string;
  recipients: RawRecipient[];
}

/** Strips the address-type ("rfc822;") and the angle brackets of a recipient field. */
export function fieldAddress(v: string): string {
  const noType = v.includes(';') ? v.slice(v.indexOf(';') + 1) : v;
  const m = /<?([^\s<>;"]+@[^\s<>;"]+)>?/.exec(decodeWords(noType));
  return (m?.[1] ?? noType.trim()).replace(/[.,:]$/, '');
}

/** Strips the type ("smtp;", "dns;") of a diagnostic or MTA field. */
function untyped(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*[\w-]+\s*;\s*/.exec(v);
  return (m ? v.slice(m[0].length) : v).trim();
}

export function parseDeliveryStatus(body: string): DeliveryStatus {
  const blocks = body.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/);
  const out: DeliveryStatus = { recipients: [] };
  let lastRemote: string | undefined;
  for (const block of blocks) {
    if (!block.trim()) continue;
    const { headers: h } = splitHeaders(`${block.replace(/^\s*\n/, '')}\n\n`, true);
    if (field(h, 'reporting-mta')) out.reportingMta = untyped(field(h, 'reporting-mta'));
    const rcpt = field(h, 'final-recipient') ?? field(h, 'original-recipient') ?? field(h, 'x-actual-recipient');
    if (!rcpt) {
      // Some MTAs put Remote-MTA in the per-message block.
      if (field(h, 'remote-mta')) lastRemote = untyped(field(h, 'remote-mta'));
      continue;
    }
    const status = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(field(h, 'status') ?? '')?.[1];
    // A real diagnostic is a few lines; a hostile one is cut before anything scans it.
    const diag = (untyped(field(h, 'diagnostic-code')) ?? '').slice(0, 4000);
    const r: RawRecipient = { address: fieldAddress(rcpt), diagnostic: collapseSpace(diag) };
    if (status) r.status = status;
    // RFC 3464 §2.3.6: an "X-Unix" diagnostic is a local delivery program's exit status and output:
    // a mailer error, unless the output names the cause ("Quota exceeded" is a full mailbox; the
    // classifier lets such words win over a hint).
    if (/^\s*x-unix\s*;/i.test(field(h, 'diagnostic-code') ?? '')) r.hint = 'mailererror';
    const action = field(h, 'action')?.trim().toLowerCase();
    if (action) r.action = action;
    const remote = untyped(field(h, 'remote-mta')) ?? lastRemote;
    if (remote) r.remoteMta = remote;
    out.recipients.push(r);
  }
  return out;
}
