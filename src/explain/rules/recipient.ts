/**
 * Rules about the recipient's mailbox: it does not exist, moved, is full or disabled.
 * RFC 3463 §3.2 (X.1.X addressing), §3.3 (X.2.X mailbox status).
 */
import type { TextRule } from './rule.js';

export const recipientRules: TextRule[] = [
  // 551 5.1.6 User has moved; please try <neko@example.org>
  {
    reason: 'hasmoved',
    example: '551 5.1.6 User has moved; please try <neko@example.org>',
    text: /\b(?:user|mailbox|recipient|address) has (?:moved|changed)|\bhas moved\b.*\b(?:try|forward)|\bnot local; please try\b/,
  },
  // 553 sorry, rcpt user invalid (#5.7.1)
  // 553 sorry, the recipient in not a valid user on this domain (#5.7.1)
  // 553 sorry, this recipient is not in my validrcptto list (#5.7.1)
  {
    reason: 'userunknown',
    example: '553 sorry, this recipient is not in my validrcptto list (#5.7.1)',
    text: /rcpt user invalid|recipient (?:i[sn] )?not a valid user|not in my validrcptto|validrcptto/,
  },
  // 550 5.1.1 <kijitora@example.jp>: Recipient address rejected: User unknown in local recipient table
  // 553 5.3.0 <recipient@RemoteDomain.com>... User unknown, not local address
  // 553 Invalid user.
  // 553 sorry, no mailbox here by that name. (#5.1.1)
  // 553 <recipient@RemoteDomain.com> does not have a mailbox here
  // 553 sorry, this recipient doesn't exist.
  {
    reason: 'userunknown',
    example: '550 5.1.1 <kijitora@example.jp>: Recipient address rejected: User unknown in local recipient table',
    text: /\buser(?:name)? (?:is )?unknown|unknown (?:user|recipient|local[- ]part|mailbox|address)|\binvalid (?:user|recipient|mailbox|address)\b|no (?:such )?(?:user|recipient|mailbox|account)\b|no mail-?box here|(?:does not|doesn'?t) have (?:a|an) (?:mailbox|account)|(?:recipient|user|mailbox|account|address|addressee)(?: address)? (?:does not|doesn'?t|did not) exist|(?:user|mailbox|recipient|account) not (?:found|known|exist|listed)|not a (?:valid|known) (?:user|recipient|mailbox)|unrouteable address|recipient (?:address )?rejected: (?:user unknown|undeliverable address|access denied)|address couldn'?t be found|couldn'?t find (?:the |that )?(?:recipient|address|mailbox)|(?:recipient|user|address) (?:is )?(?:unknown|invalid)\b|mailbox (?:is )?unavailable|mailbox unavailable|address (?:does not|doesn'?t) exist|no longer (?:valid|available|exists)|bad destination mailbox|unknown or illegal (?:user|alias)|undeliverable address|recipient not found|the email account that you tried to reach does not exist|the recipient name is not recognized|directory of users|ディレクトリのリストにありません|not listed in (?:public name & address book|domino directory)|no such (?:person|address)|this user doesn'?t have|unknown address|unknown e-?mail address|存在しません|該当するユーザーがいません|addressee unknown|recipient unknown|mailbox not found|no mailbox here/,
  },
  // <neko@example.net>: malformed address: <neko@example.net> may not follow kijitora@example.com
  //   (Exim: a recipient address that is not an address; RFC 3463 X.1.3. Not for the sender: X.1.7)
  {
    reason: 'userunknown',
    example: '550 5.1.3 <neko@example.net>: malformed address: <neko@example.net> may not follow kijitora@example.com',
    text: /malformed (?:recipient |destination )?address|bad (?:recipient|destination) (?:mailbox )?address syntax/,
    status: /^(?![245]\.1\.[78]$)/,
  },
  // 552 5.2.2 <kijitora@example.jp>: Mailbox full
  // 452 4.2.2 Over quota
  // The number of messages in recipient's mailbox exceeded the local limit.
  {
    reason: 'mailboxfull',
    example: '552 5.2.2 <kijitora@example.jp>: Mailbox full',
    text: /mail ?box (?:is )?(?:full|over quota|exceeds|size limit)|mailbox exceeded (?:the )?(?:local |storage |size )?limit|over (?:the )?(?:disk )?quota|quota (?:exceeded|full)|quota usage exceeded|容量(?:制限|を超え|オーバー)|exceeded (?:storage|.*quota)|(?:mailbox|account|inbox) (?:is )?(?:full|out of (?:disk )?space)|user'?s? (?:mailbox|disk) (?:is )?full|full mailbox|mailfolder is full|exceed(?:s|ed)? (?:the )?(?:mailbox|storage|disk) (?:quota|limit|size)|not enough (?:disk )?(?:storage|space)|too much mail|(?:recipient|user) (?:is )?over|dns ?quota|mailbox size exceeded|maildir over quota/,
  },
  // 550 5.2.1 <kijitora@example.jp>: Account disabled
  {
    reason: 'suspend',
    example: '550 5.2.1 <kijitora@example.jp>: Account disabled',
    text: /(?:account|mailbox|user|address|recipient)(?: has been| is|'s account is)? (?:disabled|suspended|inactive|deactivated|locked|expired|blocked by its owner|temporarily (?:disabled|unavailable))|(?:disabled|suspended|inactive|deactivated|expired) (?:account|mailbox|recipient|user)|has been (?:disabled|suspended|closed|terminated)|account (?:closed|is closed|terminated)|not (?:active|activated)|the recipient'?s? mailbox is inactive|recipient suspended|mailbox (?:is )?(?:frozen|on hold)/,
  },
];
