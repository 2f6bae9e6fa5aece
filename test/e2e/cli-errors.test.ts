/**
 * The real `./bin/mailward` as a child process with a temporary --data-dir: the failures an
 * administrator meets most, with their exact message on stderr and exit status (1 the
 * operation failed, 2 usage error). The full command set is tested in-process in
 * src/cli/program.test.ts; this file proves the binary, the streams and the statuses.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const BIN = join(import.meta.dirname, '../../bin/mailward');
let dir: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function mailward(args: string[], stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--data-dir', dir, ...args], {
      env: { ...process.env, MAILWARD_CONFIG: '' },
    });
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

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailward-cli-e2e-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('adds a domain and a user whose password comes from stdin', async () => {
  assert.deepEqual(await mailward(['domain', 'add', 'example.com']), {
    code: 0,
    stdout: 'added domain example.com\n',
    stderr: '',
  });
  assert.deepEqual(await mailward(['user', 'add', 'bob@example.com', '--password-stdin'], 'pw\n'), {
    code: 0,
    stdout: 'added user bob@example.com\n',
    stderr: '',
  });
});

test('a duplicate user exits 1', async () => {
  assert.deepEqual(await mailward(['user', 'add', 'bob@example.com', '--password-stdin'], 'pw\n'), {
    code: 1,
    stdout: '',
    stderr: 'mailward: user bob@example.com already exists\n',
  });
});

test('a user in an unknown domain exits 1', async () => {
  assert.deepEqual(await mailward(['user', 'add', 'bob@nowhere.test', '--password-stdin'], 'pw\n'), {
    code: 1,
    stdout: '',
    stderr: 'mailward: unknown domain nowhere.test\n',
  });
});

test('a malformed address exits 2', async () => {
  assert.deepEqual(await mailward(['user', 'add', 'bob@@example.com', '--password-stdin'], 'pw\n'), {
    code: 2,
    stdout: '',
    stderr: 'mailward: invalid address "bob@@example.com": invalid local part\n',
  });
});

test('a malformed CIDR exits 2', async () => {
  assert.deepEqual(await mailward(['trusted', 'add', '192.0.2.0/33']), {
    code: 2,
    stdout: '',
    stderr: 'mailward: invalid network "192.0.2.0/33": prefix length must be from 0 to 32\n',
  });
});

test('a badmailfrom regex that does not compile exits 2', async () => {
  assert.deepEqual(await mailward(['badmailfrom', 'add', '/[a-/']), {
    code: 2,
    stdout: '',
    stderr:
      'mailward: invalid badmailfrom pattern "/[a-/": Invalid regular expression: /[a-/i: Unterminated character class\n',
  });
});

test('an unknown command exits 2', async () => {
  assert.deepEqual(await mailward(['frobnicate']), {
    code: 2,
    stdout: '',
    stderr: "mailward: unknown command 'frobnicate'\n(run with --help for usage)\n",
  });
});
