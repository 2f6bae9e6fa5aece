/**
 * Pulls the SMTP reply code (RFC 5321 §4.2), the enhanced status code (RFC 3463 §2),
 * the failed command and the remote host out of a diagnostic text written by any MTA.
 *
 * Security: untrusted text; bounded regular expressions only.
 */

export interface ReplyFields {
  replyCode?: string;
  enhanced?: string;
  command?: string;
  remoteMta?: string;
}

const CODE = /(?:^|[\s(:;"'>\]])([45][0-5]\d)(?:[ -]|$|\.(?!\d)|:|,)/;
/** A reply code followed by its enhanced code: "550 5.1.1", "550-'5.2.2", "421 4.4.2". */
const PAIR = /(?<![\w.])([245][0-5]\d)[ -]['"]?#?([245]\.\d{1,3}\.\d{1,3})(?![\w.])/g;
const ENHANCED = /(?:^|[\s(#:;"'[=-])([245])\.(\d{1,3})\.(\d{1,3})(?=$|[\s).;:,\]"'-])/;

const COMMANDS: Array<[RegExp, string]> = [
  [
    /\b(?:after|in reply to|did not like our)\s+(?:the\s+)?(?:final\s+)?(?:end of data|end of message|data|message body)\b/i,
    'DATA',
  ],
  [/\b(?:after|in reply to|did not like our)\s+(?:the\s+)?RCPT(?: TO)?\b/i, 'RCPT'],
  [/\b(?:after|in reply to|did not like our)\s+(?:the\s+)?MAIL(?: FROM)?\b/i, 'MAIL'],
  [/\b(?:after|in reply to)\s+(?:the\s+)?(?:HELO|EHLO|greeting|initial connection)\b/i, 'CONN'],
  [/smtp command:?\s*-*\s*(?:rcpt|envelope recipient)\b/i, 'RCPT'],
  [/smtp command:?\s*-*\s*data\b/i, 'DATA'],
  [/smtp command:?\s*-*\s*mail\b/i, 'MAIL'],
  [/>>>\s*DATA\s+<<<\s*[45]/i, 'DATA'],
  [/>>>\s*RCPT\b/i, 'RCPT'],
  [/>>>\s*MAIL\b/i, 'MAIL'],
  [/>>>\s*DATA\b/i, 'DATA'],
];

const COMMAND_HINT = /after|in reply to|did not like|>>>|smtp command/i;

export function replyFields(text: string): ReplyFields {
  const out: ReplyFields = {};
  // The last code pair is the innermost reply when an MTA quotes another one's answer.
  let last: RegExpMatchArray | undefined;
  for (const m of text.matchAll(PAIR)) if (m[1]?.[0] === m[2]?.[0]) last = m;
  if (last) {
    out.replyCode = last[1];
    out.enhanced = last[2];
  }
  const code = CODE.exec(text);
  if (code) out.replyCode ??= code[1];
  const enh = ENHANCED.exec(text);
  if (enh && !out.enhanced) {
    const cls = enh[1] ?? '5';
    // An enhanced code whose class contradicts the reply code is not trusted (Reply factory rule).
    if (!out.replyCode || out.replyCode[0] === cls) out.enhanced = `${cls}.${enh[2]}.${enh[3]}`;
  }
  const command = commandIn(text);
  if (command) out.command = command;
  // Host names appear as "host x [ip]", "x[ip] said", "remote server (x)": skip the scan otherwise.
  const host =
    text.includes('[') || /remote (?:mail )?server/i.test(text)
      ? (/\bhost\s+([A-Za-z0-9][\w.-]*\.[A-Za-z]{2,})\s*\[/i.exec(text) ??
        /\b([A-Za-z0-9][\w-]*(?:\.[\w-]+)+)\s*\[[\d.:a-fA-F]+\]\s*(?:said|did not like)/i.exec(text) ??
        /\bremote (?:mail )?server\s+\(?([A-Za-z0-9][\w-]*(?:\.[\w-]+)+)/i.exec(text))
      : null;
  if (host) out.remoteMta = host[1];
  return out;
}

/** The SMTP command after which the remote refused, when the text says so. */
export function commandIn(text: string): string | undefined {
  // One cheap scan first: most texts name no command at all.
  if (!COMMAND_HINT.test(text)) return undefined;
  for (const [re, name] of COMMANDS) if (re.test(text)) return name;
  return undefined;
}
