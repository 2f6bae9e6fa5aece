/**
 * Reasons by enhanced status code (RFC 3463 §3, RFC 7372, RFC 7505 §4.2), used when the
 * diagnostic text says nothing more specific. Keys ignore the class digit: "1.1" is
 * 4.1.1 and 5.1.1 alike. Each entry names a real reply carrying that code.
 */
import type { Reason } from '../types.js';

export interface StatusRule {
  /** subject.detail, e.g. "1.1". */
  code: string;
  reason: Reason;
  example: string;
}

export const statusRules: StatusRule[] = [
  { code: '1.1', reason: 'userunknown', example: '550 5.1.1 <neko@example.jp>: Recipient address rejected' },
  { code: '1.2', reason: 'hostunknown', example: '550 5.1.2 <neko@example.invalid>: bad destination system address' },
  { code: '1.3', reason: 'userunknown', example: '501 5.1.3 Bad recipient address syntax' },
  { code: '1.4', reason: 'userunknown', example: '550 5.1.4 Destination mailbox address ambiguous' },
  { code: '1.5', reason: 'userunknown', example: '550 5.1.5 Destination mailbox address invalid' },
  { code: '1.6', reason: 'hasmoved', example: '551 5.1.6 Mailbox has moved' },
  { code: '1.7', reason: 'rejected', example: '553 5.1.7 Bad sender mailbox address syntax' },
  { code: '1.8', reason: 'rejected', example: '501 5.1.8 Bad sender system address' },
  {
    code: '1.10',
    reason: 'userunknown',
    example: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
  },
  { code: '2.1', reason: 'suspend', example: '550 5.2.1 Mailbox disabled, not accepting messages' },
  { code: '2.2', reason: 'mailboxfull', example: '552 5.2.2 Mailbox full' },
  { code: '2.3', reason: 'exceedlimit', example: '552 5.2.3 Message length exceeds administrative limit' },
  { code: '2.4', reason: 'systemerror', example: '550 5.2.4 Mailing list expansion problem' },
  { code: '3.1', reason: 'systemfull', example: '452 4.3.1 Insufficient system storage' },
  { code: '3.2', reason: 'notaccept', example: '521 5.3.2 System not accepting network messages' },
  { code: '3.4', reason: 'mesgtoobig', example: '552 5.3.4 Message too big for system' },
  { code: '3.5', reason: 'systemerror', example: '554 5.3.5 System incorrectly configured' },
  { code: '4.1', reason: 'networkerror', example: '421 4.4.1 No answer from host' },
  { code: '4.2', reason: 'networkerror', example: '421 4.4.2 Bad connection' },
  { code: '4.3', reason: 'systemerror', example: '451 4.4.3 Directory server failure' },
  { code: '4.4', reason: 'hostunknown', example: '554 5.4.4 Unable to route' },
  { code: '4.5', reason: 'systemfull', example: '452 4.4.5 Mail system congestion' },
  { code: '4.6', reason: 'networkerror', example: '554 5.4.6 Routing loop detected' },
  { code: '4.7', reason: 'expired', example: '451 4.4.7 Delivery time expired' },
  { code: '5.3', reason: 'toomanyconn', example: '452 4.5.3 Too many recipients' },
  { code: '5.0', reason: 'syntaxerror', example: '503 5.5.0 Bad sequence of commands' },
  { code: '5.1', reason: 'syntaxerror', example: '500 5.5.1 Invalid command' },
  { code: '5.2', reason: 'syntaxerror', example: '501 5.5.2 Syntax error' },
  { code: '6.0', reason: 'contenterror', example: '550 5.6.0 Other or undefined media error' },
  { code: '6.1', reason: 'contenterror', example: '554 5.6.1 Media not supported' },
  { code: '6.3', reason: 'contenterror', example: '554 5.6.3 Conversion required and prohibited' },
  { code: '7.1', reason: 'securityerror', example: '550 5.7.1 Delivery not authorized, message refused' },
  { code: '7.2', reason: 'securityerror', example: '550 5.7.2 Mailing list expansion prohibited' },
  { code: '7.3', reason: 'securityerror', example: '554 5.7.3 Security conversion required but not possible' },
  { code: '7.4', reason: 'securityerror', example: '504 5.7.4 Security features not supported' },
  { code: '7.5', reason: 'securityerror', example: '554 5.7.5 Cryptographic failure' },
  { code: '7.6', reason: 'securityerror', example: '554 5.7.6 Cryptographic algorithm not supported' },
  { code: '7.7', reason: 'securityerror', example: '554 5.7.7 Message integrity failure' },
  { code: '7.8', reason: 'securityerror', example: '535 5.7.8 Authentication credentials invalid' },
  { code: '7.9', reason: 'policyviolation', example: '554 5.7.9 Message not accepted for policy reasons' },
  { code: '7.13', reason: 'suspend', example: '525 5.7.13 User account disabled' },
  { code: '7.14', reason: 'securityerror', example: '535 5.7.14 Trust relationship required' },
  { code: '7.17', reason: 'suspend', example: '550 5.7.17 Mailbox owner has changed' },
  { code: '7.18', reason: 'suspend', example: '550 5.7.18 Domain owner has changed' },
  { code: '7.20', reason: 'authfailure', example: '550 5.7.20 No passing DKIM signature found' },
  { code: '7.21', reason: 'authfailure', example: '550 5.7.21 No acceptable DKIM signature found' },
  { code: '7.22', reason: 'authfailure', example: '550 5.7.22 No valid author-matched DKIM signature found' },
  { code: '7.23', reason: 'authfailure', example: '550 5.7.23 SPF validation failed' },
  { code: '7.24', reason: 'authfailure', example: '451 4.7.24 SPF validation error' },
  { code: '7.25', reason: 'requireptr', example: '550 5.7.25 Reverse DNS validation failed' },
  { code: '7.26', reason: 'authfailure', example: '550 5.7.26 Multiple authentication checks failed' },
  { code: '7.27', reason: 'notaccept', example: '550 5.7.27 Sender address has null MX' },
  { code: '7.28', reason: 'speeding', example: '550 5.7.28 Mail flood detected' },
];

export const STATUS_REASON = new Map(statusRules.map((r) => [r.code, r.reason]));
