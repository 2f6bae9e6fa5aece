/**
 * Rules about the message itself: spam, viruses, size, format and the receiver's policies.
 * RFC 3463 §3.4 (X.3.4 too big), §3.7 (X.6.X media), §3.8 (X.7.X security or policy).
 */
import type { TextRule } from './rule.js';

export const contentRules: TextRule[] = [
  // 554 5.7.1 Message rejected: virus found (Eicar-Test-Signature)
  // 552 5.7.0 This message was blocked because its content presents a potential security issue.
  //   (Gmail: an attachment or link that may carry malware; support.google.com/mail/answer/6590)
  {
    reason: 'virusdetected',
    example: '554 5.7.1 Message rejected: virus found (Eicar-Test-Signature)',
    text: /\bvirus|malware|infected|trojan|\bworm\b|malicious (?:content|attachment|payload)|eicar|content presents a potential security issue/,
  },
  // 553-Message filtered. Please see the FAQs section on spam
  // 554 5.7.1 Message rejected as spam by Content Filtering.
  {
    reason: 'spamdetected',
    example: '553-Message filtered. Please see the FAQs section on spam',
    text: /\bspam\b(?! ?(?:house|cop))|junk mail|unsolicited|bulk (?:mail|e-?mail)|(?:message|content|mail) (?:looks|appears|was classified|classified|detected|considered) (?:like |as |to be )?(?:spam|junk)|spam score|spamassassin|spam content|probable spam|suspected spam|scored (?:too high|as)|high probability of spam|message content rejected|content filter rejection|rejected by content filter|(?:message|mail) (?:has been )?(?:rejected|blocked) (?:as|because of) (?:content|spam)/,
  },
  // 552 5.3.4 Message size exceeds fixed maximum message size
  {
    reason: 'mesgtoobig',
    example: '552 5.3.4 Message size exceeds fixed maximum message size',
    text: /message (?:size|length) (?:exceeds|too (?:large|big)|is too (?:large|big))|message too (?:large|big)|(?:exceeds|over) (?:the )?(?:fixed )?(?:maximum )?(?:message )?size (?:limit)?|size exceeds|too big for|mail size limit|message is too large|exceeded maximum (?:allowed )?(?:message )?size|size limit exceeded/,
  },
  // 552 5.2.3 Message exceeds local size limit
  {
    reason: 'exceedlimit',
    example: '552 5.2.3 Message exceeds local size limit',
    text: /exceeds? (?:local|per[- ]user|recipient'?s?) (?:size )?limit|message length exceeds administrative limit/,
  },
  // 550 5.7.1 Delivery not authorized, message refused: Message is not RFC 5322 compliant
  {
    reason: 'notcompliantrfc',
    example: '550 5.7.1 Delivery not authorized, message refused: Message is not RFC 5322 compliant',
    text: /multiple addresses in (?:the )?from|not (?:rfc ?)?(?:5322|2822|822)[- ]?compliant|rfc ?(?:5322|2822|822) (?:compliance|violation)|(?:duplicate|multiple) (?:\w+ )?headers?|header (?:syntax|is malformed)|not compliant with rfc/,
  },
  // 550 5.6.0 Message contains invalid header
  {
    reason: 'contenterror',
    example: '550 5.6.0 Message contains invalid header',
    text: /invalid (?:header|mime|character|encoding)|malformed (?:mime|message|header)|(?:mime|encoding) error|bad (?:header|mime)|message (?:header )?(?:format|structure) (?:error|invalid)|8-?bit (?:data|characters)|line too long|bare (?:lf|cr)|illegal (?:character|header)/,
  },
  // 554 5.7.9 Message not accepted for policy reasons.
  // 550 5.7.1 Message rejected due to local policy (attachment type not allowed)
  {
    reason: 'policyviolation',
    example: '554 5.7.9 Message not accepted for policy reasons.',
    text: /policy reasons|content restrictions|denied by policy|\bheader error\b|(?:local|security|content|message|email|mail|site) polic(?:y|ies)|policy (?:violation|rejection|restriction)|violat(?:es?|ion of) (?:our|the) polic|attachment(?:s)? (?:type |with .*)?(?:not allowed|not permitted|blocked|forbidden|rejected)|prohibited (?:attachment|file)|(?:file|attachment) (?:type|extension|name) (?:is )?(?:not allowed|blocked|forbidden|prohibited)|multiple (?:from|sender)|executable|dangerous (?:file|attachment)/,
  },
  // 550 5.7.1 Mail from this sender is filtered by the recipient's settings
  {
    reason: 'filtered',
    example: "550 5.7.1 Mail from this sender is filtered by the recipient's settings",
    text: /\bfiltered\b|filter(?:ing)? (?:rule|setting)|recipient'?s? (?:settings|preferences|filter)|refused by (?:the )?recipient|recipient (?:rejected|refused|does not accept) (?:your|mail|messages) from|(?:blocked|rejected) by (?:the )?recipient|receiving (?:domain|user) (?:has )?(?:blocked|refused)|not (?:accepting|accept) mail from (?:this|your) (?:sender|address)|sender (?:is )?on (?:the )?(?:recipient'?s? )?(?:block|deny) list|user (?:has )?refused|user (?:does not|doesn'?t) accept (?:mail|messages)|privacy settings|mailbox (?:is )?not accepting/,
  },
];
