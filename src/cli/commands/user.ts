/**
 * `mailward user add|passwd|list|remove`: mailbox users (the login is the address).
 * Security: passwords come from a no-echo prompt or `--password-stdin`, never from argv;
 * only the argon2id hash is stored.
 */
import type { Command } from 'commander';
import { hashPassword } from '../../store/passwords.js';
import { checkAddress, checkDomain, domainOf } from '../../store/validate.js';
import { CliError, EXIT_FAILED, EXIT_USAGE } from '../errors.js';
import { readNewPassword } from '../password-input.js';
import { print, withContext } from '../with-context.js';

function address(text: string): string {
  const a = checkAddress(text);
  if (!a.ok) throw new CliError(a.error, EXIT_USAGE);
  return a.value;
}

function quota(text: string | undefined): number | null {
  if (text === undefined) return null;
  const m = /^(\d+)([KMG]?)$/i.exec(text.trim());
  if (!m) throw new CliError(`invalid quota "${text}": expected bytes, or a number with K, M or G`, EXIT_USAGE);
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[(m[2] as string).toUpperCase()] as number;
  return Number(m[1]) * unit;
}

export function registerUserCommand(program: Command): void {
  const user = program.command('user').description('manage mailbox users');

  user
    .command('add')
    .description('add a user in an existing domain; the password is prompted for')
    .argument('<address>', 'user@domain, also the login name')
    .option('--password-stdin', 'read the password from standard input (one line)')
    .option('--quota <size>', 'mailbox quota in bytes, or with K, M, G (default: unlimited)')
    .action(async (text: string, opts: { passwordStdin?: boolean; quota?: string }, cmd: Command) => {
      const a = address(text);
      const q = quota(opts.quota);
      await withContext(cmd, async ({ directory }) => {
        // Refuse before asking for a password that would be thrown away.
        if (!(await directory.hasDomain(domainOf(a)))) throw new CliError(`unknown domain ${domainOf(a)}`, EXIT_FAILED);
        if (await directory.findUser(a)) throw new CliError(`user ${a} already exists`, EXIT_FAILED);
        const password = await readNewPassword(opts);
        await directory.addUser({ address: a, passwordHash: await hashPassword(password), quotaBytes: q });
        print([`added user ${a}`]);
      });
    });

  user
    .command('passwd')
    .description("change a user's password")
    .argument('<address>', 'user@domain')
    .option('--password-stdin', 'read the password from standard input (one line)')
    .action(async (text: string, opts: { passwordStdin?: boolean }, cmd: Command) => {
      const a = address(text);
      await withContext(cmd, async ({ directory }) => {
        if (!(await directory.findUser(a))) throw new CliError(`unknown user ${a}`, EXIT_FAILED);
        const password = await readNewPassword(opts);
        await directory.setPasswordHash(a, await hashPassword(password));
        print([`changed the password of ${a}`]);
      });
    });

  user
    .command('list')
    .description('list users, of one domain or of all')
    .argument('[domain]', 'only this domain')
    .action(async (domain: string | undefined, _opts, cmd: Command) => {
      if (domain !== undefined) {
        const d = checkDomain(domain);
        if (!d.ok) throw new CliError(d.error, EXIT_USAGE);
        domain = d.value;
      }
      await withContext(cmd, async ({ directory }) => {
        if (domain !== undefined && !(await directory.hasDomain(domain))) {
          throw new CliError(`unknown domain ${domain}`, EXIT_FAILED);
        }
        const users = await directory.listUsers(domain);
        print(users.map((u) => (u.quotaBytes === null ? u.address : `${u.address}\tquota ${u.quotaBytes}`)));
      });
    });

  user
    .command('remove')
    .description('remove a user (the mailbox on disk is kept)')
    .argument('<address>', 'user@domain')
    .action(async (text: string, _opts, cmd: Command) => {
      const a = address(text);
      await withContext(cmd, async ({ directory }) => {
        await directory.removeUser(a);
        print([`removed user ${a}`]);
      });
    });
}
