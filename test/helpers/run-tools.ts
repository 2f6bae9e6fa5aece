/**
 * Runs the command-line tools e2e tests drive: swaks (a real SMTP client) and bin/mailward
 * against a data directory. Both return what was printed even when the command fails.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MailwardProcess } from './mailward-process.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/mailward');

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function runTool(file: string, args: readonly string[]): Promise<ToolResult> {
  try {
    const r = await run(file, [...args]);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** swaks with a 10 s timeout; its transcript (stdout). */
export async function swaks(args: readonly string[]): Promise<string> {
  return (await runTool('swaks', ['--timeout', '10', ...args])).stdout;
}

/**
 * swaks as the first-start user (postmaster@example.test) to `to` through the submission port
 * of a started mailward: STARTTLS, AUTH PLAIN. `extra` goes on the command line as given.
 */
export function submitAsPostmaster(mw: MailwardProcess, to: string, extra: readonly string[] = []): Promise<string> {
  return swaks([
    '--server',
    `127.0.0.1:${mw.ports.submission}`,
    '--tls',
    '--auth',
    'PLAIN',
    '--auth-user',
    'postmaster@example.test',
    '--auth-password',
    mw.firstStart?.password ?? '',
    '--from',
    'postmaster@example.test',
    '--to',
    to,
    ...extra,
  ]);
}

/** `mailward --data-dir DIR ARGS…` through bin/mailward. */
export function mailwardCli(dataDir: string, ...args: string[]): Promise<ToolResult> {
  return runTool(process.execPath, [BIN, '--data-dir', dataDir, ...args]);
}
