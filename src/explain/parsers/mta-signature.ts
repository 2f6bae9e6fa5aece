/**
 * Names the software that wrote a plain-text bounce, from the phrases each one prints, so
 * reports can say which parser understood a message.
 */

const SIGNATURES: Array<[RegExp, string]> = [
  [/this message was created automatically by mail delivery software/i, 'exim'],
  [/qmail-send program|\(#[45]\.\d\.\d+\)/i, 'qmail'],
  [/transcript of session follows|unsent message follows/i, 'sendmail'],
  [/dragonfly mail agent/i, 'dragonfly'],
  [
    /did not reach the following recipient|msexch|microsoft exchange|diagnostic information for administrators/i,
    'exchange',
  ],
  [/google tried to deliver|delivery to the following recipient failed|google groups/i, 'gmail'],
  [/unable to deliver your message to the following address|yahoo/i, 'yahoo'],
  [/lotus|notes|failure reasons/i, 'notes'],
  [/courier mail server/i, 'courier'],
  [/opensmtpd|the following recipients? (?:has|have) failed/i, 'opensmtpd'],
  [/mail\.ru/i, 'mailru'],
  [/zoho/i, 'zoho'],
  [/interscan/i, 'interscan'],
];

export function mtaSignature(notice: string): string {
  for (const [re, name] of SIGNATURES) if (re.test(notice)) return name;
  return 'text';
}
