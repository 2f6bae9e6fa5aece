/**
 * `mailward queue list|show ID|retry ID|delete ID|flush`: what mailq, postqueue -f/-i and
 * postsuper -d do. The running server notices changes at its next poll (queue.poll_interval).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatDuration } from '../../core/duration.js';
import { replyText } from '../../core/reply.js';
import { removeSpoolFile } from '../../queue/spool.js';
import type { QueueMessage, QueueRecipient } from '../../store/ports/queue.js';
import { CliError } from '../errors.js';
import { withQueueContext } from '../queue-context.js';
import { print } from '../with-context.js';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

function recipientLine(r: QueueRecipient, now: number): string {
  const parts = [`  ${r.address}`, r.claimedBy ? 'active' : r.state, `attempts=${r.attempts}`];
  if (r.state === 'pending' || r.state === 'deferred') {
    parts.push(
      r.nextAttemptAt !== null && r.nextAttemptAt > now
        ? `next=${iso(r.nextAttemptAt)} (in ${formatDuration(r.nextAttemptAt - now)})`
        : 'next=now',
    );
  }
  if (r.lastReply) parts.push(`last="${replyText(r.lastReply)}"`);
  return parts.join('  ');
}

function messageLines(m: QueueMessage, now: number): string[] {
  return [`${m.id}  ${m.size}  ${iso(m.arrivedAt)}  <${m.from}>`, ...m.recipients.map((r) => recipientLine(r, now))];
}

export function registerQueueCommand(program: Command): void {
  const queue = program.command('queue').description('look at and act on the mail queue');

  queue
    .command('list')
    .description('list queued messages and the state of each recipient (like mailq)')
    .option('--json', 'one JSON document')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withQueueContext(cmd, async ({ store }) => {
        const messages = await store.listMessages();
        if (opts.json) return print([JSON.stringify(messages, null, 2)]);
        if (messages.length === 0) return print(['Mail queue is empty']);
        const now = Date.now();
        const total = messages.reduce((n, m) => n + m.size, 0);
        print([
          ...messages.flatMap((m) => [...messageLines(m, now), '']),
          `-- ${Math.ceil(total / 1024)} KiB in ${messages.length} message${messages.length === 1 ? '' : 's'}`,
        ]);
      });
    });

  queue
    .command('show')
    .description('show one message: envelope, recipients, its log; --body prints the spooled message')
    .argument('<id>', 'queue id')
    .option('--body', 'print the message as spooled')
    .option('--json', 'one JSON document')
    .action(async (id: string, opts: { body?: boolean; json?: boolean }, cmd: Command) => {
      await withQueueContext(cmd, async ({ store }) => {
        const m = await store.getMessage(id);
        if (!m) throw new CliError(`no message ${id} in the queue`);
        const events = await store.listEvents({ queueId: id });
        if (opts.json) return print([JSON.stringify({ ...m, events }, null, 2)]);
        if (opts.body) {
          process.stdout.write(await readFile(m.spoolPath).catch(() => Buffer.from('(spool file is gone)\n')));
          return;
        }
        const origin =
          m.origin.kind === 'smtp'
            ? `smtp ${m.origin.client.helo ?? '-'} [${m.origin.client.ip}]`
            : `local ${m.origin.source}${m.origin.user ? ` (${m.origin.user})` : ''}`;
        print([
          `id:          ${m.id}`,
          `from:        <${m.from}>`,
          `arrived:     ${iso(m.arrivedAt)}`,
          `origin:      ${origin}`,
          `size:        ${m.size}`,
          `message-id:  ${m.messageId ?? '-'}`,
          `dsn:         ret=${m.dsn.ret ?? '-'} envid=${m.dsn.envid ?? '-'}`,
          `state:       ${m.doneAt === null ? 'queued' : `done ${iso(m.doneAt)}`}`,
          'recipients:',
          ...m.recipients.map((r) => recipientLine(r, Date.now())),
          'log:',
          ...events.map(
            (e) => `  ${iso(e.time)}  ${e.event}  ${e.rcpt ?? ''}${e.reply ? `  "${replyText(e.reply)}"` : ''}`,
          ),
        ]);
      });
    });

  queue
    .command('retry')
    .description('try the waiting recipients of one message at the next poll')
    .argument('<id>', 'queue id')
    .action(async (id: string, _opts, cmd: Command) => {
      await withQueueContext(cmd, async ({ store }) => {
        if (!(await store.getMessage(id))) throw new CliError(`no message ${id} in the queue`);
        const n = await store.retryNow(id, Date.now());
        print([`${id}: ${n} recipient${n === 1 ? '' : 's'} will be retried now`]);
      });
    });

  queue
    .command('delete')
    .description('remove a message from the queue without notice (like postsuper -d)')
    .argument('<id>', 'queue id')
    .action(async (id: string, _opts, cmd: Command) => {
      await withQueueContext(cmd, async ({ store }) => {
        const spool = await store.deleteMessage(id, Date.now());
        if (spool === null) throw new CliError(`no message ${id} in the queue`);
        await removeSpoolFile(spool);
        print([`${id}: deleted`]);
      });
    });

  queue
    .command('flush')
    .description('try every waiting recipient at the next poll (like postqueue -f)')
    .action(async (_opts, cmd: Command) => {
      await withQueueContext(cmd, async ({ store }) => {
        const n = await store.retryNow(null, Date.now());
        print([`${n} recipient${n === 1 ? '' : 's'} will be retried now`]);
      });
    });
}
