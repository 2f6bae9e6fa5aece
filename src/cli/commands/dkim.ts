/**
 * `mailward dkim generate DOMAIN [--selector S]` and `mailward dkim show DOMAIN [--selector S]`:
 * create a DKIM key pair for a domain (stored under `<data_dir>/dkim/`, private key mode 0600)
 * and print the TXT record to publish. RFC 6376 §3.6.1 (key record), §3.6.2.1 (the
 * `<selector>._domainkey.<domain>` name).
 * Security: arguments come from the administrator; domain and selector are validated by the
 * key store before they name files. The private key is never printed.
 */
import type { Command } from 'commander';
import { generateDkimKey, keyDomain, listSelectors, readDnsRecord } from '../../mailauth/keys.js';
import { loadCliConfig } from '../context.js';
import { CliError, EXIT_FAILED, EXIT_USAGE } from '../errors.js';
import { print } from '../with-context.js';

interface DkimOptions {
  selector?: string;
}

/** data_dir and the configured selector, honouring --config and --data-dir. */
function settings(cmd: Command): { dataDir: string; selector: string } {
  const { config } = loadCliConfig(cmd.optsWithGlobals());
  return { dataDir: config.data_dir, selector: config.mailauth.dkim_selector };
}

function checkedDomain(domain: string): string {
  const d = keyDomain(domain);
  if (!d) throw new CliError(`invalid domain "${domain}"`, EXIT_USAGE);
  return d;
}

export function registerDkimCommand(program: Command): void {
  const dkim = program.command('dkim').description('DKIM keys for signing outgoing mail');

  dkim
    .command('generate')
    .description('create an RSA 2048 key pair for a domain and print the DNS TXT record to publish')
    .argument('<domain>', 'domain that signs, e.g. example.com')
    .option('--selector <selector>', 'DKIM selector (one DNS label); default: mailauth.dkim_selector')
    .action(async (domain: string, opts: DkimOptions, cmd: Command) => {
      const d = checkedDomain(domain);
      const { dataDir, selector } = settings(cmd);
      const r = await generateDkimKey(dataDir, d, opts.selector ?? selector);
      if (!r.ok) throw new CliError(r.error, r.error.startsWith('invalid') ? EXIT_USAGE : EXIT_FAILED);
      print([
        `generated a DKIM key for ${r.key.domain} with selector ${r.key.selector} (${r.key.keyFile})`,
        'publish this TXT record in DNS:',
        r.key.zoneLine,
      ]);
    });

  dkim
    .command('show')
    .description('print the DNS TXT record of the stored key(s) of a domain')
    .argument('<domain>', 'domain name')
    .option('--selector <selector>', 'only this selector')
    .action(async (domain: string, opts: DkimOptions, cmd: Command) => {
      const d = checkedDomain(domain);
      const { dataDir } = settings(cmd);
      const selectors = opts.selector ? [opts.selector.toLowerCase()] : await listSelectors(dataDir, d);
      const lines: string[] = [];
      for (const s of selectors) {
        const record = await readDnsRecord(dataDir, d, s);
        if (record) lines.push(record);
      }
      if (lines.length === 0) {
        throw new CliError(
          `no DKIM key for ${d}${opts.selector ? ` with selector ${opts.selector}` : ''}; create one with: mailward dkim generate ${d}`,
          EXIT_FAILED,
        );
      }
      print(lines);
    });
}
