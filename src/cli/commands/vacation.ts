/**
 * `mailward vacation set|show|off ADDRESS`: a user's vacation auto-reply (RFC 3834, RFC 5230).
 * The body comes from `--body-file` or standard input. Settings live in the same database
 * as the directory (`<data_dir>/mailward.db`).
 * Security: run by the administrator; the address must be an existing user, the body is
 * stored as text and only ever sent as a text/plain part.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { SqliteVacationStore } from '../../store/sqlite/vacation.js';
import { checkAddress } from '../../store/validate.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { print, withContext } from '../with-context.js';

const DAY = 86_400_000;

/** `2026-12-01` (midnight UTC; for --end the whole day counts) or an ISO date-time. */
export function parseWhen(text: string, end: boolean): number {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const t = Date.parse(dateOnly ? `${text}T00:00:00Z` : text);
  if (!Number.isFinite(t))
    throw new CliError(`not a date: "${text}" (use 2026-12-01 or 2026-12-01T08:00:00Z)`, EXIT_USAGE);
  return dateOnly && end ? t + DAY : t;
}

function address(text: string): string {
  const a = checkAddress(text);
  if (!a.ok) throw new CliError(a.error, EXIT_USAGE);
  return a.value;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new CliError('give the reply text with --body-file FILE or on standard input', EXIT_USAGE);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const iso = (t: number | null): string => (t === null ? '-' : new Date(t).toISOString());

interface SetOptions {
  subject?: string;
  bodyFile?: string;
  intervalDays?: string;
  start?: string;
  end?: string;
  also?: string[];
}

export function registerVacationCommand(program: Command): void {
  const vacation = program.command('vacation').description("manage a user's vacation auto-reply");

  vacation
    .command('set')
    .description('turn the auto-reply on (text from --body-file or standard input)')
    .argument('<address>', 'the user, e.g. bob@example.com')
    .option('--subject <text>', 'subject of the reply (default: "Auto: <original subject>")')
    .option('--body-file <file>', 'file holding the reply text (UTF-8); default: standard input')
    .option('--interval-days <n>', 'days before the same sender gets another reply (default from config, 7)')
    .option('--start <date>', 'reply from this date on (2026-12-01 or ISO date-time)')
    .option('--end <date>', 'reply until the end of this date (or until an ISO date-time)')
    .option('--also <address...>', 'other addresses that count as the user (aliases)')
    .action(async (addr: string, opts: SetOptions, cmd: Command) => {
      const user = address(addr);
      const also = (opts.also ?? []).map(address);
      let intervalDays: number | null = null;
      if (opts.intervalDays !== undefined) {
        intervalDays = Number(opts.intervalDays);
        if (!Number.isInteger(intervalDays) || intervalDays < 1 || intervalDays > 365) {
          throw new CliError('--interval-days must be a whole number from 1 to 365', EXIT_USAGE);
        }
      }
      const startAt = opts.start ? parseWhen(opts.start, false) : null;
      const endAt = opts.end ? parseWhen(opts.end, true) : null;
      if (startAt !== null && endAt !== null && endAt <= startAt)
        throw new CliError('--end is before --start', EXIT_USAGE);
      const body = opts.bodyFile ? await readFile(opts.bodyFile, 'utf8') : await readStdin();
      if (body.trim() === '') throw new CliError('the reply text is empty', EXIT_USAGE);
      await withContext(cmd, async (ctx) => {
        if (!(await ctx.directory.findUser(user))) throw new CliError(`no such user: ${user}`);
        const store = SqliteVacationStore.onDatabase(ctx.db);
        await store.setVacation({
          address: user,
          enabled: true,
          subject: opts.subject ?? null,
          body,
          startAt,
          endAt,
          intervalDays,
          extraAddresses: also,
        });
        print([`vacation on for ${user}`]);
      });
    });

  vacation
    .command('show')
    .description("show a user's auto-reply settings")
    .argument('<address>', 'the user')
    .action(async (addr: string, _opts, cmd: Command) => {
      const user = address(addr);
      await withContext(cmd, async (ctx) => {
        const v = await SqliteVacationStore.onDatabase(ctx.db).getVacation(user);
        if (!v) throw new CliError(`no vacation settings for ${user}`);
        print([
          `address: ${v.address}`,
          `enabled: ${v.enabled ? 'yes' : 'no'}`,
          `subject: ${v.subject ?? `(default: ${ctx.config.autoreply.subject_prefix} <original subject>)`}`,
          `start: ${iso(v.startAt)}`,
          `end: ${iso(v.endAt)}`,
          `interval: ${v.intervalDays ?? `${ctx.config.autoreply.default_interval_days} (default)`} days`,
          `also: ${v.extraAddresses.length ? v.extraAddresses.join(', ') : '-'}`,
          'body:',
          v.body.replace(/\r?\n$/, ''),
        ]);
      });
    });

  vacation
    .command('off')
    .description('turn the auto-reply off (the text is kept)')
    .argument('<address>', 'the user')
    .action(async (addr: string, _opts, cmd: Command) => {
      const user = address(addr);
      await withContext(cmd, async (ctx) => {
        if (!(await SqliteVacationStore.onDatabase(ctx.db).disableVacation(user))) {
          throw new CliError(`no vacation settings for ${user}`);
        }
        print([`vacation off for ${user}`]);
      });
    });
}
