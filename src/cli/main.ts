/**
 * Entry point of the `mailward` command (bin/mailward runs it through tsx): runs the program
 * of cli/program.ts and exits with its status. Nothing else belongs here.
 */
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv);
