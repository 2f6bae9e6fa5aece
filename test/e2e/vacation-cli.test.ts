/**
 * `mailward vacation set|show|off` against a real data directory: the command is registered
 * on a program with the same global options as bin/mailward, run in a child process
 * (main.ts runs itself on import, so it cannot be imported), and the settings are read back from the SQLite file the server uses.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DATABASE_FILE } from '../../src/cli/context.js';
import { SqliteDirectoryStore } from '../../src/store/sqlite/directory.js';
import { SqliteVacationStore } from '../../src/store/sqlite/vacation.js';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailward-vacation-cli-'));
  const directory = SqliteDirectoryStore.open(join(dir, DATABASE_FILE));
  await directory.addDomain('ours.test');
  await directory.addUser({
    address: 'bob@ours.test',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$Jq1Dp9m3a1m4kcn0rQ8w0bJ6mWjz2bqFrYk3h1m0b5Q',
  });
  directory.close();
  await writeFile(join(dir, 'away.txt'), 'I am away until Monday.\nBob\n');
});
after(() => rm(dir, { recursive: true, force: true }));

const ROOT = join(import.meta.dirname, '../..');

/**
 * The same program shape and error handling as bin/mailward, with only this command
 * registered. With arguments it runs once; without, it runs one command per line of standard
 * input (a JSON array of arguments) and ends each with a NUL line on stdout and stderr, so
 * that one child (one tsx start-up) serves the whole file.
 */
const PROGRAM = `
import { createInterface } from 'node:readline';
import { Command, CommanderError } from 'commander';
import { registerVacationCommand } from './src/cli/commands/vacation.ts';
import { toCliError } from './src/cli/errors.ts';
async function runOne(args) {
  const program = new Command('mailward').option('--config <file>').option('--data-dir <dir>').exitOverride();
  program.configureOutput({ writeErr: (t) => process.stderr.write(t) });
  registerVacationCommand(program);
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return 2;
    const known = toCliError(err);
    if (!known) throw err;
    process.stderr.write('mailward: ' + known.message + '\\n');
    return known.exitCode;
  }
}
const given = process.argv.slice(1);
if (given.length > 0) {
  process.exitCode = await runOne(given);
} else {
  for await (const line of createInterface({ input: process.stdin })) {
    const code = await runOne(JSON.parse(line));
    process.stderr.write('\\0\\n');
    process.stdout.write('\\0' + code + '\\n');
  }
}
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const spawnCli = (args: string[]) =>
  spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROGRAM, '--', ...args], {
    cwd: ROOT,
    env: { ...process.env, MAILWARD_CONFIG: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });

/** One process for one command, with `stdin` as its standard input. */
function runWithStdin(stdin: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(['--data-dir', dir, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

let server: ReturnType<typeof spawnCli> | undefined;
let out = '';
let err = '';
let wake: (() => void) | undefined;

/** Runs one command in the shared child and waits for both end markers. */
async function run(...args: string[]): Promise<Run> {
  if (!server) {
    server = spawnCli([]);
    server.stdout?.on('data', (d) => {
      out += d;
      wake?.();
    });
    server.stderr?.on('data', (d) => {
      err += d;
      wake?.();
    });
  }
  server.stdin?.write(`${JSON.stringify(['--data-dir', dir, ...args])}\n`);
  for (;;) {
    const o = /\0(\d+)\n/.exec(out);
    const e = err.indexOf('\0\n');
    if (o && e >= 0) {
      const result = { code: Number(o[1]), stdout: out.slice(0, o.index), stderr: err.slice(0, e) };
      out = out.slice(o.index + o[0].length);
      err = err.slice(e + 2);
      return result;
    }
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
}

after(() => {
  server?.stdin?.end();
});

describe('mailward vacation', () => {
  test('set stores the settings, show prints them, off turns them off and keeps the text', async () => {
    const bodyFile = join(dir, 'away.txt');
    // biome-ignore format: one option per line reads better
    const set = await run('vacation', 'set', 'Bob@Ours.test', '--subject', 'Away', '--body-file', bodyFile,
      '--interval-days', '3', '--start', '2026-12-01', '--end', '2026-12-05', '--also', 'robert@ours.test');
    assert.deepEqual(set, { code: 0, stdout: 'vacation on for bob@ours.test\n', stderr: '' });
    const show = await run('vacation', 'show', 'bob@ours.test');
    assert.equal(show.code, 0);
    assert.equal(
      show.stdout,
      [
        'address: bob@ours.test',
        'enabled: yes',
        'subject: Away',
        'start: 2026-12-01T00:00:00.000Z',
        'end: 2026-12-06T00:00:00.000Z',
        'interval: 3 days',
        'also: robert@ours.test',
        'body:',
        'I am away until Monday.',
        'Bob',
        '',
      ].join('\n'),
    );
    assert.deepEqual(await run('vacation', 'off', 'bob@ours.test'), {
      code: 0,
      stdout: 'vacation off for bob@ours.test\n',
      stderr: '',
    });
    const store = SqliteVacationStore.open(join(dir, DATABASE_FILE));
    const v = await store.getVacation('bob@ours.test');
    store.close();
    assert.equal(v?.enabled, false);
    assert.equal(v?.body, 'I am away until Monday.\nBob\n');
  });

  test('reads the text from standard input when there is no --body-file', async () => {
    const r = await runWithStdin('Back soon.', 'vacation', 'set', 'bob@ours.test');
    assert.deepEqual(r, { code: 0, stdout: 'vacation on for bob@ours.test\n', stderr: '' });
    const store = SqliteVacationStore.open(join(dir, DATABASE_FILE));
    const v = await store.getVacation('bob@ours.test');
    store.close();
    assert.deepEqual([v?.enabled, v?.body, v?.subject, v?.intervalDays], [true, 'Back soon.', null, null]);
  });

  test('refuses unknown users and settings (exit 1) and bad input (exit 2)', async () => {
    const bodyFile = join(dir, 'away.txt');
    const cases: Array<[string[], number, string]> = [
      [['set', 'nobody@ours.test', '--body-file', bodyFile], 1, 'mailward: no such user: nobody@ours.test\n'],
      [
        ['set', 'bob@ours.test', '--body-file', bodyFile, '--start', '2026-12-05', '--end', '2026-12-01'],
        2,
        'mailward: --end is before --start\n',
      ],
      [
        ['set', 'bob@ours.test', '--body-file', bodyFile, '--interval-days', '0'],
        2,
        'mailward: --interval-days must be a whole number from 1 to 365\n',
      ],
      [['off', 'carol@ours.test'], 1, 'mailward: no vacation settings for carol@ours.test\n'],
      [['show', 'not an address'], 2, 'mailward: invalid address "not an address": missing local part or @\n'],
    ];
    for (const [args, code, stderr] of cases) {
      assert.deepEqual(await run('vacation', ...args), { code, stdout: '', stderr }, args.join(' '));
    }
  });
});
