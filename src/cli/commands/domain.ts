/** `mailward domain add|list|remove`: the domains this server receives mail for. */
import type { Command } from 'commander';
import { checkDomain } from '../../store/validate.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { print, withContext } from '../with-context.js';

export function registerDomainCommand(program: Command): void {
  const domain = program.command('domain').description('manage the domains this server receives mail for');

  domain
    .command('add')
    .description('add a domain')
    .argument('<domain>', 'domain name, e.g. example.com')
    .action(async (name: string, _opts, cmd: Command) => {
      const d = checkDomain(name);
      if (!d.ok) throw new CliError(d.error, EXIT_USAGE);
      await withContext(cmd, async ({ directory }) => {
        await directory.addDomain(d.value);
        print([`added domain ${d.value}`]);
      });
    });

  domain
    .command('list')
    .description('list the domains')
    .action(async (_opts, cmd: Command) => {
      await withContext(cmd, async ({ directory }) => print(await directory.listDomains()));
    });

  domain
    .command('remove')
    .description('remove a domain that has no users or aliases left')
    .argument('<domain>', 'domain name')
    .action(async (name: string, _opts, cmd: Command) => {
      const d = checkDomain(name);
      if (!d.ok) throw new CliError(d.error, EXIT_USAGE);
      await withContext(cmd, async ({ directory }) => {
        await directory.removeDomain(d.value);
        print([`removed domain ${d.value}`]);
      });
    });
}
