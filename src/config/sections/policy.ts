/**
 * Config section `policy`: keys, defaults and documentation in one zod schema (STYLE.md §7).
 * zod 4: nested objects take `.prefault({})` (not `.default({})`) so inner defaults apply.
 *
 * The check names and their stages are repeated here (config may import core only);
 * src/policy/catalogue.test.ts keeps them in step with the catalogue.
 * Security: reply overrides are operator text; CR/LF and class mismatches are refused here
 * as far as possible, and the rest when src/policy builds the replies at start.
 */
import { z } from 'zod';

export const MAIL_CHECKS = [
  'null_sender_denied',
  'auth_required',
  'sender_not_owned',
  'sender_blocked',
  'sender_domain_unresolvable',
] as const;
export const RCPT_CHECKS = ['rcpt_invalid', 'rcpt_unknown', 'relay_denied', 'suppressed'] as const;
export const DATA_CHECKS = ['content_filtered'] as const;
/** Replies that are not checks of their own: the temporary variants of two checks. */
export const TEMPORARY_REPLIES = ['sender_domain_lookup_failed', 'content_filter_unavailable'] as const;
export const REPLY_NAMES = [...MAIL_CHECKS, ...RCPT_CHECKS, ...DATA_CHECKS, ...TEMPORARY_REPLIES] as const;

const replyOverrideSchema = z
  .object({
    code: z.number().int().min(400).max(599).optional().describe('Reply code, 4xx or 5xx.'),
    enhanced: z
      .union([z.string().regex(/^[45]\.\d{1,3}\.\d{1,3}$/), z.null()])
      .optional()
      .describe('RFC 3463 enhanced status code (`5.7.1`), or null for none (qmail style). Its class must match code.'),
    text: z
      .union([z.string(), z.array(z.string()).min(1)])
      .optional()
      .describe(
        'Reply text; an array gives a multi-line reply. Placeholders: {rcpt}, {from}, {login}, {policy_url}; {date} and {reason} in `suppressed`.',
      ),
  })
  .superRefine((o, ctx) => {
    const lines = o.text === undefined ? [] : typeof o.text === 'string' ? [o.text] : o.text;
    if (lines.some((l) => /[\r\n]/.test(l))) ctx.addIssue({ code: 'custom', message: 'CR or LF inside reply text' });
    if (o.code !== undefined && typeof o.enhanced === 'string' && o.enhanced[0] !== String(o.code)[0]) {
      ctx.addIssue({ code: 'custom', message: `class mismatch: ${o.code} with ${o.enhanced}` });
    }
  });

export type ReplyOverride = z.infer<typeof replyOverrideSchema>;

export const policySchema = z
  .object({
    reply_style: z
      .enum(['default', 'qmail', 'sendmail'])
      .default('default')
      .describe('Preset texts: `default` (mailward), `qmail` or `sendmail` (the texts those servers send).'),
    replies: z
      .partialRecord(z.enum(REPLY_NAMES), replyOverrideSchema)
      .default({})
      .describe('Per-reply overrides of code, enhanced code and text: `[policy.replies.relay_denied] text = "…"`.'),
    checks: z
      .object({
        mail: z
          .array(z.enum(MAIL_CHECKS))
          .default([...MAIL_CHECKS])
          .describe('MAIL FROM checks in the order they run; leave one out to disable it.'),
        rcpt: z
          .array(z.enum(RCPT_CHECKS))
          .default([...RCPT_CHECKS])
          .refine((l) => l.includes('relay_denied'), 'relay_denied cannot be disabled: that would make an open relay')
          .describe(
            'RCPT TO checks in the order they run. relay_denied is required; leave out suppressed to stop ' +
              'refusing addresses on the suppression list.',
          ),
        data: z
          .array(z.enum(DATA_CHECKS))
          .default([...DATA_CHECKS])
          .describe('End-of-data checks in the order they run (content_filtered runs only when spamd is enabled).'),
      })
      .prefault({})
      .describe('Which checks run at each SMTP stage, in order; the first refusal wins.'),
    primary_domain: z
      .string()
      .default('')
      .describe(
        'Domain that `RCPT TO:<postmaster>` (no domain) and `user@[our IP]` mean. Empty: the hostname if it is one ' +
          'of our domains, else the first domain of the directory.',
      ),
    submission_requires_auth: z
      .boolean()
      .default(true)
      .describe('On the submission and submissions ports, refuse MAIL FROM before AUTH (auth_required).'),
    null_sender: z
      .object({
        mx: z.boolean().default(true).describe('Accept MAIL FROM:<> on the mx port (bounces must get in).'),
        submission: z.boolean().default(true).describe('Accept MAIL FROM:<> on submission (MDNs use it).'),
        submissions: z.boolean().default(true).describe('Accept MAIL FROM:<> on submissions.'),
      })
      .prefault({})
      .describe('Where the null sender is allowed, per listener role (null_sender_denied).'),
    sender_domain_check: z
      .object({
        enabled: z.boolean().default(true).describe('Check that the sender domain has MX, A or AAAA records.'),
        timeout_ms: z.number().int().min(100).max(60_000).default(5000).describe('Hard limit for the lookups.'),
        cache_ms: z.number().int().min(0).default(60_000).describe('How long an answer is reused.'),
        skip_trusted: z
          .boolean()
          .default(true)
          .describe('Skip the check for authenticated clients and clients in trusted networks.'),
      })
      .prefault({})
      .describe('sender_domain_unresolvable: NXDOMAIN or no records → 553 5.1.8, DNS failure → 451 4.4.3.'),
    spamd: z
      .object({
        enabled: z.boolean().default(false).describe('Ask spamd (SpamAssassin) about each message at end of data.'),
        host: z.string().default('127.0.0.1').describe('spamd host.'),
        port: z.number().int().min(1).max(65535).default(783).describe('spamd port.'),
        user: z.string().default('').describe('User name sent to spamd (`User:` header); empty sends none.'),
        threshold: z
          .number()
          .nullable()
          .default(null)
          .describe("Score at which a message is refused; null uses spamd's own verdict."),
        timeout_ms: z.number().int().min(100).max(300_000).default(15_000).describe('Hard limit for one check.'),
        max_bytes: z
          .number()
          .int()
          .min(1)
          .default(512_000)
          .describe('Larger messages are not sent to spamd (like spamc) and pass.'),
        on_error: z
          .enum(['accept', 'tempfail'])
          .default('accept')
          .describe('When spamd is down or slow: accept (logged) or tempfail with 451 4.7.1.'),
      })
      .prefault({})
      .describe('Content filter through the spamd protocol (content_filtered).'),
    policy_url: z
      .string()
      .default('')
      .describe('Shown in the second line of content_filtered. Empty: `mailto:postmaster@<hostname>`.'),
  })
  .prefault({});

export type PolicyConfig = z.infer<typeof policySchema>;
