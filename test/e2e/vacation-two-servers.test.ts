/**
 * Two mailward servers, each with a user on vacation, writing to each other (issue #6): the
 * first message gets exactly one auto-reply, the auto-reply gets none (RFC 3834 §2:
 * Auto-Submitted), a second message within the interval gets none. Both servers send their
 * replies with the user's address as envelope sender (`envelope_sender = "user"`), the
 * setting in which a careless responder would loop. Bounded: the test waits a fixed time
 * after the first reply and counts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { type MailwardProcess, ROOT, startMailwardProcess } from '../helpers/mailward-process.js';

const run = promisify(execFile);
const PORT = 20000 + Math.floor(Math.random() * 20000);

interface Side {
  dir: string;
  ip: string;
  domain: string;
  user: string;
  mw?: MailwardProcess;
}

async function cli(dir: string, args: string[], input?: string): Promise<void> {
  const p = run(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), '--data-dir', dir, ...args], {
    cwd: ROOT,
  });
  if (input !== undefined) {
    p.child.stdin?.end(input);
  }
  await p;
}

async function prepare(side: Side, dnsPort: number): Promise<string> {
  await cli(side.dir, ['domain', 'add', side.domain]);
  await cli(side.dir, ['user', 'add', side.user, '--password-stdin'], 'not-used-here\n');
  await cli(side.dir, ['vacation', 'set', side.user, '--subject', `away (${side.user})`], 'I am away.\n');
  const config = join(side.dir, 'mailward.toml');
  await writeFile(
    config,
    `hostname = "mx.${side.domain}"
log = { level = "warn" }
[dns]
servers = ["127.0.0.1:${dnsPort}"]
[[listeners]]
role = "mx"
host = "${side.ip}"
port = ${PORT}
tls = "starttls"
[[listeners]]
role = "submission"
port = 0
auth_offered = true
[[listeners]]
role = "submissions"
port = 0
tls = "implicit"
auth_offered = true
[queue]
poll_interval = "200ms"
[delivery]
smtp_port = ${PORT}
[autoreply]
envelope_sender = "user"
`,
  );
  return config;
}

async function inbox(side: Side): Promise<string[]> {
  const [local, domain] = side.user.split('@') as [string, string];
  const dir = join(side.dir, 'mail', domain, local, 'Maildir', 'new');
  const names = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')));
}

async function waitForCount(side: Side, n: number, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while ((await inbox(side)).length < n) {
    if (Date.now() > until) throw new Error(`${side.user} never got ${n} messages`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('vacation between two mailward servers', () => {
  const a: Side = { dir: '', ip: '127.0.0.11', domain: 'a.test', user: 'alice@a.test' };
  const b: Side = { dir: '', ip: '127.0.0.12', domain: 'b.test', user: 'bob@b.test' };
  let dns: TestDnsServer;

  before(async () => {
    dns = await startDnsServer({
      'a.test': { MX: [{ exchange: 'mx.a.test', priority: 10 }] },
      'mx.a.test': { A: [a.ip] },
      'b.test': { MX: [{ exchange: 'mx.b.test', priority: 10 }] },
      'mx.b.test': { A: [b.ip] },
    });
    for (const side of [a, b]) {
      side.dir = await mkdtemp(join(tmpdir(), `mw-vac-${side.domain}-`));
      side.mw = await startMailwardProcess(side.dir, await prepare(side, dns.port));
    }
  });
  after(async () => {
    for (const side of [a, b]) {
      await side.mw?.stop();
      if (side.dir) await rm(side.dir, { recursive: true, force: true });
    }
    await dns?.close();
  });

  it('answers once and never answers an answer', async () => {
    const send = (subject: string) =>
      run('swaks', [
        '--server',
        `${b.ip}:${PORT}`,
        '--from',
        a.user,
        '--to',
        b.user,
        '--header',
        `Subject: ${subject}`,
        '--header',
        `To: ${b.user}`,
        '--header',
        `From: ${a.user}`,
      ]);
    const first = await send('first');
    assert.match(first.stdout, /^<- {2}250 2\.0\.0 Ok: queued as /m);
    await waitForCount(b, 1);
    await waitForCount(a, 1);
    const [reply] = await inbox(a);
    assert.match(reply ?? '', /^Auto-Submitted: auto-replied\r$/m);
    assert.match(reply ?? '', /^Subject: away \(bob@b\.test\)\r$/m);
    assert.match(reply ?? '', /^Return-Path: <bob@b\.test>\r$/m);

    const second = await send('second');
    assert.match(second.stdout, /^<- {2}250 2\.0\.0 Ok: queued as /m);
    await waitForCount(b, 2);
    // Bounded wait for anything that should not come: a reply to the reply, or a second reply.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await inbox(a)).length, 1, 'alice got exactly one auto-reply');
    assert.equal((await inbox(b)).length, 2, 'bob got the two messages and no auto-reply back');
  });
});
