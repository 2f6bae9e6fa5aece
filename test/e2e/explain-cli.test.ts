/**
 * `mailward explain` run in-process through commander with captured streams: a reply line,
 * a bounce file, stdin with --json, --jsonl over several files, and usage errors.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerExplainCommand } from '../../src/cli/commands/explain.js';
import { CliError, EXIT_USAGE } from '../../src/cli/errors.js';
import { withIo } from '../../src/cli/io.js';

const CORPUS = join(fileURLToPath(new URL('.', import.meta.url)), '../fixtures/bounce-corpus');
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function explain(args: string[], stdin = ''): Promise<{ stdout: string; stderr: string; error?: CliError }> {
  let stdout = '';
  let stderr = '';
  const program = new Command('mailward').exitOverride();
  registerExplainCommand(program);
  let error: CliError | undefined;
  await withIo(
    {
      stdin: Readable.from([Buffer.from(stdin)]),
      writeOut: (t) => {
        stdout += t;
      },
      writeErr: (t) => {
        stderr += t;
      },
    },
    async () => {
      try {
        await program.parseAsync(['node', 'mailward', 'explain', ...args]);
      } catch (err) {
        if (!(err instanceof CliError)) throw err;
        error = err;
      }
    },
  );
  return error ? { stdout, stderr, error } : { stdout, stderr };
}

describe('mailward explain', () => {
  test('explains a relay refusal given as one reply line', async () => {
    const { stdout } = await explain(['553 5.7.1 Not an open relay, so get lost']);
    assert.equal(
      stdout,
      [
        'Result: permanent failure (553 5.7.1), reason: norelaying',
        'Server said: 553 5.7.1 Not an open relay, so get lost',
        "What happened: The receiving server refused to pass the message on because it is not the recipient's own mail server and the sender did not log in.",
        'Retrying: No: sending the same message again will fail the same way.',
        "What to do: Send through your own provider's server with SMTP authentication (port 587); if the message was an auto-reply, make sure the auto-responder sends through the authenticated path.",
        'For the administrator: Configure clients, forwarders and auto-responders to submit through the authenticated submission port, and check that the MX records of the recipient domain point at the right servers.',
        '',
      ].join('\n'),
    );
  });

  test('explains a bounce file: the original, recipient, server, step and reason', async () => {
    const { stdout } = await explain([join(CORPUS, 'lhost-exim-05.eml')]);
    const lines = stdout.split('\n');
    // Exim copies the returned message into its notice: the original is read from that copy.
    assert.equal(
      lines[0],
      'Original message: "Nyaaan", from Shironeko <shironeko@example.org>, <19990429233445.000000@mx4.example.org>',
    );
    assert.equal(lines[1], '');
    assert.equal(lines[2], 'Recipient: kijitora@neko.example.co.jp');
    assert.equal(lines[3], 'Refused by: server mx49.neko.example.co.jp, after RCPT TO (the recipient address)');
    assert.equal(
      lines[4],
      'Result: permanent failure (553 5.1.1), reason: userunknown — the address itself does not work',
    );
  });

  test('reads stdin for - and prints the BounceReport with --json', async () => {
    const { readFile } = await import('node:fs/promises');
    const raw = await readFile(join(CORPUS, 'lhost-qmail-13.eml'), 'latin1');
    const { stdout } = await explain(['-', '--json'], raw);
    const report = JSON.parse(stdout);
    assert.equal(report.kind, 'bounce');
    assert.deepEqual(
      report.recipients.map((r: Record<string, unknown>) => [r.address, r.reason, r.status, r.hard, r.parser]),
      [['nekochan@cx.libsisimai.com', 'hostunknown', '5.1.2', true, 'qmail']],
    );
  });

  test('--jsonl prints one line per recipient and a null reason for a file that is no bounce', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailward-explain-'));
    dirs.push(dir);
    const plain = join(dir, 'hello.eml');
    await writeFile(plain, 'From: a@example.org\nTo: b@example.net\nSubject: hello\n\nJust saying hello.\n');
    const { stdout } = await explain([
      '--jsonl',
      join(CORPUS, 'lhost-postfix-11.eml'),
      plain,
      join(CORPUS, 'arf-21.eml'),
    ]);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => [l.file, l.reason, l.status, l.replycode, l.hardbounce]),
      [
        ['lhost-postfix-11.eml', 'rejected', '5.1.8', '553', false],
        ['lhost-postfix-11.eml', 'rejected', '5.1.8', '553', false],
        ['hello.eml', null, undefined, undefined, undefined],
        ['arf-21.eml', 'feedback', '', '', false],
      ],
    );
    assert.equal(lines[3].feedbacktype, 'abuse');
  });

  test('--jsonl reads a file bigger than its read buffer, and a short file after it sees only its own octets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailward-explain-'));
    dirs.push(dir);
    // a 3 MiB attachment after the report: the 1 MiB read buffer has to grow twice
    const dsn = await readFile(join(CORPUS, 'rfc3464-01.eml'), 'latin1');
    const big = join(dir, 'big.eml');
    const end = dsn.lastIndexOf('--r9G5FZh9018575');
    const filler = `${'A'.repeat(76)}\n`.repeat(41_000);
    await writeFile(big, dsn.slice(0, end) + filler + dsn.slice(end), 'latin1');
    const plain = join(dir, 'hello.eml');
    await writeFile(plain, 'From: a@example.org\nTo: b@example.net\nSubject: hello\n\nJust saying hello.\n');
    const { stdout } = await explain(['--jsonl', big, plain, big]);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => [l.file, l.recipient, l.reason, l.status]),
      [
        ['big.eml', 'userunknown@bouncehammer.jp', 'userunknown', '5.1.1'],
        ['hello.eml', undefined, null, undefined],
        ['big.eml', 'userunknown@bouncehammer.jp', 'userunknown', '5.1.1'],
      ],
    );
  });

  test('--jsonl reads a named pipe to its end too (no pread there)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailward-explain-'));
    dirs.push(dir);
    const fifo = join(dir, 'pipe.eml');
    execFileSync('mkfifo', [fifo]);
    // Another process writes it (explain reads synchronously, so no writer on this thread's
    // event loop could run), in small pieces: several short reads come before the end.
    const writer = spawn('sh', [
      '-c',
      'dd if="$1" of="$2" bs=700 2>/dev/null',
      'sh',
      join(CORPUS, 'rfc3464-01.eml'),
      fifo,
    ]);
    const { stdout } = await explain(['--jsonl', fifo]);
    assert.deepEqual(JSON.parse(stdout.trim()), {
      file: 'pipe.eml',
      recipient: 'userunknown@bouncehammer.jp',
      reason: 'userunknown',
      status: '5.1.1',
      replycode: '550',
      hardbounce: true,
    });
    await once(writer, 'exit');
  });

  test('refuses an argument that is neither a file nor a reply line', async () => {
    const { error } = await explain(['no-such-file.eml']);
    assert.equal(error?.exitCode, EXIT_USAGE);
    assert.match(error?.message ?? '', /no such file, and not an SMTP reply line/);
  });
});
