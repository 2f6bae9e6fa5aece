/**
 * `mailward user add` on a terminal: the password is asked twice with echo off, a mismatch is
 * refused, and the typed password never appears on the screen. A real pseudo-terminal comes
 * from python3's pty module (python3 is on every test machine).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const BIN = join(import.meta.dirname, '../../bin/mailward');
let dir: string;

// Runs argv on a pty, answers each prompt that contains "password:" with the next answer,
// and prints everything the terminal showed, then the exit status.
const PTY = `
import os, pty, select, sys, json
answers = json.loads(sys.argv[1]); argv = sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
seen = b''
while True:
    r, _, _ = select.select([fd], [], [], 20)
    if not r: break
    try: chunk = os.read(fd, 4096)
    except OSError: break
    if not chunk: break
    seen += chunk
    while answers and seen.lower().count(b'password:') > len(json.loads(sys.argv[1])) - len(answers):
        os.write(fd, answers.pop(0).encode() + b'\\r')
_, status = os.waitpid(pid, 0)
sys.stdout.write(json.dumps({'screen': seen.decode(errors='replace'), 'code': os.waitstatus_to_exitcode(status)}))
`;

function onTerminal(args: string[], answers: string[]): Promise<{ screen: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'python3',
      ['-c', PTY, JSON.stringify(answers), process.execPath, BIN, '--data-dir', dir, ...args],
      { env: { ...process.env, MAILWARD_CONFIG: '' }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', () => resolve(JSON.parse(out)));
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailward-pty-'));
  const add = spawn(process.execPath, [BIN, '--data-dir', dir, 'domain', 'add', 'example.com'], { stdio: 'ignore' });
  await new Promise((r) => add.on('close', r));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('asks twice without echo and adds the user', async () => {
  const r = await onTerminal(['user', 'add', 'bob@example.com'], ['Tr0ub4dor', 'Tr0ub4dor']);
  assert.deepEqual(r, {
    screen: 'New password: \r\nRepeat password: \r\nadded user bob@example.com\r\n',
    code: 0,
  });
});

test('refuses two different answers', async () => {
  const r = await onTerminal(['user', 'add', 'carol@example.com'], ['one', 'two']);
  assert.deepEqual(r, {
    screen: 'New password: \r\nRepeat password: \r\nmailward: the passwords do not match\r\n',
    code: 2,
  });
});
