/**
 * `mailward suppression list|show|remove ADDRESS`: the addresses that bounced permanently
 * (filled by suppression/bounce-intake.ts, checked by policy/rules/suppressed.ts). The list
 * lives in `<data_dir>/mailward.db`.
 * Security: run by the administrator; the diagnostic is text a remote server wrote and is
 * printed with line breaks folded.
 */
import type { Command } from 'commander';
import { SqliteSuppressionStore } from '../../store/sqlite/suppression.js';
import { CliError } from '../errors.js';
import { print, withContext } from '../with-context.js';

const day = (t: number): string => new Date(t).toISOString().slice(0, 10);

export function registerSuppressionCommand(program: Command): void {
  const s = program.command('suppression').description('addresses that bounced permanently');

  s.command('list')
    .description('one line per address: address, date, reason')
    .action(async (_opts, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        const entries = await SqliteSuppressionStore.onDatabase(ctx.db).list();
        print(entries.length ? entries.map((e) => `${e.address}  ${day(e.at)}  ${e.reason}`) : ['(empty)']);
      });
    });

  s.command('show')
    .description('everything kept about one address')
    .argument('<address>', 'e.g. x@remote.test')
    .action(async (addr: string, _opts, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        const e = await SqliteSuppressionStore.onDatabase(ctx.db).get(addr);
        if (!e) throw new CliError(`not suppressed: ${addr.toLowerCase()}`);
        print([
          `address: ${e.address}`,
          `since: ${new Date(e.at).toISOString()}`,
          `reason: ${e.reason}`,
          `status: ${e.status || '-'}`,
          `diagnostic: ${e.diagnostic.replace(/[\r\n]+/g, ' ')}`,
          `original message-id: ${e.originalMessageId ?? '-'}`,
        ]);
      });
    });

  s.command('remove')
    .description('take an address off the list (mail to it is accepted again)')
    .argument('<address>', 'e.g. x@remote.test')
    .action(async (addr: string, _opts, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        if (!(await SqliteSuppressionStore.onDatabase(ctx.db).remove(addr)))
          throw new CliError(`not suppressed: ${addr.toLowerCase()}`);
        print([`removed ${addr.toLowerCase()}`]);
      });
    });
}
