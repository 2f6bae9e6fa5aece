/**
 * The whole server as a person runs it: `mailward serve` in a child process, driven by swaks
 * and a raw SMTP client. Covers the issues' "done when" lines (553 relay refusal from an
 * outsider, 553 5.1.1 for an unknown local user, delivery into the Maildir with a log line),
 * and crash safety with a real `kill -9`: every message that got 250 is delivered exactly
 * once after restart.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type MailwardProcess, ROOT, startMailwardProcess, writeTestConfig } from '../helpers/mailward-process.js';
import { swaks } from '../helpers/run-tools.js';
import { SmtpClient } from '../helpers/smtp-dialogue.js';

const run = promisify(execFile);

async function maildirFiles(dataDir: string, domain: string, user: string): Promise<string[]> {
  const dir = join(dataDir, 'mail', domain, user, 'Maildir', 'new');
  try {
    const names = await readdir(dir);
    return Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')));
  } catch {
    return [];
  }
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('mailward serve', () => {
  let dataDir: string;
  let mw: MailwardProcess;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mw-serve-'));
    mw = await startMailwardProcess(dataDir, await writeTestConfig(dataDir));
  });
  after(async () => {
    await mw?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints the example user and password on the first start', () => {
    assert.equal(mw.firstStart?.user, 'postmaster@example.test');
    assert.match(mw.firstStart?.password ?? '', /^[A-Za-z0-9_-]{16}$/);
  });

  it('refuses relay for an outsider with 553 5.7.1 while advertising ENHANCEDSTATUSCODES', async () => {
    const out = await swaks([
      '--server',
      `127.0.0.1:${mw.ports.mx}`,
      '--from',
      '<>',
      '--to',
      'someone@remote.test',
      '--local-interface',
      '127.0.0.2',
      '--quit-after',
      'RCPT',
    ]);
    assert.match(out, /^<- {2}250-ENHANCEDSTATUSCODES$/m);
    assert.match(out, /^<\*\* 553 5\.7\.1 <someone@remote\.test>: not an open relay$/m);
  });

  it('refuses an unknown local recipient with 553 5.1.1', async () => {
    const out = await swaks([
      '--server',
      `127.0.0.1:${mw.ports.mx}`,
      '--from',
      '<>',
      '--to',
      'nobody@example.test',
      '--quit-after',
      'RCPT',
    ]);
    assert.match(out, /^<\*\* 553 5\.1\.1 <nobody@example\.test>: no mailbox here by that name$/m);
  });

  it('delivers a message from swaks into the Maildir and logs it', async () => {
    const out = await swaks([
      '--server',
      `127.0.0.1:${mw.ports.mx}`,
      '--from',
      'friend@example.test',
      '--to',
      'postmaster@example.test',
      '--header',
      'Subject: serve-e2e-token-1',
    ]);
    const id = /^<- {2}250 2\.0\.0 Ok: queued as (\S+)$/m.exec(out)?.[1];
    assert.ok(id, out);
    const msg = await waitFor('the Maildir copy', async () =>
      (await maildirFiles(dataDir, 'example.test', 'postmaster')).find((m) => m.includes('serve-e2e-token-1')),
    );
    assert.match(msg, /^Return-Path: <friend@example\.test>\r\nDelivered-To: postmaster@example\.test\r\n/);
    const log = await run(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), '--data-dir', dataDir, 'log', '--id', id],
      { cwd: ROOT },
    );
    assert.match(log.stdout, new RegExp(`${id} delivered rcpt=<postmaster@example\\.test> stage=local`));
  });

  it('makes the submission port require AUTH, then relays for the authenticated user', async () => {
    // One submission attempt to a remote recipient, with or without a login.
    const attempt = (password?: string) =>
      swaks([
        ...['--server', `127.0.0.1:${mw.ports.submission}`, '--tls'],
        ...(password === undefined
          ? []
          : ['--auth', 'PLAIN', '--auth-user', 'postmaster@example.test', '--auth-password', password]),
        ...['--from', 'postmaster@example.test', '--to', 'someone@remote.test', '--quit-after', 'RCPT'],
      ]);
    assert.match(
      await attempt(),
      /^<~\* 553 5\.7\.1 authentication is required to send mail as <postmaster@example\.test>$/m,
    );
    assert.match(await attempt('wrong'), /^<~\* 535 5\.7\.8 Authentication credentials invalid$/m);
    assert.match(await attempt(mw.firstStart?.password ?? ''), /^<~ {2}250 2\.1\.5 /m);
  });
});

describe('crash safety: kill -9 while clients send', () => {
  it('delivers every message that got 250 exactly once after restart (2 rounds)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mw-crash-'));
    const config = await writeTestConfig(dataDir);
    const accepted = new Set<string>();
    try {
      for (let round = 0; round < 2; round++) {
        const mw = await startMailwardProcess(dataDir, config);
        let stop = false;
        const client = async (n: number) => {
          let i = 0;
          while (!stop) {
            const token = `crash-${round}-${n}-${i++}`;
            try {
              const c = await SmtpClient.connect(mw.ports.mx);
              await c.expect(/^220 /);
              c.write(
                'EHLO client.test\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<postmaster@example.test>\r\nDATA\r\n',
              );
              await c.expect(/^250[ -]/);
              await c.expect(/^250 /);
              await c.expect(/^250 /);
              await c.expect(/^354 /);
              c.write(`Subject: ${token}\r\n\r\nbody of ${token}\r\n.\r\n`);
              const r = await c.reply();
              if (r?.startsWith('250 ')) accepted.add(token);
              c.close();
            } catch {
              // the server died under us: that message was never acknowledged
            }
          }
        };
        const clients = [0, 1, 2, 3].map(client);
        await new Promise((r) => setTimeout(r, 800 + Math.floor(Math.random() * 1200)));
        await mw.stop('SIGKILL');
        stop = true;
        await Promise.all(clients);
      }
      assert.ok(accepted.size > 0, 'some messages were accepted before the kills');
      const mw = await startMailwardProcess(dataDir, config);
      try {
        const counts = await waitFor(
          'every acknowledged message in the Maildir',
          async () => {
            const files = await maildirFiles(dataDir, 'example.test', 'postmaster');
            const seen = new Map<string, number>();
            for (const f of files) {
              const t = /^Subject: (crash-\S+)/m.exec(f)?.[1];
              if (t) seen.set(t, (seen.get(t) ?? 0) + 1);
            }
            return [...accepted].every((t) => seen.has(t)) ? seen : undefined;
          },
          30_000,
        );
        for (const [token, n] of counts) assert.equal(n, 1, `${token} delivered ${n} times`);
      } finally {
        await mw.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
