/**
 * Plain words per bounce reason, as a hosting help desk would say them: what happened,
 * whether retrying can help, what the sender should do and, where it differs, what the
 * administrator of the sending server should do. The failure notices of src/bounce print
 * the same sentences.
 */
import type { Reason } from './types.js';

export interface Advice {
  what: string;
  retry: string;
  sender: string;
  admin?: string;
}

const NO_RETRY = 'No: sending the same message again will fail the same way.';
const RETRY_LATER = 'Yes, later: the problem is expected to clear, and servers retry by themselves for a while.';
const AFTER_FIX = 'Only after the cause is fixed.';

const ADVICE: Record<Reason, Advice> = {
  userunknown: {
    what: 'The receiving server says this mailbox does not exist.',
    retry: NO_RETRY,
    sender: 'Check the address for typos, or ask the person for their current address by another channel.',
    admin: 'If the address is on a mailing list, remove it; repeated mail to unknown users hurts your reputation.',
  },
  hostunknown: {
    what: 'The domain of the address does not exist or has no mail server.',
    retry: NO_RETRY,
    sender: 'Check the part after the @ for typos; the domain may also have expired.',
  },
  hasmoved: {
    what: 'The address is no longer in use; the server says where the person can be reached now.',
    retry: NO_RETRY,
    sender: 'Send to the new address given in the error text and update your address book.',
  },
  mailboxfull: {
    what: "The recipient's mailbox is full.",
    retry: RETRY_LATER,
    sender:
      'Try again later, or reach the person another way so they can make room; if it keeps failing, the mailbox may be abandoned.',
  },
  mesgtoobig: {
    what: 'The message is larger than the receiving server accepts.',
    retry: AFTER_FIX,
    sender: 'Send the attachments as a download link, or split them over several smaller messages.',
  },
  exceedlimit: {
    what: "The message is larger than this recipient's own size limit.",
    retry: AFTER_FIX,
    sender: 'Send a smaller message, or the attachment as a download link.',
  },
  suspend: {
    what: "The recipient's mailbox exists but has been disabled or suspended.",
    retry: 'Not until the account is reactivated.',
    sender: 'Reach the person another way; the account may be closed for good.',
  },
  notaccept: {
    what: 'The receiving domain does not accept mail at all, or its server is not accepting mail right now.',
    retry: 'Only if the domain starts accepting mail again (a null MX means never).',
    sender: 'Check the address; a domain that publishes "no mail" cannot receive messages.',
  },
  rejected: {
    what: 'The receiving server refused the sender address (the envelope MAIL FROM) or its domain.',
    retry: AFTER_FIX,
    sender: 'Send from your normal address through your own provider; check that your address is written correctly.',
    admin:
      'Make sure the envelope sender domain exists in DNS and is not on a blocklist, and that bounces and auto-replies use a valid return path.',
  },
  blocked: {
    what: 'The receiving server refused the sending server itself: its IP address, host name or HELO name.',
    retry: AFTER_FIX,
    sender: 'This is not about your message: tell your mail provider, and send through their server in the meantime.',
    admin:
      'Look the sending IP up on the blocklist named in the error, remove the cause (open relay, compromised account, dynamic IP), then request delisting.',
  },
  requireptr: {
    what: 'The receiving server refused the sending server because its IP address has no matching reverse DNS name.',
    retry: AFTER_FIX,
    sender: 'Tell your mail provider; the fix is on their side.',
    admin:
      "Set a PTR record for the sending IP that names the server, and make that name resolve back to the same IP (ask the IP's owner).",
  },
  badreputation: {
    what: "The receiving server refused or throttled the message because of the sending IP's or domain's poor reputation.",
    retry: 'Maybe later, once the reputation recovers.',
    sender: 'Tell your mail provider.',
    admin:
      "Check the provider's postmaster tools, stop any unwanted mail from your network, and warm the IP up slowly.",
  },
  authfailure: {
    what: 'The message failed the SPF, DKIM or DMARC checks of the receiving server.',
    retry: AFTER_FIX,
    sender:
      "Send through your own domain's mail server, not through a third party that is not allowed to send for your domain.",
    admin:
      'Publish an SPF record that lists every server sending for the domain, sign with DKIM, and align both with the DMARC policy.',
  },
  notcompliantrfc: {
    what: 'The receiving server says the message breaks the rules for message format (RFC 5322), for example duplicate or malformed headers.',
    retry: AFTER_FIX,
    sender:
      'Send again from an ordinary mail program; the program or script that built this message makes broken headers.',
    admin: 'Fix the software that generates these messages (one From, one Date, valid header syntax).',
  },
  spamdetected: {
    what: "The receiving server's filter judged the message to be spam.",
    retry: AFTER_FIX,
    sender:
      'Rewrite the message without spam-like content (many links, shortened URLs, all-caps, attachments from strangers) or contact the recipient another way.',
    admin:
      'Check that your outgoing mail is authenticated (SPF, DKIM, DMARC) and that no account on your server sends spam.',
  },
  virusdetected: {
    what: 'The receiving server found a virus or other malware in the message.',
    retry: NO_RETRY,
    sender: 'Scan your computer and the attachment; do not send it again.',
  },
  policyviolation: {
    what: 'The message breaks a policy of the receiving side, such as forbidden attachment types or header rules.',
    retry: AFTER_FIX,
    sender: 'Read the error text for the rule it names; send without the refused attachment, or as a link.',
  },
  contenterror: {
    what: 'The receiving server refused the message because of its format or content (headers, encoding or type).',
    retry: AFTER_FIX,
    sender: 'Send again from an ordinary mail program, without unusual attachments or encodings.',
  },
  securityerror: {
    what: 'The receiving server saw a security problem: it wants SMTP authentication or encryption, or the sender looks forged.',
    retry: AFTER_FIX,
    sender:
      "Send through your own provider's server with SMTP authentication (port 587, your user name and password) and TLS.",
    admin:
      'Check that clients and auto-responders submit mail with authentication, and that the sender address belongs to the account.',
  },
  filtered: {
    what: "The message was refused by a filter on the recipient's side, for example a rule that blocks your address or domain.",
    retry: NO_RETRY,
    sender: 'Ask the recipient by another channel to allow your address.',
  },
  norelaying: {
    what: "The receiving server refused to pass the message on because it is not the recipient's own mail server and the sender did not log in.",
    retry: NO_RETRY,
    sender:
      "Send through your own provider's server with SMTP authentication (port 587); if the message was an auto-reply, make sure the auto-responder sends through the authenticated path.",
    admin:
      'Configure clients, forwarders and auto-responders to submit through the authenticated submission port, and check that the MX records of the recipient domain point at the right servers.',
  },
  toomanyconn: {
    what: 'The receiving server refused because too many connections or recipients came at once.',
    retry: RETRY_LATER,
    sender: 'Nothing to do unless it persists; send to fewer recipients at a time.',
    admin: 'Lower the concurrency and recipients per message towards this destination.',
  },
  speeding: {
    what: 'The receiving server refused because mail arrived too fast (rate limit).',
    retry: RETRY_LATER,
    sender: 'Send fewer messages per hour.',
    admin: 'Throttle outgoing mail to this destination.',
  },
  expired: {
    what: 'The message could not be delivered before the queue lifetime ran out; the sending server tried for days and gave up.',
    retry: 'Possibly: the cause was temporary, but it lasted too long.',
    sender:
      'Send the message again; if it fails again, check the address and tell the recipient their mail server seems unreachable.',
    admin: 'Look at the last error in the log for this destination (connection, DNS, TLS) and fix the cause.',
  },
  networkerror: {
    what: "The sending server could not reach the recipient's mail server (connection refused or timed out, DNS failure, routing loop).",
    retry: RETRY_LATER,
    sender: 'Try again later; if it keeps failing, tell the recipient their mail server seems unreachable.',
    admin: 'Check DNS and outbound connectivity to port 25 of the destination.',
  },
  systemerror: {
    what: 'The receiving mail system had an internal failure (misconfiguration or a back-end fault).',
    retry: RETRY_LATER,
    sender: 'Try again later; the fault is on the receiving side.',
  },
  systemfull: {
    what: "The receiving server's disk or spool is full.",
    retry: RETRY_LATER,
    sender: 'Try again later; the fault is on the receiving side.',
  },
  mailererror: {
    what: 'The local delivery program at the destination (a filter, pipe or script) failed.',
    retry: RETRY_LATER,
    sender: 'Tell the recipient by another channel; their delivery setup is broken.',
    admin: 'Look at the exit status in the error and the delivery program (procmail, sieve, pipe) for the recipient.',
  },
  syntaxerror: {
    what: 'The SMTP conversation broke: a command was refused as malformed or out of order.',
    retry: AFTER_FIX,
    sender: 'Tell your mail provider.',
    admin: 'Check the SMTP client or relay that sent this message; the transcript in the error names the command.',
  },
  onhold: {
    what: 'The message bounced, but the bounce does not say why.',
    retry: 'Unknown.',
    sender: 'Check the address and try once more; if it bounces again, ask the recipient another way.',
  },
  undefined: {
    what: 'The message bounced for a reason the bounce does not make clear.',
    retry: 'Unknown.',
    sender: 'Read the error text below; check the address and try once more.',
  },
  delivered: {
    what: 'This is a delivery report: the message was delivered.',
    retry: 'Nothing to retry.',
    sender: 'Nothing to do.',
  },
  feedback: {
    what: 'This is a complaint (feedback report): the recipient marked a message from you as spam or unwanted.',
    retry: 'Do not send to this address again unless the person asks for it.',
    sender: 'Remove the address from your lists.',
    admin: 'Unsubscribe the complaining address and check what your server or list sent.',
  },
  vacation: {
    what: 'This is an automatic reply (out of office), not a bounce: your message was delivered.',
    retry: 'Nothing to retry.',
    sender: 'Nothing to do; the person will read your message when they are back.',
  },
};

export function adviceFor(reason: Reason): Advice {
  return ADVICE[reason];
}
