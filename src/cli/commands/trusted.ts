/**
 * `mailward trusted add|list|remove`: networks whose clients may relay without AUTH, on top
 * of `trusted_networks` in the config file (which only the file changes).
 * Security: a trusted network can relay anywhere; CIDRs are parsed strictly (store/cidr.ts).
 */
import type { Command } from 'commander';
import { checkCidr } from '../../store/cidr.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { print, withContext } from '../with-context.js';

function cidr(text: string): string {
  const c = checkCidr(text);
  if (!c.ok) throw new CliError(c.error, EXIT_USAGE);
  return c.value;
}

export function registerTrustedCommand(program: Command): void {
  const trusted = program.command('trusted').description('manage trusted networks (may relay without AUTH)');

  trusted
    .command('add')
    .description('trust a network, e.g. 192.0.2.0/24 or 2001:db8::/32')
    .argument('<cidr>', 'network in CIDR form, or a single address')
    .action(async (text: string, _opts, cmd: Command) => {
      const c = cidr(text);
      await withContext(cmd, async ({ directory }) => {
        await directory.addTrustedNetwork(c);
        print([`added trusted network ${c}`]);
      });
    });

  trusted
    .command('list')
    .description('list trusted networks: from the config file, then those added here')
    .action(async (_opts, cmd: Command) => {
      await withContext(cmd, async ({ config, directory }) => {
        const added = await directory.listTrustedNetworks();
        print([...config.trusted_networks.map((c) => `${c}\t(config)`), ...added]);
      });
    });

  trusted
    .command('remove')
    .description('stop trusting a network added with `trusted add`')
    .argument('<cidr>', 'as listed')
    .action(async (text: string, _opts, cmd: Command) => {
      const c = cidr(text);
      await withContext(cmd, async ({ config, directory }) => {
        if (config.trusted_networks.includes(c) && !(await directory.listTrustedNetworks()).includes(c)) {
          throw new CliError(`trusted network ${c} comes from the config file (trusted_networks); edit the file`);
        }
        await directory.removeTrustedNetwork(c);
        print([`removed trusted network ${c}`]);
      });
    });
}
