/**
 * `mailward vacation set|show|off` against a real data directory: the command is registered
 * on a program with the same global options as bin/mailward, run in-process (main.ts runs
 * itself on import), and the settings are read back from the SQLite file the server uses.
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

/** The same program shape and error handling as bin/mailward, with only this command registered. */
const PROGRAM = `
import { Command, CommanderError } from 'commander';
import { toCliError } from './src/cli/errors.ts';
const program = new Command('mailward').option('--config <file>').option('--data-dir <dir>').exitOverride();
registerVacationCommand(program);
try {
  await program.parseAsync(process.argv.slice(1), { from: 'user' });
} catch (err) {
  if (err instanceof CommanderError) process.exit(2);
  const known = toCliError(err);
  if (!known) throw err;
  process.stderr.write('mailward: ' + known.message + '\\n');
  process.exit(known.exitCode);
}
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(...given: string[]): Promise<Run> {
  const at = given.indexOf('--stdin-text');
  const stdin = at >= 0 ? given[at + 1] : undefined;
  const args = at >= 0 ? [...given.slice(0, at), ...given.slice(at + 2)] : given;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', PROGRAM, '--', '--data-dir', dir, ...args],
      { cwd: ROOT, env: { ...process.env, MAILWARD_CONFIG: '' }, stdio: ['pipe', 'pipe', 'pipe'] },
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
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

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
    const r = await run('vacation', 'set', 'bob@ours.test', '--stdin-text', 'Back soon.');
    assert.equal(r.code, 0, r.stderr);
    const show = await run('vacation', 'show', 'bob@ours.test');
    assert.match(show.stdout, /^subject: \(default: Auto: <original subject>\)$/m);
    assert.match(show.stdout, /^interval: 7 \(default\) days$/m);
    assert.match(show.stdout, /\nbody:\nBack soon\.\n$/);
  });

  test('refuses an unknown user, a bad interval and dates in the wrong order', async () => {
    const bodyFile = join(dir, 'away.txt');
    const cases: Array<[string[], number, string]> = [
      [['set', 'nobody@ours.test', '--body-file', bodyFile], 1, 'mailward: no such user: nobody@ours.test\n'],
      [
        ['set', 'bob@ours.test', '--body-file', bodyFile, '--interval-days', '0'],
        2,
        'mailward: --interval-days must be a whole number from 1 to 365\n',
      ],
      [
        ['set', 'bob@ours.test', '--body-file', bodyFile, '--start', '2026-12-05', '--end', '2026-12-01'],
        2,
        'mailward: --end is before --start\n',
      ],
      [['off', 'carol@ours.test'], 1, 'mailward: no vacation settings for carol@ours.test\n'],
    ];
    for (const [args, code, stderr] of cases) {
      assert.deepEqual(await run('vacation', ...args), { code, stdout: '', stderr }, args.join(' '));
    }
  });
});
