/**
 * The queue commands as an administrator and a local program use them: `mailward sendmail`
 * fed on stdin, then `queue list|show|retry|delete|flush` and `log`, each run as a child
 * process on a temporary --data-dir, asserting exact output and exit statuses.
 * The child builds the program from the register functions (the same ones main.ts wires).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { reply } from '../../src/core/reply.js';
import { SqliteDirectoryStore } from '../../src/store/sqlite/directory.js';
import { openSqliteQueueStore } from '../../src/store/sqlite/queue.js';

const ROOT = join(import.meta.dirname, '../..');
const HARNESS = `
import { Command, CommanderError } from 'commander';
import { registerQueueCommand } from './src/cli/commands/queue.ts';
import { registerLogCommand } from './src/cli/commands/log.ts';
import { registerSendmailCommand } from './src/cli/commands/sendmail.ts';
import { toCliError } from './src/cli/errors.ts';
// argv: <data dir> <JSON list of command lines>; prints one JSON list of {code, stdout, stderr}
const [dataDir, json] = process.argv.slice(1);
const realOut = process.stdout.write.bind(process.stdout);
const results = [];
for (const args of JSON.parse(json)) {
  const p = new Command('mailward').option('--config <file>').option('--data-dir <dir>').exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerQueueCommand(p); registerLogCommand(p); registerSendmailCommand(p);
  const r = { code: 0, stdout: '', stderr: '' };
  process.stdout.write = (c) => { r.stdout += c.toString(); return true; };
  try { await p.parseAsync(['--data-dir', dataDir, ...args], { from: 'user' }); }
  catch (err) {
    if (err instanceof CommanderError) r.code = err.exitCode === 0 ? 0 : 2;
    else { const k = toCliError(err); if (!k) throw err; r.stderr += 'mailward: ' + k.message + '\\n'; r.code = k.exitCode; }
  }
  process.stdout.write = realOut;
  results.push(r);
}
realOut(JSON.stringify(results));`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dir: string;
/** Runs several command lines in one child process (one start-up), in order. */
function mwAll(commands: string[][], stdin = ''): Promise<Run[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', HARNESS, '--', dir, JSON.stringify(commands)],
      {
        cwd: ROOT,
        env: { ...process.env, MAILWARD_CONFIG: '' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`harness exited ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout) as Run[]);
    });
    child.stdin.end(stdin);
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailward-queue-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ID = /^[0-9A-Za-z]{18}$/;

describe('mailward sendmail, queue and log', () => {
  let first = '';

  test('sendmail queues a message from stdin durably, as a local origin', async () => {
    const [r, list] = await mwAll(
      [
        ['sendmail', '-oi', '-f', 'root@ours.test', '-F', 'Cron Daemon', 'bob@remote.test'],
        ['queue', 'list', '--json'],
      ],
      'Subject: backup\n\ndone\n.\nstill body\n',
    );
    assert.deepEqual(r, { code: 0, stdout: '', stderr: '' });
    const messages = JSON.parse(list?.stdout ?? '');
    assert.equal(messages.length, 1);
    first = messages[0].id;
    assert.match(first, ID);
    assert.equal(messages[0].from, 'root@ours.test');
    assert.equal(messages[0].origin.source, 'sendmail');
    assert.deepEqual(
      messages[0].recipients.map((x: { address: string; state: string }) => [x.address, x.state]),
      [['bob@remote.test', 'pending']],
    );
    const body = (await readFile(messages[0].spoolPath)).toString();
    assert.match(
      body,
      new RegExp(
        `^Received: by [^\\r]+ \\(mailward, from userid [^)]+\\) id ${first}\\r\\n\\tfor <bob@remote.test>;\\r\\n\\t[^\\r]+\\r\\nSubject: backup\\r\\nFrom: "Cron Daemon" <root@ours.test>\\r\\nDate: [^\\r]+\\r\\nMessage-ID: <[^>]+>\\r\\n\\r\\ndone\\r\\n\\.\\r\\nstill body\\r\\n$`,
      ),
    );
  });

  test('sendmail -t reads the recipients from the header; refuses a call without recipients (64)', async () => {
    // one child: the refusals read no stdin (or none is left), the -t call reads the message
    const [none, r, list, bad] = await mwAll(
      [
        ['sendmail', '-oi'],
        ['sendmail', '-t', '-i', '-f', 'www@ours.test'],
        ['queue', 'list'],
        ['sendmail', '-oi', 'not-an-address'],
      ],
      'To: Ann <ann@ours.test>\nBcc: hidden@remote.test\nSubject: x\n\nhi\n',
    );
    assert.equal(r?.code, 0);
    assert.deepEqual(none, {
      code: 64,
      stdout: '',
      stderr: 'mailward: no recipients given (use -t to read them from the header)\n',
    });
    assert.deepEqual(bad, {
      code: 67,
      stdout: '',
      stderr: 'mailward: not-an-address: bad recipient address (missing local part or @)\n',
    });
    assert.match(
      list?.stdout ?? '',
      /\n {2}ann@ours\.test {2}pending {2}attempts=0 {2}next=now\n {2}hidden@remote\.test {2}pending {2}attempts=0 {2}next=now\n\n-- 1 KiB in 2 messages\n$/,
    );
  });

  test('queue list and show give the state, the last reply and the log of a deferred message', async () => {
    const store = openSqliteQueueStore(join(dir, 'queue.db'));
    await store.claimDue('test', Date.now(), 10, { leaseMs: 1, excludeDomains: ['ours.test'] });
    const next = Date.now() + 3_600_000;
    await store.applyResults(
      first,
      [
        {
          address: 'bob@remote.test',
          state: 'deferred',
          event: 'deferred',
          reply: reply(451, '4.7.1', 'Greylisted'),
          stage: 'rcpt',
          remote: { host: 'mx.remote.test', ip: '127.0.0.5' },
          nextAttemptAt: next,
        },
      ],
      Date.now(),
    );
    await store.close();
    const [list, show, missing] = await mwAll([
      ['queue', 'list'],
      ['queue', 'show', first],
      ['queue', 'show', 'nope'],
    ]);
    assert.match(
      list?.stdout ?? '',
      new RegExp(
        `^${first} {2}\\d+ {2}\\S+Z {2}<root@ours.test>\\n {2}bob@remote.test {2}deferred {2}attempts=1 {2}next=\\S+Z \\(in 59m5\\ds\\) {2}last="451 4.7.1 Greylisted"\\n`,
      ),
    );
    assert.equal(show?.code, 0);
    assert.match(show?.stdout ?? '', /^id: {10}\S+\nfrom: {8}<root@ours\.test>\n/);
    assert.match(show?.stdout ?? '', /\norigin: {6}local sendmail \(\S+\)\n/);
    assert.match(
      show?.stdout ?? '',
      /\nlog:\n {2}\S+Z {2}received {2}bob@remote\.test\n {2}\S+Z {2}deferred {2}bob@remote\.test {2}"451 4\.7\.1 Greylisted"\n$/,
    );
    assert.deepEqual(missing, { code: 1, stdout: '', stderr: 'mailward: no message nope in the queue\n' });
  });

  test('log filters by id, recipient and time, in text and JSON', async () => {
    const [byId, json, none, bad] = await mwAll([
      ['log', '--id', first],
      ['log', '--rcpt', 'ann@ours.test', '--since', '1h', '--json'],
      ['log', '--since', '1h', '--id', 'unknown'],
      ['log', '--since', 'soon'],
    ]);
    const lines = (byId?.stdout ?? '').trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? '', new RegExp(`^\\S+Z ${first} received rcpt=<bob@remote.test> detail="sendmail"$`));
    assert.match(
      lines[1] ?? '',
      new RegExp(
        `^\\S+Z ${first} deferred rcpt=<bob@remote.test> remote=mx.remote.test\\[127.0.0.5\\] stage=rcpt reply="451 4.7.1 Greylisted"$`,
      ),
    );
    const events = (json?.stdout ?? '')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      events.map((e) => [e.event, e.rcpt, e.detail]),
      [['received', 'ann@ours.test', 'sendmail']],
    );
    assert.equal(none?.stdout, '');
    assert.deepEqual(bad, {
      code: 2,
      stdout: '',
      stderr: 'mailward: --since: not a duration: soon (try 30m, 1h, 2d)\n',
    });
  });

  test('retry, flush and delete act on the queue; delete removes the spool file and keeps the log', async () => {
    const store = openSqliteQueueStore(join(dir, 'queue.db'));
    const spool = (await store.getMessage(first))?.spoolPath ?? '';
    await store.close();
    assert.equal(existsSync(spool), true);
    const [retry, flush, del, again, log] = await mwAll([
      ['queue', 'retry', first],
      ['queue', 'flush'],
      ['queue', 'delete', first],
      ['queue', 'delete', first],
      ['log', '--id', first, '--json'],
    ]);
    assert.deepEqual(retry, { code: 0, stdout: `${first}: 1 recipient will be retried now\n`, stderr: '' });
    assert.deepEqual(flush, { code: 0, stdout: '3 recipients will be retried now\n', stderr: '' });
    assert.deepEqual(del, { code: 0, stdout: `${first}: deleted\n`, stderr: '' });
    assert.equal(existsSync(spool), false);
    assert.deepEqual(again, { code: 1, stdout: '', stderr: `mailward: no message ${first} in the queue\n` });
    const events = (log?.stdout ?? '')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).event);
    assert.deepEqual(events, ['received', 'deferred', 'retry', 'retry', 'deleted']);
  });

  test('sendmail expands our aliases at intake and keeps the given address as original', async () => {
    const directory = SqliteDirectoryStore.open(join(dir, 'mailward.db'));
    await directory.addDomain('lists.test');
    await directory.addAlias('team@lists.test', ['ann@lists.test', 'bob@remote.test']);
    directory.close();
    const [r, list] = await mwAll(
      [
        ['sendmail', '-i', 'team@lists.test'],
        ['queue', 'list', '--json'],
      ],
      'Subject: t\n\nhi\n',
    );
    assert.equal(r?.code, 0, r?.stderr);
    const last = JSON.parse(list?.stdout ?? '').at(-1);
    assert.deepEqual(
      last.recipients.map((x: { address: string; original: string | null }) => [x.address, x.original]),
      [
        ['ann@lists.test', 'team@lists.test'],
        ['bob@remote.test', 'team@lists.test'],
      ],
    );
  });
});
