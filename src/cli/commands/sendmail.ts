/**
 * `mailward sendmail [options] [recipient…]`: the sendmail command every Unix program expects
 * (cron, scripts, PHP mail()). Reads the message on stdin and queues it through the same
 * durable intake as SMTP, as a trusted local origin (no SMTP hop); the running server's
 * runner picks it up at its next poll. Exit statuses follow sysexits.h like sendmail:
 * 0 queued, 64 usage, 65 bad message, 67 bad address, 75 try again later.
 * Security: any local user may run it and choose the envelope sender (-f), as with Postfix
 * without authorized_submit_users; the Received header records the user.
 */
import { userInfo } from 'node:os';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import type { Config } from '../../config/schema.js';
import { parseMailbox } from '../../core/address.js';
import { systemClock } from '../../core/clock.js';
import type { Recipient } from '../../core/envelope.js';
import { isTransient } from '../../core/reply.js';
import { createRecipientExpander } from '../../delivery/local/recipient-expander.js';
import { createIntake, type IntakeDeps } from '../../queue/intake.js';
import { prepareLocalSubmission } from '../../queue/local-submission.js';
import { parseSendmailArgs } from '../../queue/sendmail-args.js';
import { queueSettings } from '../../queue/settings.js';
import type { QueueStore } from '../../store/ports/queue.js';
import { CliError } from '../errors.js';
import { withQueueContext } from '../queue-context.js';
import { withContext } from '../with-context.js';

export const EX_USAGE = 64;
export const EX_DATAERR = 65;
export const EX_NOUSER = 67;
export const EX_TEMPFAIL = 75;

/** Largest message read from stdin when the config names no limit. */
const DEFAULT_MAX_SIZE = 50 * 1024 * 1024;

export interface SendmailContext {
  readonly config: Config;
  readonly store: QueueStore;
  readonly spoolDir: string;
  readonly stdin: Readable;
  readonly user?: { readonly username: string; readonly uid: number };
  /** Alias expansion at intake, as for SMTP (delivery/local/recipient-expander.ts). */
  readonly expandRecipients?: IntakeDeps['expandRecipients'];
}

async function readAll(input: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > max) throw new CliError(`message is larger than ${max} octets`, EX_DATAERR);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Queues one message from `ctx.stdin`; returns its queue id or throws CliError with a sysexits status. */
export async function runSendmail(argv: readonly string[], ctx: SendmailContext): Promise<string> {
  const parsed = parseSendmailArgs(argv);
  if (!parsed.ok) throw new CliError(parsed.error, EX_USAGE);
  const a = parsed.args;
  if (!a.extractRecipients && a.recipients.length === 0)
    throw new CliError('no recipients given (use -t to read them from the header)', EX_USAGE);
  const user = ctx.user ?? { username: userInfo().username, uid: userInfo().uid };
  const from = a.from ?? `${user.username}@${ctx.config.hostname}`;
  const smtp = (ctx.config as { smtp?: { max_message_size?: number } }).smtp;
  const max = smtp?.max_message_size ?? DEFAULT_MAX_SIZE;
  const raw = await readAll(ctx.stdin, max);
  const prepared = prepareLocalSubmission(raw, {
    ignoreDots: a.ignoreDots,
    extractRecipients: a.extractRecipients,
    from,
    fullName: a.fullName,
    hostname: ctx.config.hostname,
    now: systemClock.now(),
  });
  const rcpts = [...a.recipients, ...prepared.headerRecipients];
  if (rcpts.length === 0) throw new CliError('no recipients found in the header', EX_USAGE);
  const settings = queueSettings(ctx.config.queue);
  const problems: string[] = [];
  const intake = createIntake({
    store: ctx.store,
    spoolDir: ctx.spoolDir,
    hostname: ctx.config.hostname,
    clock: systemClock,
    lifetimeMs: settings.lifetimeMs,
    maxMessageSize: max,
    isHeld: settings.isHeld,
    ...(ctx.expandRecipients ? { expandRecipients: ctx.expandRecipients } : {}),
    log: { info() {}, warn() {}, error: (o) => problems.push(String((o as { err?: unknown }).err ?? '')) },
  });
  try {
    const recipients: Recipient[] = [];
    for (const text of rcpts) {
      const m = parseMailbox(text.replace(/^<(.*)>$/, '$1'));
      if (!m.ok) throw new CliError(`${text}: bad recipient address (${m.detail})`, EX_NOUSER);
      recipients.push({ address: m.value, ...(a.notify ? { notify: a.notify } : {}) });
    }
    const r = await intake.injectLocal({
      from,
      rcpts: recipients,
      body: prepared.message,
      origin: { source: 'sendmail', user: user.username, uid: user.uid },
      dsn: { ...(a.ret ? { ret: a.ret } : {}), ...(a.envid ? { envid: a.envid } : {}) },
      ...(a.bodyType ? { bodyType: a.bodyType } : {}),
    });
    if (!r.ok) {
      const text = r.reply.lines.join(' ');
      const status = isTransient(r.reply) ? EX_TEMPFAIL : r.reply.enhanced?.startsWith('5.1.') ? EX_NOUSER : EX_DATAERR;
      throw new CliError([text, ...problems.filter(Boolean)].join('\n'), status);
    }
    return r.queueId;
  } finally {
    await intake.close();
  }
}

export function registerSendmailCommand(program: Command): void {
  program
    .command('sendmail')
    .description('queue a message from stdin, like sendmail(8): -t, -f ADDR, -F NAME, -i, recipients')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]', 'sendmail options and recipients')
    .action(async (args: string[], _opts, cmd: Command) => {
      await withContext(cmd, ({ directory }) =>
        withQueueContext(cmd, async ({ config, store, spoolDir }) => {
          const expandRecipients = createRecipientExpander({ directory });
          await runSendmail(args, { config, store, spoolDir, stdin: process.stdin, expandRecipients });
        }),
      );
    });
}
