/** `mailward badmailfrom add|list|remove`: senders refused at MAIL FROM (553 5.7.1). */
import type { Command } from 'commander';
import { checkBadMailFrom } from '../../store/validate.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { print, withContext } from '../with-context.js';

function pattern(text: string): string {
  const p = checkBadMailFrom(text);
  if (!p.ok) throw new CliError(p.error, EXIT_USAGE);
  return p.value.pattern;
}

export function registerBadMailFromCommand(program: Command): void {
  const bmf = program.command('badmailfrom').description('manage refused envelope senders');

  bmf
    .command('add')
    .description('refuse a sender: user@domain, @domain (the whole domain) or /regex/ (case-insensitive)')
    .argument('<pattern>', 'user@domain, @domain or /regex/')
    .action(async (text: string, _opts, cmd: Command) => {
      const p = pattern(text);
      await withContext(cmd, async ({ directory }) => {
        await directory.addBadMailFrom(p);
        print([`added badmailfrom ${p}`]);
      });
    });

  bmf
    .command('list')
    .description('list refused senders')
    .action(async (_opts, cmd: Command) => {
      await withContext(cmd, async ({ directory }) => {
        print((await directory.listBadMailFrom()).map((e) => `${e.pattern}\t${e.kind}`));
      });
    });

  bmf
    .command('remove')
    .description('stop refusing a sender pattern')
    .argument('<pattern>', 'as it was added')
    .action(async (text: string, _opts, cmd: Command) => {
      const p = pattern(text);
      await withContext(cmd, async ({ directory }) => {
        await directory.removeBadMailFrom(p);
        print([`removed badmailfrom ${p}`]);
      });
    });
}
