/**
 * `mailward log [--rcpt ADDR] [--id ID] [--since DURATION] [--limit N] [--json]`: the delivery
 * log — received, delivered, deferred, failed, expired, notice sent — with the remote host,
 * the stage and the full reply of each event.
 */
import type { Command } from 'commander';
import { parseDuration } from '../../core/duration.js';
import { replyText } from '../../core/reply.js';
import type { QueueEvent } from '../../store/ports/queue.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { withQueueContext } from '../queue-context.js';
import { print } from '../with-context.js';

/** One event as one line: time, id, event, then key=value fields that are present. */
export function formatEvent(e: QueueEvent): string {
  const parts = [new Date(e.time).toISOString(), e.queueId, e.event];
  if (e.rcpt) parts.push(`rcpt=<${e.rcpt}>`);
  if (e.remoteHost || e.remoteIp) parts.push(`remote=${e.remoteHost ?? ''}${e.remoteIp ? `[${e.remoteIp}]` : ''}`);
  if (e.stage) parts.push(`stage=${e.stage}`);
  if (e.reply) parts.push(`reply="${replyText(e.reply)}"`);
  if (e.detail) parts.push(`detail="${e.detail}"`);
  return parts.join(' ');
}

export function registerLogCommand(program: Command): void {
  program
    .command('log')
    .description('show the delivery log')
    .option('--rcpt <address>', 'only this recipient')
    .option('--id <queueId>', 'only this message')
    .option('--since <duration>', 'only the last DURATION (e.g. 30m, 1h, 2d)')
    .option('--limit <n>', 'at most the last N events', '1000')
    .option('--json', 'one JSON object per line')
    .action(
      async (opts: { rcpt?: string; id?: string; since?: string; limit: string; json?: boolean }, cmd: Command) => {
        let since: number | undefined;
        if (opts.since !== undefined) {
          const ms = parseDuration(opts.since);
          if (ms === null) throw new CliError(`--since: not a duration: ${opts.since} (try 30m, 1h, 2d)`, EXIT_USAGE);
          since = Date.now() - ms;
        }
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new CliError(`--limit: not a positive number: ${opts.limit}`, EXIT_USAGE);
        await withQueueContext(cmd, async ({ store }) => {
          const events = await store.listEvents({
            ...(opts.id ? { queueId: opts.id } : {}),
            ...(opts.rcpt ? { rcpt: opts.rcpt.replace(/^<|>$/g, '') } : {}),
            ...(since !== undefined ? { since } : {}),
            limit,
          });
          print(
            events.map((e) =>
              opts.json ? JSON.stringify({ ...e, time: new Date(e.time).toISOString() }) : formatEvent(e),
            ),
          );
        });
      },
    );
}
