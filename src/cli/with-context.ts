/**
 * Runs a command body with an open CliContext and closes it afterwards, whatever happens.
 */
import type { Command } from 'commander';
import { type CliContext, type GlobalOptions, openCliContext } from './context.js';
import { io } from './io.js';

export async function withContext<T>(cmd: Command, fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const ctx = await openCliContext(cmd.optsWithGlobals() as GlobalOptions);
  try {
    return await fn(ctx);
  } finally {
    ctx.close();
  }
}

/** Writes lines to standard output (one write, so a closed pipe fails once). */
export function print(lines: readonly string[]): void {
  if (lines.length) io().writeOut(`${lines.join('\n')}\n`);
}
