/**
 * `mailward explain FILE|-|'REPLY LINE'`: says in plain words what a bounce means and what to
 * do. `--json` prints the BounceReport; `--jsonl FILE...` prints one line per recipient for
 * many files (the form test/fixtures/bounce-corpus/score.py reads).
 * Security: reads only the files named on the command line; their content is untrusted and
 * only parsed, never executed or written anywhere.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { parseBounce } from '../../explain/parse-bounce.js';
import { explainText } from '../../explain/render.js';
import { looksLikeReply, reportFromReply } from '../../explain/reply-report.js';
import type { BounceReport } from '../../explain/types.js';
import { CliError, EXIT_FAILED, EXIT_USAGE } from '../errors.js';
import { io } from '../io.js';

export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description('explain a bounce message (a file, - for stdin) or one SMTP reply line')
    .argument('[input...]', "a bounce file, '-' for stdin, or an SMTP reply line such as '553 5.7.1 Not an open relay'")
    .option('--json', 'print the BounceReport as JSON')
    .option('--jsonl', 'treat every argument as a file; print one JSON line per recipient')
    .action(async (input: string[], opts: { json?: boolean; jsonl?: boolean }) => {
      if (opts.jsonl) return runJsonl(input);
      const report = await reportFor(input);
      io().writeOut(opts.json ? `${JSON.stringify(report, null, 2)}\n` : explainText(report));
    });
}

/** The report for a file, stdin or a reply line; usage errors and non-bounces are CliErrors. */
async function reportFor(input: string[]): Promise<BounceReport> {
  if (input.length === 0) throw new CliError('explain: give a file, - for stdin, or an SMTP reply line', EXIT_USAGE);
  const arg = input.join(' ');
  let report: BounceReport | null;
  if (arg === '-') report = parseBounce(await readAll(io().stdin));
  else if (input.length === 1 && existsSync(arg)) report = parseBounce(readFileSync(arg));
  else if (looksLikeReply(arg)) report = reportFromReply(arg);
  else
    throw new CliError(
      `explain: ${arg}: no such file, and not an SMTP reply line (e.g. "550 5.1.1 user unknown")`,
      EXIT_USAGE,
    );
  if (!report)
    throw new CliError('explain: not a bounce, feedback report or auto-reply that mailward understands', EXIT_FAILED);
  return report;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

/** One JSON line per recipient; `{"file", "reason": null}` for a file that is no bounce. */
export function runJsonl(files: string[]): void {
  const out = io();
  let buf = '';
  let unreadable = 0;
  for (const path of files) {
    const file = basename(path);
    let report: BounceReport | null = null;
    try {
      report = parseBounce(readInto(path));
    } catch (err) {
      // An unreadable file is reported and skipped; the batch goes on.
      out.writeErr(`explain: ${path}: ${(err as Error).message}\n`);
      unreadable++;
    }
    if (!report || report.recipients.length === 0) {
      buf += `${JSON.stringify({ file, reason: null })}\n`;
    } else {
      for (const r of report.recipients) {
        const line: Record<string, unknown> = {
          file,
          recipient: r.address,
          reason: r.reason,
          status: r.status,
          replycode: r.replyCode,
          hardbounce: r.hard,
        };
        if (r.feedbackType) line.feedbacktype = r.feedbackType;
        buf += `${JSON.stringify(line)}\n`;
      }
    }
    if (buf.length > 1 << 16) {
      out.writeOut(buf);
      buf = '';
    }
  }
  if (buf) out.writeOut(buf);
  if (unreadable) throw new CliError(`explain: ${unreadable} file(s) could not be read`, EXIT_FAILED);
}

// One buffer for every file of a batch: readFileSync allocates a new one per file (outside V8's
// heap, so the GC works harder) and fstats first. parseBounce copies the octets into a string at
// once and keeps nothing of the buffer, so the next file may overwrite it.
let readBuffer = Buffer.allocUnsafe(1 << 20);

/**
 * The whole file in readBuffer (grown as needed); the view is valid until the next call.
 * A regular file is read with pread from offset 0, and a read shorter than asked for is its
 * end: open, one read, close. System calls are dear here (each one also leaves the parser's
 * caches cold), and the usual loop spends a fourth call on the read that returns 0.
 * A pipe or terminal cannot pread (ESPIPE): it is read to the end the usual way.
 */
function readInto(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    let n: number;
    try {
      n = readSync(fd, readBuffer, 0, readBuffer.length, 0);
      if (n < readBuffer.length) return readBuffer.subarray(0, n);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESPIPE') throw err;
      n = 0;
    }
    const positioned = n > 0;
    for (;;) {
      if (n === readBuffer.length) {
        const bigger = Buffer.allocUnsafe(readBuffer.length * 2);
        readBuffer.copy(bigger, 0, 0, n);
        readBuffer = bigger;
      }
      const got = readSync(fd, readBuffer, n, readBuffer.length - n, positioned ? n : null);
      if (got === 0) return readBuffer.subarray(0, n);
      n += got;
    }
  } finally {
    closeSync(fd);
  }
}

// Run as a script (`node --import tsx src/cli/commands/explain.ts explain …`): the command
// without the rest of the CLI, for profiling it (node --cpu-prof …).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { Command } = await import('commander');
  const program = new Command('mailward');
  registerExplainCommand(program);
  program.parseAsync(process.argv).catch((err: Error & { exitCode?: number }) => {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = err.exitCode ?? EXIT_FAILED;
  });
}
