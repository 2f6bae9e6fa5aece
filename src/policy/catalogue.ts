/**
 * The 553 catalogue: every policy reply by name, its stage, and its text in each reply style
 * (DESIGN.md "The 553 catalogue"), plus the operator's overrides from config.
 *
 * RFC 5321 §4.2 (reply codes), RFC 3463 (enhanced status codes), RFC 2034 §4 (ENHANCEDSTATUSCODES).
 * qmail-style texts carry their status inside the text (`(#5.7.1)`), so they are Replies with
 * enhanced = null and go out exactly as qmail sends them.
 * Security: {rcpt}/{from}/{login} are client-supplied; they come from the address parser
 * (no CR/LF possible) and every Reply passes the core factory, which refuses CR/LF anyway.
 */
import type { Address, MailboxAddress } from '../core/address.js';
import { formatAddress } from '../core/address.js';
import { type Reply, ReplyError, reply } from '../core/reply.js';

export type ReplyStyle = 'default' | 'qmail' | 'sendmail';
export type PolicyStage = 'connect' | 'helo' | 'mail' | 'rcpt' | 'data';

export type CheckName =
  | 'relay_denied'
  | 'auth_required'
  | 'sender_not_owned'
  | 'null_sender_denied'
  | 'sender_blocked'
  | 'sender_domain_unresolvable'
  | 'rcpt_unknown'
  | 'rcpt_invalid'
  | 'suppressed'
  | 'content_filtered';

/** Checks plus the temporary variants of two of them. */
export type ReplyName = CheckName | 'sender_domain_lookup_failed' | 'content_filter_unavailable';

export interface ReplyTemplate {
  readonly code: number;
  readonly enhanced: string | null;
  /** Lines with placeholders {rcpt}, {from}, {login}, {policy_url}, {date}, {reason}. */
  readonly lines: readonly string[];
}

export interface CatalogueEntry {
  readonly name: ReplyName;
  /** The check this reply belongs to (itself for the nine checks). */
  readonly check: CheckName;
  readonly stage: PolicyStage;
  readonly when: string;
  readonly styles: { readonly default: ReplyTemplate } & Partial<Record<'qmail' | 'sendmail', ReplyTemplate>>;
}

const t = (code: number, enhanced: string | null, ...lines: string[]): ReplyTemplate => ({ code, enhanced, lines });

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    name: 'relay_denied',
    check: 'relay_denied',
    stage: 'rcpt',
    when: 'recipient domain is not ours, client neither authenticated nor in a trusted network',
    styles: {
      default: t(553, '5.7.1', '<{rcpt}>: not an open relay'),
      qmail: t(553, null, "sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"),
      sendmail: t(553, '5.7.1', '<{rcpt}>... Relaying denied'),
    },
  },
  {
    name: 'auth_required',
    check: 'auth_required',
    stage: 'mail',
    when: 'submission port without AUTH, or MAIL FROM in one of our domains from an unauthenticated outside client',
    styles: {
      default: t(553, '5.7.1', 'authentication is required to send mail as <{from}>'),
      qmail: t(553, null, 'sorry, you are not authorized to send mail, authentication is required (#5.7.1)'),
    },
  },
  {
    name: 'sender_not_owned',
    check: 'sender_not_owned',
    stage: 'mail',
    when: 'authenticated user sends as an address it does not own',
    styles: {
      default: t(553, '5.7.1', '<{from}>: sender address is not owned by user <{login}>'),
      qmail: t(553, null, 'Your email address is denied.'),
    },
  },
  {
    name: 'null_sender_denied',
    check: 'null_sender_denied',
    stage: 'mail',
    when: 'null sender where config forbids it (never on the mx port by default)',
    styles: {
      default: t(553, '5.1.7', 'null sender is not allowed here'),
      qmail: t(553, null, 'Null Sender is not allowed.'),
    },
  },
  {
    name: 'sender_blocked',
    check: 'sender_blocked',
    stage: 'mail',
    when: 'sender address or domain in the badmailfrom list',
    styles: {
      default: t(553, '5.7.1', '<{from}>: sender address rejected'),
      qmail: t(553, null, 'sorry, your envelope sender is in my badmailfrom list (#5.7.1)'),
      sendmail: t(553, '5.7.1', 'Your email address is denied.'),
    },
  },
  {
    name: 'sender_domain_unresolvable',
    check: 'sender_domain_unresolvable',
    stage: 'mail',
    when: 'sender domain does not exist, has no MX, A or AAAA record, or has a null MX (RFC 7505)',
    styles: {
      default: t(553, '5.1.8', '<{from}>: domain of sender address does not exist'),
      qmail: t(553, null, '#5.1.8 Domain of sender address <{from}> does not exist'),
    },
  },
  {
    name: 'sender_domain_lookup_failed',
    check: 'sender_domain_unresolvable',
    stage: 'mail',
    when: 'the sender domain lookup failed (SERVFAIL, timeout, no DNS server): try again later',
    styles: { default: t(451, '4.4.3', '<{from}>: cannot check the sender domain now, try again later') },
  },
  {
    name: 'rcpt_unknown',
    check: 'rcpt_unknown',
    stage: 'rcpt',
    when: 'our domain, no such user, alias or catch-all',
    styles: {
      default: t(553, '5.1.1', '<{rcpt}>: no mailbox here by that name'),
      qmail: t(553, null, 'sorry, no mailbox here by that name. (#5.1.1)'),
      sendmail: t(553, '5.3.0', '<{rcpt}>... User unknown'),
    },
  },
  {
    name: 'rcpt_invalid',
    check: 'rcpt_invalid',
    stage: 'rcpt',
    when: 'recipient uses relay tricks: %, !, source route, quoted @, trailing dot, address literal not ours',
    styles: {
      default: t(553, '5.1.3', '<{rcpt}>: bad recipient address syntax'),
      qmail: t(553, null, 'sorry, rcpt user invalid (#5.7.1)'),
    },
  },
  {
    name: 'suppressed',
    check: 'suppressed',
    stage: 'rcpt',
    when: 'our user (authenticated or trusted) sends to a remote address that bounced permanently before (suppression list)',
    styles: {
      default: t(550, '5.1.1', '<{rcpt}>: earlier delivery failed permanently on {date}: {reason}'),
    },
  },
  {
    name: 'content_filtered',
    check: 'content_filtered',
    stage: 'data',
    when: 'the content filter (spamd) says spam',
    styles: {
      default: t(553, '5.7.1', 'message filtered as spam', 'see {policy_url}'),
      qmail: t(553, null, 'Message filtered. Please see the FAQs section on spam', 'see {policy_url}'),
    },
  },
  {
    name: 'content_filter_unavailable',
    check: 'content_filtered',
    stage: 'data',
    when: 'spamd did not answer and spamd.on_error = "tempfail"',
    styles: { default: t(451, '4.7.1', 'content filter unavailable, try again later') },
  },
];

