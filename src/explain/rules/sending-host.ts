/**
 * Rules about the sending host and the message's authentication: blocklists, reverse DNS,
 * reputation, SPF/DKIM/DMARC (RFC 7208, RFC 6376, RFC 7489; RFC 7372 §3 codes X.7.23–X.7.27),
 * SMTP authentication and encryption demands (RFC 4954 §6, RFC 3207).
 */
import type { TextRule } from './rule.js';

export const sendingHostRules: TextRule[] = [
  // 550 5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.
  // 550 Bad SPF records for [example.org:192.0.2.2], see http://spf.pobox.com/
  {
    reason: 'authfailure',
    example: '550 5.7.26 This mail has been blocked because the sender is unauthenticated.',
    text: /\bspf\b|\bdkim\b|\bdmarc\b|sender is unauthenticated|unauthenticated (?:email|mail)\b|sender policy framework|domainkeys|authentication (?:results|checks) (?:failed|did not pass)|not pass authentication|(?:failed|failing) (?:sender )?authentication checks|sender id\b|senderid/,
    status: /^(?!5\.7\.27$)/,
  },
  // 550 5.7.25 The IP address sending this message does not have a PTR record setup
  // 550 reverse DNS lookup failed for 192.0.2.1
  {
    reason: 'requireptr',
    example: '550 5.7.25 The IP address sending this message does not have a PTR record setup',
    text: /\bptr\b|reverse (?:dns|lookup|hostname|name)|rdns|no (?:dns )?(?:ptr|reverse)|(?:ip|address|client)(?: address)? (?:has|have) no (?:name|hostname)|cannot find your hostname|unresolvable (?:ip|address|hostname|host name)|cannot resolve your (?:address|hostname)|client host .*(?:unknown|not resolve|has no)|hostname .*does not resolve|(?:ip name|dns) lookup failed|not have a name associated|unknown client|unverif(?:y|i)able (?:sending )?ip|not match .*(?:forward|reverse)/,
  },
  // 451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation.
  {
    reason: 'badreputation',
    example: '451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation.',
    text: /(?:ip|sender|domain|poor|bad|low) reputation|reputation (?:of|is)|rate limited due to ip reputation/,
  },
  // 553 message blocked, you are not authorized to send mail, authentication is required.
  // 530 5.7.0 Must issue a STARTTLS command first
  // 500 Remote server does not support TLS (state 6).  (Gmail, where the sender's policy demands TLS)
  {
    reason: 'securityerror',
    example: '553 message blocked, you are not authorized to send mail, authentication is required.',
    text: /authenticat(?:ion|e) (?:is )?(?:required|needed|first)|(?:must|please) (?:authenticate|log ?in)|smtp auth|auth(?:entication)? (?:failed|failure|unsuccessful)|starttls|must issue a starttls|(?:does not|doesn'?t) support (?:tls|starttls|encryption)|encryption (?:required|needed)|tls (?:is )?required|not authorized to send mail|unauthenticated senders? (?:are )?not (?:allowed|permitted)|authorization required|forged|fake sender|spoof|impersonat|(?:mail|message|sender) (?:appears|seems) to be (?:forged|faked)|invalid (?:login|credentials|password)|(?:user|sender) not authenticated|access denied.*\(state 13\)|certificate/,
  },
  // 550 Client host blocked for spamming issues. OFR006_102
  {
    reason: 'blocked',
    example:
      '550 mwinf5c04 ME Adresse IP source bloquee pour incident de spam. Client host blocked for spamming issues.',
    text: /client host (?:\[[^\]]*\] )?(?:blocked|rejected)|(?:your |sending |source )?ip(?: address)? (?:\S+ )?(?:is |has been )?(?:blocked|blacklisted|blocklisted)|blocked using/,
  },
  // 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org
  // 550 5.7.1 Your IP address 192.0.2.1 is listed in our blocklist
  // 550 SC-004 (COL0-MC1-F1) Unfortunately, messages from 192.0.2.22 weren't sent. [...] too many
  //   unwanted messages have been sent from the following IP address above. (Outlook.com's block
  //   notices SC-001 to SC-004 and DY-001 all start "messages from <ip> weren't sent".)
  // 550 5.7.0 <shironeko@example.jp>... Please use the smtp server of your ISP.
  //   (a dynamic address sending straight to the MX: the host is refused, not the sender address)
  {
    reason: 'blocked',
    example: '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
    text: /\b(?:black|block|deny|dnsbl|rbl|ban)[ -]?list|blocked using|listed (?:in|at|on|by)|\bspamhaus|spamcop|sorbs|barracuda|client host .*(?:rejected|blocked|refused)|(?:your|the|sending|client)? ?(?:ip|host|server|network|domain|connection)(?: address)? (?:\S+ )?(?:has been |is |was )?(?:blocked|blacklisted|blocklisted|banned|not allowed|rejected|refused|denied)|(?:helo|ehlo)(?: command)? (?:rejected|refused|name|argument)|access denied|connection (?:refused|rejected|denied) (?:by|from|due)|not accept(?:ing)? (?:mail|connections?|email) from|rejected because of (?:your|the) ip|poor ip|dynamic (?:ip|address|pool)|dynamically[- ]assigned|dial-?up|residential|hosts? blocked|too many (?:invalid|unknown) recipients|refused to talk|your access to this mail system has been rejected|blocked by|temporarily deferred|you have been blocked|invalid ip for sending|\(bl\)|has been blocked|messages from \S+ (?:weren'?t|were not) sent|use (?:the )?(?:smtp|mail|outgoing) (?:server|relay) of your (?:isp|provider)|use your (?:isp|provider)'?s? (?:smtp|mail|outgoing) (?:server|relay)/,
  },
];
