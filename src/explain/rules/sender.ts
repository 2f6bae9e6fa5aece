/**
 * Rules about the envelope sender and relaying: the remote refused who sent, or refused
 * to pass the message on. RFC 3463 §3.2 (X.1.7, X.1.8), RFC 5321 §3.6.2 (relaying).
 */
import type { TextRule } from './rule.js';

export const senderRules: TextRule[] = [
  // 553 5.7.1 Not an open relay, so get lost
  // 553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)
  // 554 5.7.1 <kijitora@example.org>: Relay access denied
  // 553 RemoteDomain.com does not accept mail sent to recipient@OtherRemoteDomain.com
  {
    reason: 'norelaying',
    example: '553 5.7.1 Not an open relay, so get lost',
    text: /\bopen relay|relay(?:ing)? (?:access )?(?:denied|not (?:permitted|allowed)|prohibited|refused)|\brelay(?:ing)? (?:is )?not permitted|unable to relay|we do not relay|not allowed to relay|allowed rcpthosts|insecure mail relay|does not accept mail sent to|cannot relay|no relaying|relaying (?:mail )?(?:to .* )?(?:is )?(?:denied|prohibited)|not a gateway|relay not allowed/,
  },
  // 553 Null Sender is not allowed.
  // 553 #5.1.8 Domain of sender address <sender@YourDomain.com> does not exist
  // 553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)
  // 553 Your email address is denied.
  // 501 5.1.8 Sender address rejected: Domain not found
  {
    reason: 'rejected',
    example: '553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)',
    text: /null sender|badmailfrom|envelope sender|sender (?:address |domain )?(?:is )?(?:rejected|denied|invalid|refused|not allowed|blocked|blacklisted|unknown|verify failed)|domain of sender address|sender domain (?:must exist|does not exist|not found|unknown)|your email address is denied|(?:mail from|sender) address (?:is )?(?:not|in)|address .* is not allowed to send|from address (?:is )?(?:invalid|rejected|not allowed)|sender verification failed|sender (?:address )?verify failed|unverified sender|rejected: sender|sender (?:not|is not) (?:authorized|permitted)|return path.*(?:invalid|rejected)|domain (?:of|in) (?:the )?(?:sender|mail from|return-path)|sender .* (?:is )?(?:black|block)listed|your address is (?:on|in) .*(?:black|block)list|mail from .*rejected|sender rejected|sender address rejected|not permitted to post|reject(?:ed)? by (?:the )?sender|you (?:are|were) not (?:authorized|allowed|permitted) to (?:post|send (?:messages|email) to this group)|group you tried to contact|from:? (?:domain|address) is invalid|(?:sending to\/from|from) an address that has been (?:black|block)listed|unroutable sender|グループ/,
  },
];
