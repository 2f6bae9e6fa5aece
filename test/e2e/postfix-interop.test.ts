/**
 * Interop with Debian's Postfix, both directions, over loopback: a private Postfix instance
 * relays to mailward (its relayhost) and the message lands in a Maildir; mailward delivers
 * a submitted message through a [delivery] route to Postfix's smtp-sink, which dumps it.
 * RFC 5321 §3 (mail transactions between two real MTAs). Skipped only when Postfix is missing.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type MailwardProcess, startMailwardProcess, writeTestConfig } from '../helpers/mailward-process.js';
import { type PostfixInstance, postfixInstalled, startPostfix } from '../helpers/postfix-instance.js';

const run = promisify(execFile);
const SKIP = postfixInstalled() ? false : 'Postfix is not installed (scripts/install-test-tools.sh installs it)';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function swaks(args: string[]): Promise<string> {
  try {
    return (await run('swaks', ['--timeout', '10', ...args])).stdout;
  } catch (err) {
    return (err as { stdout?: string }).stdout ?? '';
  }
}

async function filesIn(dir: string): Promise<string[]> {
  try {
    return await Promise.all((await readdir(dir)).map((n) => readFile(join(dir, n), 'utf8')));
  } catch {
    return [];
  }
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 25_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('interop with Debian Postfix', { skip: SKIP, timeout: 60_000 }, () => {
  let dataDir: string;
  let sinkDir: string;
  let mw: MailwardProcess;
  let pf: PostfixInstance;
  let sink: ReturnType<typeof spawn>;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mw-postfix-'));
    sinkDir = join(dataDir, 'sink');
    await mkdir(sinkDir);
    const sinkPort = await freePort();
    // -d: dump each message into sinkDir (the template is strftime, %M is unique per message).
    sink = spawn('/usr/sbin/smtp-sink', ['-u', 'root', '-d', `${sinkDir}/%M.`, `127.0.0.1:${sinkPort}`, '10'], {
      stdio: 'ignore',
    });
    const config = await writeTestConfig(dataDir, `[delivery]\nroutes = { "remote.test" = "127.0.0.1:${sinkPort}" }\n`);
    mw = await startMailwardProcess(dataDir, config);
    pf = await startPostfix({ port: await freePort(), relayhost: `[127.0.0.1]:${mw.ports.mx}` });
  });
  after(async () => {
    await pf?.stop();
    await mw?.stop();
    sink?.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('Postfix relays to mailward and the message lands in the Maildir', async () => {
    const out = await swaks([
      ...['--server', `127.0.0.1:${pf.port}`, '--from', 'friend@outside.test', '--to', 'postmaster@example.test'],
      ...['--header', 'Subject: postfix-interop-token-1'],
    ]);
    assert.match(out, /^ *<[-~] {1,2}250 2\.0\.0 Ok: queued as \S+$/m, out);
    const maildir = join(dataDir, 'mail', 'example.test', 'postmaster', 'Maildir', 'new');
    const msg = await waitFor('the Maildir copy', async () =>
      (await filesIn(maildir)).find((m) => m.includes('postfix-interop-token-1')),
    );
    assert.match(msg, /^Return-Path: <friend@outside\.test>\r\nDelivered-To: postmaster@example\.test\r\n/);
    assert.match(msg, /by postfix\.mailward\.test \(Postfix\)/);
  });

  it('mailward delivers submitted mail to smtp-sink through a route', async () => {
    assert.ok(mw.firstStart, mw.output());
    const out = await swaks([
      ...['--server', `127.0.0.1:${mw.ports.submission}`, '--tls'],
      ...['--auth', 'PLAIN', '--auth-user', mw.firstStart.user, '--auth-password', mw.firstStart.password],
      ...['--from', mw.firstStart.user, '--to', 'someone@remote.test'],
      ...['--header', 'Subject: postfix-interop-token-2'],
    ]);
    assert.match(out, /^ *<[-~] {1,2}250 2\.0\.0 Ok: queued as \S+$/m, out);
    const dumped = await waitFor('the smtp-sink dump', async () =>
      (await filesIn(sinkDir)).find((m) => m.includes('postfix-interop-token-2')),
    );
    assert.match(dumped, /^Subject: postfix-interop-token-2\r?$/m);
    assert.match(dumped, new RegExp(`^From: ${mw.firstStart.user.replace(/\./g, '\\.')}\\r?$`, 'm'));
  });
});
