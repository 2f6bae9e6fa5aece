/**
 * Reads a new password for `user add` / `user passwd`: from standard input with
 * `--password-stdin` (one line, the trailing newline dropped), or from a prompt on a terminal
 * with echo off, asked twice. Never from argv, where `ps` and shell history would show it.
 * Security: the password is never echoed, logged or kept beyond the hash call.
 */
import { CliError, EXIT_USAGE } from './errors.js';
import { io } from './io.js';

export async function readNewPassword(opts: { passwordStdin?: boolean }): Promise<string> {
  let password: string;
  if (opts.passwordStdin) {
    password = (await readAll(io().stdin)).replace(/\r?\n$/, '');
    if (password.includes('\n')) throw new CliError('--password-stdin expects a single line', EXIT_USAGE);
  } else if (io().stdin.isTTY && process.stdin.isTTY) {
    password = await promptHidden('New password: ');
    const again = await promptHidden('Repeat password: ');
    if (again !== password) throw new CliError('the passwords do not match', EXIT_USAGE);
  } else {
    throw new CliError('no password given: use --password-stdin, or run in a terminal to be prompted', EXIT_USAGE);
  }
  if (password === '') throw new CliError('the password must not be empty', EXIT_USAGE);
  return password;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads one line from the terminal in raw mode, printing nothing for the typed characters. */
function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  const output = process.stderr;
  return new Promise((resolve, reject) => {
    let value = '';
    // Echo off before the question appears, so a quick typist's first keys are not shown.
    input.setRawMode(true);
    output.write(question);
    input.resume();
    input.setEncoding('utf8');
    const done = (err?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      output.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new CliError('interrupted', 130));
        if (ch === '\u0004' && value === '') return done(new CliError('no password given', EXIT_USAGE));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    input.on('data', onData);
  });
}
