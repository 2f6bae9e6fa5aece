/**
 * parseBounce: a whole message in, a BounceReport out (or null when it is no bounce at all).
 *
 * RFC 3464 (DSN), RFC 6533 (global DSN), RFC 5965 (ARF feedback), RFC 3834 (auto-replies),
 * and the plain-text notices of MTAs that send no DSN. Structure first (which recipients,
 * which codes, which words), then one classifier for every format.
 * Security: the message is untrusted bytes from anyone; pure code, no I/O, never throws on
 * input, bounded work (MIME depth/part limits, line limits in the extractors).
 */
import { decideReason, isHard, mayGiveReason, reasonFromStatus, reasonFromText, startMessage } from './classify.js';
import {
  decodeWords,
  field,
  flatten,
  header,
  type MimePart,
  ORIGINAL_FIELDS,
  parseMime,
  splitHeaders,
} from './mime.js';
import { findSesNotice } from './parsers/amazon-ses-json.js';
import { isAutoReply } from './parsers/auto-reply.js';
import { findFeedback } from './parsers/feedback.js';
import { mtaSignature } from './parsers/mta-signature.js';
import { addressesIn, recipientsFromNotice, splitNotice } from './parsers/notice-text.js';
import { commandIn, replyFields } from './parsers/reply-fields.js';
import { parseDeliveryStatus } from './parsers/rfc3464.js';
import { recipientsFromTranscript } from './parsers/sendmail-transcript.js';
import { pseudoStatus } from './pseudo-status.js';
import { isReceiptRuleBounce, stepFromReplyShape } from './rules/providers.js';
import type { BouncedRecipient, BounceReport, OriginalHeaders, RawRecipient, Reason } from './types.js';
import { collapseSpace } from './white-space.js';

const DSN_TYPE = /^(?:message|text)\/(?:global-)?delivery-status$/;
const ORIGINAL_TYPE =
  /^(?:message\/(?:rfc822|global)|text\/(?:rfc822-headers|global-headers)|message\/(?:rfc822|global)-headers)$/;
const BOUNCE_SUBJECT =
  /undeliver|undelivered|delivery (?:status|fail|notification|report|problem)|failure notice|returned mail|mail delivery|could not be delivered|not delivered|delivery has failed|nondeliver|non-delivery|rejected|returning message|warning: message|mail system error|unzustellbar|配信|エラー/i;
const BOUNCE_WORDS =
  /could not be delivered|couldn'?t be delivered|undeliverable|delivery (?:has )?failed|permanent (?:error|failure)|error message below|invalid user address|delivery to the following recipients? failed|was not delivered|unable to deliver/i;
const DELAY_WORDS =
  /\bwill be retried\b|\bstill trying\b|\bwill (?:keep|continue) trying\b|warning message only|delivery (?:has been |is )?delayed|not yet been delivered/i;
const UNKNOWN_USER_WORDS = /\buser unknown\b|\bunknown user\b/i;
/** The states of one mailbox a notice may name (NoticeFacts.state). */
const STATES: readonly Reason[] = ['suspend', 'mailboxfull'];
const DAEMON_FROM = /mailer-daemon|post_?master|mail delivery|mail administrator|mdaemon|daemon@/i;

export function parseBounce(raw: Buffer): BounceReport | null {
  startMessage();
  const text = raw.toString('latin1');
  return parseMessage(text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text, 0);
}

