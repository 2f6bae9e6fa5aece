/**
 * Runs a private Postfix instance (Debian's binaries, its own config, queue and data
 * directories in a temp dir, smtpd on a loopback port) for interop tests and benchmarks.
 * Setup that was needed: main.cf with config/queue/data directories in the temp dir,
 * `compatibility_level`, `mail_owner = postfix`, `inet_interfaces = 127.0.0.1`,
 * `mydestination =` (nothing local). As root, `postfix -c DIR start` creates the queue
 * subdirectories itself; the temp dir must be mode 0755 (mkdtemp makes 0700) and queue/ and
 * data/ owned by postfix, or master dies on data/master.lock. No maillog_file: errors then
 * go nowhere (no /dev/log here), so a failed start is silent — look with strace. Stopped with
 * `postfix -c DIR stop`; the system Postfix is never touched.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const POSTFIX = '/usr/sbin/postfix';

export function postfixInstalled(): boolean {
  return existsSync(POSTFIX) && existsSync('/usr/lib/postfix/sbin/master');
}

export interface PostfixOptions {
  /** Loopback port of the instance's smtpd. */
  port: number;
  /** `[127.0.0.1]:PORT` style relayhost; omit to accept and keep mail queued (defer). */
  relayhost?: string;
  /** Extra main.cf lines. */
  extra?: string;
}

export interface PostfixInstance {
  readonly dir: string;
  readonly port: number;
  stop(): Promise<void>;
}

export function postfixMainCf(dir: string, o: PostfixOptions): string {
  return `compatibility_level = 3.6
config_directory = ${dir}/etc
queue_directory = ${dir}/queue
data_directory = ${dir}/data
mail_owner = postfix
myhostname = postfix.mailward.test
mydomain = mailward.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtp_host_lookup = native
disable_dns_lookups = yes
smtp_tls_security_level = none
syslog_name = postfix-mailward-test
alias_maps =
alias_database =
${o.relayhost ? `relayhost = ${o.relayhost}` : 'defer_transports = smtp relay\nrelayhost = [127.0.0.1]:9'}
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
${o.extra ?? ''}
`;
}

export function postfixMasterCf(port: number): string {
  return `127.0.0.1:${port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`;
}

export async function startPostfix(o: PostfixOptions): Promise<PostfixInstance> {
  const dir = await mkdtemp(join(tmpdir(), 'mailward-postfix-'));
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'etc'));
  await mkdir(join(dir, 'queue'));
  await mkdir(join(dir, 'data'));
  await writeFile(join(dir, 'etc/main.cf'), postfixMainCf(dir, o));
  await writeFile(join(dir, 'etc/master.cf'), postfixMasterCf(o.port));
  const etc = join(dir, 'etc');
  // Queue and data dirs must belong to the mail owner; postfix start creates the rest.
  await run('chown', ['postfix:postfix', join(dir, 'queue'), join(dir, 'data')]);
  await run(POSTFIX, ['-c', etc, 'start']);
  return {
    dir,
    port: o.port,
    stop: async () => {
      await run(POSTFIX, ['-c', etc, 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
