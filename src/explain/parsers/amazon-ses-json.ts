/**
 * Amazon SES notifications in JSON (bounce, complaint and delivery notifications, directly
 * or inside an SNS "Message" string), which some senders forward by mail instead of a DSN.
 * Field names as documented for SES notifications: notificationType/eventType, bounce.
 * bouncedRecipients[].{emailAddress,status,diagnosticCode,action}, complaint.complainedRecipients,
 * complaint.complaintFeedbackType, delivery.recipients, delivery.smtpResponse.
 *
 * Security: untrusted JSON; parsed with JSON.parse only, read defensively, size-bounded.
 */
import type { RawRecipient, Reason } from '../types.js';

export type SesNotice =
  | { kind: 'bounce'; recipients: RawRecipient[]; reportingMta?: string }
  | { kind: 'feedback'; recipients: string[]; feedbackType: string }
  | { kind: 'delivered'; recipients: RawRecipient[] };

const MAX_JSON = 1 << 20;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** SES bounce sub-types that name the cause when the diagnostic does not. */
const SUBTYPE: Record<string, Reason> = {
  NoEmail: 'userunknown',
  MailboxFull: 'mailboxfull',
  MessageTooLarge: 'mesgtoobig',
  ContentRejected: 'policyviolation',
  AttachmentRejected: 'policyviolation',
};

export function findSesNotice(text: string): SesNotice | null {
  if (!text.includes('Type"') || text.length > MAX_JSON) return null;
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  let doc: Json;
  try {
    doc = obj(JSON.parse(text.slice(start, end + 1)));
  } catch {
    return null;
  }
  // An SNS envelope carries the SES notification as a JSON string.
  if (typeof doc.Message === 'string') {
    try {
      doc = obj(JSON.parse(doc.Message));
    } catch {
      return null;
    }
  }
  const type = str(doc.notificationType) || str(doc.eventType);
  if (type === 'Bounce') {
    const b = obj(doc.bounce);
    const hint = SUBTYPE[str(b.bounceSubType)];
    // Arrays built with push, as the parser's others (see recipientsFromNotice).
    const recipients: RawRecipient[] = [];
    for (const x of arr(b.bouncedRecipients)) {
      const r = obj(x);
      const raw: RawRecipient = {
        address: str(r.emailAddress),
        diagnostic: str(r.diagnosticCode).replace(/^\s*smtp;\s*/i, ''),
      };
      if (/^[245]\.\d{1,3}\.\d{1,3}$/.test(str(r.status))) raw.status = str(r.status);
      if (str(r.action)) raw.action = str(r.action).toLowerCase();
      if (!raw.diagnostic && hint) raw.hint = hint;
      recipients.push(raw);
    }
    const mta = str(b.reportingMTA).replace(/^\s*dns;\s*/i, '');
    return mta ? { kind: 'bounce', recipients, reportingMta: mta } : { kind: 'bounce', recipients };
  }
  if (type === 'Complaint') {
    const c = obj(doc.complaint);
    const recipients: string[] = [];
    for (const x of arr(c.complainedRecipients)) recipients.push(str(obj(x).emailAddress));
    return { kind: 'feedback', recipients, feedbackType: str(c.complaintFeedbackType) || 'abuse' };
  }
  if (type === 'Delivery') {
    const d = obj(doc.delivery);
    const response = str(d.smtpResponse);
    const recipients: RawRecipient[] = [];
    for (const a of arr(d.recipients)) recipients.push({ address: str(a), diagnostic: response, action: 'delivered' });
    return { kind: 'delivered', recipients };
  }
  return null;
}