function parseMessage(text: string, depth: number): BounceReport | null {
  const root = parseMime(text);
  const parts = flatten(root);
  const outer = outerParts(root);
  let original = originalHeaders(parts);

  const fb = findFeedback(root, parts);
  if (fb) return withOriginal(feedbackReport(fb.recipients, fb.feedbackType, 'arf'), original);

  // Arrays here and in the parsers are built with push, not map or filter: see recipientsFromNotice.
  const dsnParts: MimePart[] = [];
  for (const p of parts) if (DSN_TYPE.test(p.type)) dsnParts.push(p);
  const outerText = ownWords(outer);
  let split = splitNotice(outerText);
  if (!split.notice.trim()) split = splitNotice(root.body);
  const notice = split.notice;
  original ??= inlineOriginal(split.copy);
  const ses = dsnParts.length === 0 ? findSesNotice(outerText || root.body) : null;
  if (ses?.kind === 'feedback')
    return withOriginal(feedbackReport(ses.recipients, ses.feedbackType, 'amazonses'), original);
  const subject = decodeWords(header(root, 'subject') ?? '');
  const from = decodeWords(header(root, 'from') ?? '');
  const bounceLike =
    dsnParts.length > 0 ||
    ses !== null ||
    root.headers.has('x-failed-recipients') ||
    DAEMON_FROM.test(from) ||
    BOUNCE_SUBJECT.test(subject) ||
    (!isAutoReply(root) && BOUNCE_WORDS.test(notice));

  if (!bounceLike && isAutoReply(root)) {
    const who = addressesIn(from)[0] ?? '';
    return withOriginal(
      {
        kind: 'vacation',
        recipients: [
          {
            address: who,
            status: '',
            replyCode: '',
            reason: 'vacation',
            hard: false,
            diagnostic: subject,
            parser: 'rfc3834',
          },
        ],
      },
      original,
    );
  }

  // A bounce forwarded as an attachment (a user sends us the bounce they got): read that one.
  if (dsnParts.length === 0 && depth < 2) {
    const inner = forwardedBounce(parts, depth, true);
    if (inner) return inner;
  }

  const exclude = new Set<string>([
    ...addressesIn(header(root, 'to') ?? ''),
    ...addressesIn(from),
    ...addressesIn(original?.from ?? ''),
  ]);
  let raws: RawRecipient[] = [];
  let parser = 'rfc3464';
  let mta: string | undefined;
  for (const p of dsnParts) {
    const ds = parseDeliveryStatus(p.body);
    mta ??= ds.reportingMta;
    raws.push(...ds.recipients);
  }
  if (ses) {
    raws = ses.recipients;
    parser = 'amazonses';
    if (ses.kind === 'bounce' && ses.reportingMta) mta = ses.reportingMta;
  }
  // Delivery-status fields pasted into a text part (no MIME report): read them as one.
  if (raws.length === 0 && /^(?:final|original)-recipient:/im.test(notice) && /^status:/im.test(notice)) {
    raws = parseDeliveryStatus(
      notice.slice(notice.search(/^(?:reporting-mta|final-recipient|original-recipient|action):/im)),
    ).recipients;
  }
  const failed = failedRecipients(root);
  if (raws.length === 0) {
    if (!bounceLike) return depth < 2 ? forwardedBounce(parts, depth) : null;
    parser = mtaSignature(notice);
    raws = recipientsFromTranscript(notice);
    if (raws.length) parser = 'sendmail';
    else raws = recipientsFromNotice(notice, { exclude, known: failed?.length ? failed : undefined });
    if (raws.length === 0 && failed?.length) for (const address of failed) raws.push({ address, diagnostic: '' });
    if (raws.length === 0) {
      const to = addressesIn(original?.to ?? '')[0];
      if (!to) return null;
      raws = [{ address: to, diagnostic: '' }];
    }
  } else {
    // Enrich DSN records whose own words say nothing with the per-recipient words of the
    // human-readable part (read only then: most DSNs need nothing from it).
    let blocks: RawRecipient[] | undefined;
    for (const r of raws) {
      if (MULTILINE_FIRST.test(r.diagnostic)) r.diagnostic = wholeReply(r.diagnostic, notice);
      if (r.diagnostic && reasonFromText(r.diagnostic)) continue;
      blocks ??= recipientsFromNotice(notice, { exclude, known: addressesOf(raws) });
      const block = blocks.find((b) => b.address.toLowerCase() === r.address.toLowerCase());
      if (block) r.diagnostic = r.diagnostic ? `${r.diagnostic} ${block.diagnostic}` : block.diagnostic;
    }
  }
  for (const r of raws) {
    // Google Groups answers for a group that refuses the poster, in the poster's language.
    if (/@googlegroups\.com$/i.test(r.address) && /google/i.test(from)) r.hint ??= 'rejected';
  }
  const facts = new NoticeFacts(notice, isReceiptRuleBounce(mta));
  const recipients: BouncedRecipient[] = [];
  for (const r of raws) recipients.push(finish(r, facts, parser, raws.length === 1));
  const delivered = recipients.length > 0 && recipients.every((r) => r.reason === 'delivered');
  const report: BounceReport = { kind: delivered ? 'delivered' : 'bounce', recipients };
  if (mta) report.mta = mta;
  return withOriginal(report, original);
}

