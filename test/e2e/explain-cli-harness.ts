/**
 * Runs `mailward explain` on its own (before the integrator adds it to cli/main.ts), for
 * bench/bounces.sh and by hand: `node --import tsx test/e2e/explain-cli-harness.ts explain FILE`.
 */
import { Command } from 'commander';
import { registerExplainCommand } from '../../src/cli/commands/explain.js';

const program = new Command('mailward');
registerExplainCommand(program);
program.parseAsync(process.argv).catch((err: Error & { exitCode?: number }) => {
  process.stderr.write(`${err.message}\n`);
  process.exitCode = err.exitCode ?? 1;
});
