/**
 * BounceReport: what src/explain says about a message that came back (DESIGN.md "Core types").
 *
 * Reason names follow the sisimai vocabulary (test/fixtures/bounce-corpus/REASONS.md) so that
 * results compare with it; the meanings and the rules that pick them are our own.
 */

export const REASONS = [
  'userunknown',
  'hostunknown',
  'hasmoved',
  'mailboxfull',
  'mesgtoobig',
  'exceedlimit',
  'suspend',
  'notaccept',
  'rejected',
  'blocked',
  'requireptr',
  'badreputation',
  'authfailure',
  'notcompliantrfc',
  'spamdetected',
  'virusdetected',
  'policyviolation',
  'contenterror',
  'securityerror',
  'filtered',
  'norelaying',
  'toomanyconn',
  'speeding',
  'expired',
  'networkerror',
  'systemerror',
  'systemfull',
  'mailererror',
  'syntaxerror',
  'onhold',
  'undefined',
  'delivered',
  'feedback',
  'vacation',
] as const;

export type Reason = (typeof REASONS)[number];

export type ReportKind = 'bounce' | 'feedback' | 'vacation' | 'delivered';

export interface BouncedRecipient {
  address: string;
  /** RFC 3463 enhanced status ("5.1.1"); "" for feedback and vacation. */
  status: string;
  /** SMTP reply code as text ("550"); "" when none was found. */
  replyCode: string;
  reason: Reason;
  /** Permanent: retrying the same address will not help. */
  hard: boolean;
  diagnostic: string;
  remoteMta?: string;
  /** The SMTP command after which the remote refused (MAIL, RCPT, DATA...). */
  command?: string;
  /** RFC 3464 Action field (failed, delayed, delivered...). */
  action?: string;
  /** Which extractor understood the message (rfc3464, exim, qmail...). */
  parser: string;
  /** ARF Feedback-Type (RFC 5965 §3.1) for kind "feedback". */
  feedbackType?: string;
}

export interface OriginalHeaders {
  messageId?: string;
  subject?: string;
  from?: string;
  to?: string;
}

export interface BounceReport {
  kind: ReportKind;
  recipients: BouncedRecipient[];
  /** Reporting MTA or the sending software, when the bounce names it. */
  mta?: string;
  original?: OriginalHeaders;
}

/** A recipient as an extractor found it, before classification. */
export interface RawRecipient {
  address: string;
  status?: string;
  replyCode?: string;
  diagnostic: string;
  remoteMta?: string;
  command?: string;
  action?: string;
  /**
   * A reason the format itself states (a service's own error code, an X-Unix diagnostic): the
   * classifier takes it when the recipient's own diagnostic names no cause, and the words otherwise.
   */
  hint?: Reason;
}