/** The first line of a multi-line SMTP reply: code, then "-" (RFC 5321 §4.2.1). */
const MULTILINE_FIRST = /^[245]\d\d-/;

/**
 * A multi-line reply of which the DSN gives only the first line (Sendmail's Diagnostic-Code):
 * all of its lines, as the notice's session transcript ("<<< 552-5.7.0 ...") has them.
 */
function wholeReply(first: string, notice: string): string {
  const code = first.slice(0, 3);
  for (let at = notice.indexOf(first); at >= 0; at = notice.indexOf(first, at + 1)) {
    let whole = first;
    let nl = notice.indexOf('\n', at);
    while (nl >= 0) {
      const next = notice.indexOf('\n', nl + 1);
      const line = notice
        .slice(nl + 1, next < 0 ? notice.length : next)
        .replace(/^\s*(?:<<<\s*)?/, '')
        .trimEnd();
      if (!line.startsWith(code) || (line[3] !== '-' && line[3] !== ' ')) break;
      whole += ` ${line}`;
      if (line[3] === ' ') return whole;
      nl = next;
    }
  }
  return first;
}

/** A feedback report (ARF, or an Amazon SES complaint): one entry per reported recipient, or one without an address. */
function feedbackReport(addresses: string[], feedbackType: string, parser: string): BounceReport {
  const recipients: BouncedRecipient[] = [];
  for (const address of addresses.length ? addresses : ['']) {
    recipients.push({
      address,
      status: '',
      replyCode: '',
      reason: 'feedback',
      hard: false,
      diagnostic: '',
      parser,
      feedbackType,
    });
  }
  return { kind: 'feedback', recipients };
}

/** The bounce's own words: its text parts outside attached messages and reports; HTML only without a plain twin. */
function ownWords(outer: MimePart[]): string {
  let text: string | undefined;
  for (const p of outer) {
    if (!p.type.startsWith('text/') || ORIGINAL_TYPE.test(p.type) || DSN_TYPE.test(p.type)) continue;
    if (p.type === 'text/html' && hasPlainTwin(p, outer)) continue;
    const words = p.type === 'text/html' ? stripHtml(p.body) : p.body;
    text = text === undefined ? words : `${text}\n\n${words}`;
  }
  return text ?? '';
}

/** The addresses of X-Failed-Recipients (Exim), or undefined without the field. */
function failedRecipients(root: MimePart): string[] | undefined {
  const values = root.headers.get('x-failed-recipients');
  if (!values) return undefined;
  const out: string[] = [];
  for (const v of values) for (const a of addressesIn(v)) out.push(a);
  return out;
}

function addressesOf(raws: RawRecipient[]): string[] {
  const out: string[] = [];
  for (const r of raws) out.push(r.address);
  return out;
}

