/** `mailward alias add|list|remove`: aliases and catch-alls (`@domain`) of our domains. */
import type { Command } from 'commander';
import { checkAddress, checkAliasSource, checkDomain } from '../../store/validate.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { print, withContext } from '../with-context.js';

function source(text: string): string {
  const s = checkAliasSource(text);
  if (!s.ok) throw new CliError(s.error, EXIT_USAGE);
  return s.value.source;
}

export function registerAliasCommand(program: Command): void {
  const alias = program.command('alias').description('manage aliases (user@domain or catch-all @domain)');

  alias
    .command('add')
    .description('deliver mail for SOURCE to one or more TARGET addresses')
    .argument('<source>', 'user@domain, or @domain for every address without a user or alias')
    .argument('<target...>', 'addresses, local or remote')
    .action(async (src: string, targets: string[], _opts, cmd: Command) => {
      const s = source(src);
      const t = targets.map((x) => {
        const a = checkAddress(x);
        if (!a.ok) throw new CliError(a.error, EXIT_USAGE);
        return a.value;
      });
      await withContext(cmd, async ({ directory }) => {
        await directory.addAlias(s, t);
        print([`added alias ${s} -> ${[...new Set(t)].join(', ')}`]);
      });
    });

  alias
    .command('list')
    .description('list aliases, of one domain or of all')
    .argument('[domain]', 'only this domain')
    .action(async (domain: string | undefined, _opts, cmd: Command) => {
      if (domain !== undefined) {
        const d = checkDomain(domain);
        if (!d.ok) throw new CliError(d.error, EXIT_USAGE);
        domain = d.value;
      }
      await withContext(cmd, async ({ directory }) => {
        const aliases = await directory.listAliases(domain);
        print(aliases.map((a) => `${a.source} -> ${a.targets.join(', ')}`));
      });
    });

  alias
    .command('remove')
    .description('remove an alias')
    .argument('<source>', 'user@domain or @domain')
    .action(async (src: string, _opts, cmd: Command) => {
      const s = source(src);
      await withContext(cmd, async ({ directory }) => {
        await directory.removeAlias(s);
        print([`removed alias ${s}`]);
      });
    });
}