export const REPLY_PLACEHOLDERS = ['rcpt', 'from', 'login', 'policy_url', 'date', 'reason'] as const;

export interface ReplyVars {
  readonly rcpt?: Address;
  readonly from?: Address;
  readonly login?: string | null;
  /** suppressed: the day of the earlier failure (YYYY-MM-DD) and its reason word. */
  readonly date?: string;
  readonly reason?: string;
}

export interface ReplyOverrideInput {
  readonly code?: number;
  readonly enhanced?: string | null;
  readonly text?: string | readonly string[];
}

/** Renders named replies for one style with the operator's overrides; built once at start. */
export interface ReplyCatalogue {
  readonly style: ReplyStyle;
  render(name: ReplyName, vars?: ReplyVars): Reply;
  template(name: ReplyName): ReplyTemplate;
}

/** A config mistake found while building the catalogue (thrown at start, never per message). */
export class PolicyConfigError extends Error {}

/**
 * Renders an address as the client gave it, without angle brackets: source route, quoting and
 * a trailing dot are kept so the reply shows the trick that was refused.
 */
export function renderAddress(a: Address | undefined): string {
  if (!a || a.kind === 'null') return '';
  const m: MailboxAddress = a;
  const route = m.sourceRoute.length ? `${m.sourceRoute.map((d) => `@${d}`).join(',')}:` : '';
  return `${route}${formatAddress(m)}${m.trailingDot ? '.' : ''}`;
}

function fill(line: string, values: Record<string, string>): string {
  return line.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

export function buildReplyCatalogue(opts: {
  style: ReplyStyle;
  overrides?: Partial<Record<ReplyName, ReplyOverrideInput>>;
  policyUrl: string;
}): ReplyCatalogue {
  const templates = new Map<ReplyName, ReplyTemplate>();
  for (const entry of CATALOGUE) {
    const base = entry.styles[opts.style] ?? entry.styles.default;
    const o = opts.overrides?.[entry.name];
    const tpl: ReplyTemplate = o
      ? {
          code: o.code ?? base.code,
          enhanced: o.enhanced === undefined ? base.enhanced : o.enhanced,
          lines: o.text === undefined ? base.lines : typeof o.text === 'string' ? [o.text] : [...o.text],
        }
      : base;
    for (const line of tpl.lines) {
      for (const m of line.matchAll(/\{(\w+)\}/g)) {
        if (!(REPLY_PLACEHOLDERS as readonly string[]).includes(m[1] ?? '')) {
          throw new PolicyConfigError(`policy.replies.${entry.name}: unknown placeholder {${m[1]}}`);
        }
      }
    }
    try {
      // A trial render through the one factory: a 451 with 5.7.1 or a CR fails here, at start.
      reply(
        tpl.code,
        tpl.enhanced,
        tpl.lines.map((l) => fill(l, {})),
      );
    } catch (err) {
      if (err instanceof ReplyError) throw new PolicyConfigError(`policy.replies.${entry.name}: ${err.message}`);
      throw err;
    }
    if (Math.floor(tpl.code / 100) !== Math.floor(base.code / 100) && entry.name !== entry.check) {
      // The temporary variants must stay temporary: a 5xx for a DNS timeout would lose mail.
      throw new PolicyConfigError(`policy.replies.${entry.name}: must keep a ${Math.floor(base.code / 100)}xx code`);
    }
    templates.set(entry.name, Object.freeze(tpl));
  }
  const template = (name: ReplyName): ReplyTemplate => {
    const tpl = templates.get(name);
    if (!tpl) throw new Error(`no reply named ${name}`);
    return tpl;
  };
  return {
    style: opts.style,
    template,
    render(name, vars = {}) {
      const tpl = template(name);
      const values = {
        rcpt: renderAddress(vars.rcpt),
        from: renderAddress(vars.from),
        login: vars.login ?? '',
        policy_url: opts.policyUrl,
        date: vars.date ?? '',
        reason: vars.reason ?? '',
      };
      return reply(
        tpl.code,
        tpl.enhanced,
        tpl.lines.map((l) => fill(l, values)),
      );
    },
  };
}