/** Codes, reason and hard/soft for one extracted recipient. */
function finish(r: RawRecipient, notice: NoticeFacts, parser: string, single: boolean): BouncedRecipient {
  // Bounded work: no real diagnostic is longer; a hostile one is cut before the rules run.
  let diag = r.diagnostic.trim().slice(0, 4000);
  if (!diag || (!reasonFromText(diag) && !/(?<![\w.])[45]\d\d[ -]/.test(diag))) {
    // Nothing specific for this recipient: the notice as a whole is what the MTA said.
    const whole = notice.collapsed;
    diag = diag ? `${diag} ${whole}` : whole;
  }
  const f = replyFields(diag);
  const dsnStatus = r.status;
  // The remote's own enhanced code is more precise than the one the reporting MTA chose.
  let status = f.enhanced ?? dsnStatus;
  if (dsnStatus && f.enhanced && /^[245]\.0\.0$/.test(f.enhanced)) status = dsnStatus;
  let replyCode = r.replyCode ?? f.replyCode ?? '';
  const action = r.action;
  const command = r.command ?? f.command ?? notice.command ?? stepFromReplyShape(diag);
  // A delay warning ("will be retried") is temporary whatever else it says.
  const delayed = action === 'delayed' || (action !== 'failed' && (DELAY_WORDS.test(diag) || notice.delayed));
  // A hint (types.ts) stands in for words: when the recipient's own diagnostic names a cause, it wins.
  const hint = r.hint && !reasonFromText(r.diagnostic) ? r.hint : undefined;
  let reason: Reason;
  if (action === 'delivered' || action === 'relayed' || action === 'expanded') reason = 'delivered';
  else
    reason =
      hint ??
      adjust(decideReason(diag, status, replyCode || undefined), command, status, delayed ? 'delayed' : action, diag);
  // Many MTAs answer "user unknown" for any mailbox they will not deliver to. When the reporting
  // MTA's own notice names a more specific state of the one mailbox it reports on (disabled,
  // full), that is the cause: the address exists. Not against an enhanced code that itself says
  // "bad mailbox" (x.1.1, RFC 3463): that is the remote's precise word for this recipient.
  if (reason === 'userunknown' && single && reasonFromStatus(status) !== 'userunknown') {
    const stated = notice.state;
    if (stated) reason = stated;
  }
  // A receiver without mailboxes that bounced by its owner's rule: "does not exist" is that rule's text.
  if (reason === 'userunknown' && notice.receiptRule) reason = 'filtered';
  // "Delayed" in the DSN but the words say the envelope expired: a final failure after all.
  if (
    reason === 'expired' &&
    action === 'delayed' &&
    !f.enhanced &&
    /\bexpired\b|gave up|giving up|deleted from (?:the )?queue/i.test(diag)
  ) {
    status = pseudoStatus(reason, '', 'failed');
  }
  if (!status) status = pseudoStatus(reason, replyCode, delayed ? 'delayed' : action);
  // A reply code whose class contradicts the status is not the reply that decided (RFC 3463 §2).
  if (replyCode && status[0] !== replyCode[0]) replyCode = '';
  const out: BouncedRecipient = {
    address: r.address,
    status,
    replyCode,
    reason,
    hard: isHard(reason, status),
    diagnostic: r.diagnostic.trim() || diag.slice(0, 500),
    parser,
  };
  const remote = r.remoteMta ?? f.remoteMta;
  if (remote) out.remoteMta = remote;
  if (command) out.command = command;
  if (action) out.action = action;
  return out;
}

