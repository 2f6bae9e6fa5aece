/**
 * What a few large receivers mean that their words do not say. Each fact comes from the
 * provider's own documentation or from its replies seen in real bounces, and applies to
 * every bounce from that provider, not to one message.
 */
import type { Reason } from '../types.js';

export interface ProviderCode {
  /** The provider's code number, as it appears after "OFR_" or "OFRnnn_". */
  code: string;
  reason: Reason;
  /**
   * A reply in the form the provider sends: its real wording where a bounce showed it (the
   * comment above the entry quotes it), else the documented code in that form.
   */
  example: string;
}

/**
 * Orange (orange.fr, wanadoo.fr) ends its bilingual replies with a code, OFR_nnn or
 * OFRxxx_nnn, and documents the meaning of nnn on postmaster.orange.fr. Only consulted when
 * the words match no text rule: "Mail rejete. Mail rejected." says nothing else.
 */
export const ORANGE_CODES: ProviderCode[] = [
  // 421 mwinf5c10 ME Trop de connexions, veuillez verifier votre configuration. Too many connections, slow down. OFR004_104 [104]
  { code: '104', reason: 'toomanyconn', example: '421 mwinf5c10 ME OFR004_104 [104]' },
  // Orange: the sending IP has no reverse DNS (PTR).
  { code: '107', reason: 'requireptr', example: '550 5.7.1 mwinf5c10 ME OFR_107 [107]' },
  // Orange: too many messages in one connection.
  { code: '109', reason: 'toomanyconn', example: '421 mwinf5c10 ME OFR_109 [109]' },
  // Orange: SPF failed (397 and 398).
  { code: '397', reason: 'authfailure', example: '550 5.7.1 mwinf5c10 ME OFR_397 [397]' },
  { code: '398', reason: 'authfailure', example: '550 5.7.1 mwinf5c10 ME OFR_398 [398]' },
  // Orange: DMARC failed.
  { code: '515', reason: 'authfailure', example: '550 5.7.1 mwinf5c10 ME OFR_515 [515]' },
  // Orange: no DKIM signature.
  { code: '535', reason: 'authfailure', example: '550 5.7.1 mwinf5c10 ME OFR_535 [535]' },
  // 550 5.2.0 Mail rejete. Mail rejected. OFR_506 [506]   (Orange: suspected spam; 536 likewise)
  { code: '506', reason: 'spamdetected', example: '550 5.2.0 Mail rejete. Mail rejected. OFR_506 [506]' },
  { code: '536', reason: 'spamdetected', example: '550 5.2.0 Mail rejete. Mail rejected. OFR_536 [536]' },
  // Orange: limited because of the sending IP's reputation (988 to 990).
  { code: '988', reason: 'badreputation', example: '421 mwinf5c10 ME OFR_988 [988]' },
  { code: '989', reason: 'badreputation', example: '421 mwinf5c10 ME OFR_989 [989]' },
  { code: '990', reason: 'badreputation', example: '421 mwinf5c10 ME OFR_990 [990]' },
  // 421 mwinf5c77 ME Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR_999 [999]
  // (Orange: the IP is suspended for a while after earlier breaches.)
  { code: '999', reason: 'blocked', example: '421 mwinf5c77 ME OFR_999 [999]' },
];

const ORANGE = new Map(ORANGE_CODES.map((c) => [c.code, c.reason]));
const ORANGE_CODE = /\bOFR\d*_(\d{3})\b/i;

/** The reason a provider's own code in the reply stands for, if it is one we know. */
export function reasonFromProviderCode(text: string): Reason | undefined {
  const m = ORANGE_CODE.exec(text);
  return m ? ORANGE.get(m[1] ?? '') : undefined;
}

/**
 * Amazon SES receiving (inbound-smtp.<region>.amazonaws.com) keeps no mailboxes: a DSN it
 * reports is the Bounce action of the domain owner's receipt rule, run after the message was
 * accepted, with whatever code and text the owner chose ("550 5.1.1 Mailbox does not exist"
 * is the console's default). A recipient-side filter, not a directory lookup.
 */
export function isReceiptRuleBounce(reportingMta: string | undefined): boolean {
  return reportingMta !== undefined && /^inbound-smtp\.[a-z0-9-]+\.amazonaws\.com$/i.test(reportingMta.trim());
}

/**
 * The SMTP step a reply's own shape gives away when the bounce does not name it.
 * EZweb (au, KDDI) accepts every RCPT and answers the end of DATA with "550 : User unknown"
 * when the recipient's receive filter refuses the sender: no address, as no single recipient
 * is in scope there. Its RCPT reply names the address ("550 <x@ezweb.ne.jp>: User unknown").
 *   ... while talking to lsean.ezweb.ne.jp.:
 *   >>> DATA
 *   <<< 550 : User unknown
 */
export function stepFromReplyShape(text: string): string | undefined {
  return /(?:^|\s)5\d\d : user unknown\b/i.test(text) ? 'DATA' : undefined;
}
