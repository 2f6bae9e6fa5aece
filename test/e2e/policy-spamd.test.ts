/**
 * content_filtered against a real spamd (Debian packages `spamd` and `spamassassin`) on a
 * loopback port, with the GTUBE string, through the SMTP engine and swaks. spamd runs with
 * local tests only (`-L`, `dns_available no`), so it never looks anything up on the internet.
 * Skipped, with a message, only when the spamd binary is missing.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { policySchema } from '../../src/config/sections/policy.js';
import { systemClock } from '../../src/core/clock.js';
import { createPolicy, type Policy } from '../../src/policy/create-policy.js';
import { askSpamd } from '../../src/policy/spamd-client.js';
import { exampleDirectory, memoryLog, scriptedResolver } from '../../src/policy/test-world.js';
import { startTestServer, type TestServer } from '../helpers/smtp-test-server.js';
import { GTUBE } from '../helpers/spamd-fake.js';

const run = promisify(execFile);
const SPAMD = ['/usr/sbin/spamd', '/usr/bin/spamd'].find((p) => spawnSync(p, ['--version']).status === 0);
const skip = SPAMD ? false : 'spamd is not installed (apt-get install spamd spamassassin)';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    let got = '';
    s.on('connect', () => s.write('PING SPAMC/1.5\r\n\r\n'));
    s.on('data', (d) => {
      got += d.toString('latin1');
    });
    s.on('close', () => resolve(/^SPAMD\/1\.\d 0 PONG/.test(got)));
    s.on('error', () => resolve(false));
    s.setTimeout(1000, () => s.destroy());
  });
}

const message = (body: string) =>
  `From: sender@remote.test\r\nTo: alice@example.test\r\nSubject: policy test\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <t1@remote.test>\r\n\r\n${body}\r\n`;

describe('content_filtered with a real spamd', { skip }, () => {
  let dir: string;
  let child: ChildProcess;
  let port: number;
  let srv: TestServer;
  let policy: Policy;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mailward-spamd-'));
    await chmod(dir, 0o755);
    // The site's plugin loaders (*.pre), and local tests only: no DNS, no network checks, no Bayes.
    for (const f of await readdir('/etc/spamassassin').catch(() => [] as string[])) {
      if (f.endsWith('.pre')) await copyFile(join('/etc/spamassassin', f), join(dir, f));
    }
    await writeFile(join(dir, 'local.cf'), 'dns_available no\nuse_bayes 0\nbayes_auto_learn 0\nskip_rbl_checks 1\n');
    port = await freePort();
    const args = [
      `--listen=127.0.0.1:${port}`,
      '--local',
      '--nouser-config',
      '--max-children=1',
      '--min-children=1',
      `--siteconfigpath=${dir}`,
      `--helper-home-dir=${dir}`,
      `--pidfile=${join(dir, 'spamd.pid')}`,
      '--syslog=stderr',
    ];
    if (process.getuid?.() === 0) args.push('--username=nobody');
    child = spawn(SPAMD as string, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (d) => {
      log += d;
    });
    const t0 = Date.now();
    while (!(await ping(port))) {
      if (Date.now() - t0 > 20_000 || child.exitCode !== null) throw new Error(`spamd did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    policy = createPolicy(
      {
        ...policySchema.parse({ spamd: { enabled: true, port, timeout_ms: 15_000 } }),
        trustedNetworks: ['127.0.0.1/32', '::1/128'],
        hostname: 'mx.example.test',
      },
      { directory: await exampleDirectory(), resolver: scriptedResolver({}), clock: systemClock, log: memoryLog() },
    );
    srv = await startTestServer({
      hooks: {
        onRcpt: policy.onRcpt,
        async onData(view, envelope, body) {
          const ok = await srv.spool.onData(view, envelope, body);
          const spooled = srv.spool.messages.at(-1);
          return (spooled && (await policy.checkContent(view, envelope, spooled.path))) ?? ok;
        },
      },
    });
  });

  after(async () => {
    await srv?.stop();
    if (child && child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('spamd scores GTUBE as spam and a plain note as ham', async () => {
    const spam = await askSpamd(Buffer.from(message(GTUBE)), { host: '127.0.0.1', port, timeoutMs: 15_000 });
    assert.equal(spam.kind === 'verdict' && spam.spam, true);
    assert.ok(spam.kind === 'verdict' && spam.score >= 1000 && spam.symbols.includes('GTUBE'), JSON.stringify(spam));
    const ham = await askSpamd(Buffer.from(message('See you at lunch.')), {
      host: '127.0.0.1',
      port,
      timeoutMs: 15_000,
    });
    assert.equal(ham.kind === 'verdict' && ham.spam, false, JSON.stringify(ham));
  });

  it('refuses GTUBE at end of data with the two-line reply, and queues a plain note', async () => {
    const send = async (body: string) => {
      const r = await run('swaks', [
        '--server',
        `127.0.0.1:${srv.ports.mx}`,
        '--hide-informational',
        '--from',
        'sender@remote.test',
        '--to',
        'alice@example.test',
        '--data',
        message(body).replace(/\r\n/g, '\n'),
      ]).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
      return r.stdout
        .split('\n')
        .filter((l) => /^ *<(-|\*\*) /.test(l))
        .map((l) => l.replace(/^ *<(-|\*\*) +/, ''))
        .filter((l) => !l.startsWith('221 '));
    };
    const refused = await send(GTUBE);
    assert.deepEqual(refused.slice(-2), [
      '553-5.7.1 message filtered as spam',
      '553 5.7.1 see mailto:postmaster@mx.example.test',
    ]);
    const ok = await send('See you at lunch.');
    assert.match(ok.at(-1) ?? '', /^250 2\.0\.0 Ok: queued as /);
  });
});