/** What the notice as a whole says, worked out once per message however many recipients ask. */
class NoticeFacts {
  #collapsed: string | undefined;
  #command: string | undefined | null = null;
  #delayed: boolean | undefined;
  #state: Reason | undefined | null = null;
  /** @param receiptRule the reporting MTA bounces only by its owner's rules (rules/providers.ts) */
  constructor(
    readonly text: string,
    readonly receiptRule = false,
  ) {}
  /** White space collapsed, bounded: what the MTA said when a recipient has no words of its own. */
  get collapsed(): string {
    this.#collapsed ??= collapseSpace(this.text).trim().slice(0, 2000);
    return this.#collapsed;
  }
  /** The SMTP command the notice names, if any. */
  get command(): string | undefined {
    if (this.#command === null) this.#command = commandIn(this.text);
    return this.#command;
  }
  /** Whether the notice says the message is still being retried. */
  get delayed(): boolean {
    this.#delayed ??= DELAY_WORDS.test(this.text);
    return this.#delayed;
  }
  /** 'suspend' or 'mailboxfull' when the notice's own words say so, else undefined. */
  get state(): Reason | undefined {
    if (this.#state === null) {
      const said = mayGiveReason(this.collapsed, STATES) ? reasonFromText(this.collapsed) : undefined;
      this.#state = said && STATES.includes(said) ? said : undefined;
    }
    return this.#state;
  }
}

/**
 * What the words alone cannot tell: the SMTP step and whether the MTA gave up.
 * A recipient refused after MAIL FROM is about the sender; an address accepted at RCPT and
 * refused after DATA was refused by a filter; a connection-level refusal is about the host;
 * a temporary failure in a final ("failed") report means the queue lifetime ran out.
 */
function adjust(
  reason: Reason,
  command: string | undefined,
  status: string | undefined,
  action: string | undefined,
  text: string,
): Reason {
  const temporary = status?.startsWith('4.') ?? false;
  if (command === 'MAIL' && (reason === 'userunknown' || reason === 'hostunknown' || reason === 'onhold'))
    return 'rejected';
  if (command === 'DATA' && reason === 'userunknown' && reasonFromStatus(status) !== 'userunknown') return 'filtered';
  if (command === 'CONN' && reason === 'onhold') return 'blocked';
  // "User unknown" under a security/policy code (5.7.x): a filter speaking, not a missing mailbox.
  if (reason === 'userunknown' && /^5\.7\./.test(status ?? '') && UNKNOWN_USER_WORDS.test(text)) return 'filtered';
  if (reason === 'hostunknown' && temporary) return 'networkerror';
  // 4.4.1/4.4.2: no answer or a bad connection, retried until the MTA gave up.
  if (action === 'failed' && reason === 'networkerror' && /^4\.4\.[12]$/.test(status ?? '')) return 'expired';
  // Still being retried: in this vocabulary a delay counts with the queue-lifetime failures.
  if (action === 'delayed' && (reason === 'onhold' || reason === 'networkerror' || reason === 'systemerror'))
    return 'expired';
  return reason;
}

/** An HTML part with a text/plain alternative beside it: the plain one says the same. */
function hasPlainTwin(html: MimePart, outer: MimePart[]): boolean {
  const parent = outer.find((p) => p.type === 'multipart/alternative' && p.children.includes(html));
  return parent?.children.some((c) => c.type === 'text/plain') ?? false;
}

/** Parts outside any attached message: the bounce's own words. */
function outerParts(root: MimePart): MimePart[] {
  const out: MimePart[] = [];
  collectOuter(root, out);
  return out;
}

function collectOuter(p: MimePart, out: MimePart[]): void {
  out.push(p);
  if (ORIGINAL_TYPE.test(p.type)) return;
  for (const c of p.children) collectOuter(c, out);
}

/** A bounce forwarded as an attachment: parse the attached message instead. */
function forwardedBounce(parts: MimePart[], depth: number, onlyReports = false): BounceReport | null {
  for (const p of parts) {
    if (p.type !== 'message/rfc822' || p.depth > 2) continue;
    const child = p.children[0];
    const inner = child?.raw;
    if (!child || !inner) continue;
    if (onlyReports && !(child.type === 'multipart/report' || DAEMON_FROM.test(header(child, 'from') ?? ''))) continue;
    const report = parseMessage(inner, depth + 1);
    if (report && report.kind !== 'vacation') return report;
  }
  return null;
}

function originalHeaders(parts: MimePart[]): OriginalHeaders | undefined {
  const part = parts.find((p) => ORIGINAL_TYPE.test(p.type));
  if (!part) return undefined;
  return originalFrom(part.children[0]?.headers ?? splitHeaders(part.body).headers);
}

/**
 * The returned message copied into the notice's own text below a marker line (Exim's "------ This
 * is a copy of the message, including all the headers. ------", qmail's "--- Below this line is a
 * copy of the message.") or from its header block on: the copy's header fields, when it has them.
 */
function inlineOriginal(copy: string | undefined): OriginalHeaders | undefined {
  if (copy === undefined) return undefined;
  const block = copy.replace(/^(?:[ \t]*\n)+/, '');
  if (!FIELD_LINE.test(block)) return undefined;
  return originalFrom(splitHeaders(block, false, ORIGINAL_FIELDS).headers);
}

const FIELD_LINE = /^[\x21-\x39\x3b-\x7e]+:/;

function originalFrom(h: Map<string, string[]>): OriginalHeaders | undefined {
  const o: OriginalHeaders = {};
  const id = decodedField(h, 'message-id');
  if (id) o.messageId = id;
  const s = decodedField(h, 'subject');
  if (s) o.subject = s;
  const f = decodedField(h, 'from');
  if (f) o.from = f;
  const t = decodedField(h, 'to');
  if (t) o.to = t;
  return Object.keys(o).length ? o : undefined;
}

function decodedField(h: Map<string, string[]>, name: string): string | undefined {
  const v = field(h, name);
  return v === undefined ? undefined : decodeWords(v);
}

function withOriginal(r: BounceReport, o: OriginalHeaders | undefined): BounceReport {
  if (o) r.original = o;
  return r;
}

function stripHtml(html: string): string {
  return html
    .replace(/<(?:style|script)[^>]*>[\s\S]*?<\/(?:style|script)>/gi, ' ')
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/tr>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/&nbsp;/g, ' ');
}
