/**
 * The `mailward` program: global options, the subcommands, and exit statuses
 * (0 done, 1 the operation failed, 2 usage or configuration error; cli/errors.ts).
 * Each subcommand lives in commands/<name>.ts as `registerXCommand(program)`, added below.
 */
import { Command, CommanderError } from 'commander';
import { registerAliasCommand } from './commands/alias.js';
import { registerBadMailFromCommand } from './commands/badmailfrom.js';
import { registerDkimCommand } from './commands/dkim.js';
import { registerDomainCommand } from './commands/domain.js';
import { registerExplainCommand } from './commands/explain.js';
import { registerLogCommand } from './commands/log.js';
import { registerQueueCommand } from './commands/queue.js';
import { registerSendmailCommand } from './commands/sendmail.js';
import { registerSuppressionCommand } from './commands/suppression.js';
import { registerTrustedCommand } from './commands/trusted.js';
import { registerUserCommand } from './commands/user.js';
import { registerVacationCommand } from './commands/vacation.js';
import { EXIT_USAGE, toCliError } from './errors.js';
import { io } from './io.js';

export function buildProgram(): Command {
  const program = new Command('mailward')
    .description('a mail server that refuses to be an open relay and explains every bounce')
    .option('--config <file>', 'configuration file (TOML); default: $MAILWARD_CONFIG, else built-in defaults')
    .option('--data-dir <dir>', 'data directory; overrides data_dir in the config file')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => io().writeOut(text),
      writeErr: (text) => io().writeErr(text),
      outputError: (text, write) => write(`mailward: ${text.replace(/^error: /, '')}`),
    })
    .exitOverride();

  program
    .command('serve')
    .description('run the mail server')
    .action(async (_opts, cmd: Command) => {
      const { runServe } = await import('./serve.js');
      await runServe(cmd.optsWithGlobals());
    });

  registerDomainCommand(program);
  registerUserCommand(program);
  registerAliasCommand(program);
  registerBadMailFromCommand(program);
  registerTrustedCommand(program);
  registerVacationCommand(program);
  registerSuppressionCommand(program);
  registerQueueCommand(program);
  registerLogCommand(program);
  registerSendmailCommand(program);
  registerExplainCommand(program);
  registerDkimCommand(program);
  // Commands of other modules are added here, as registerXCommand(program).

  // Subcommands inherit exitOverride and configureOutput from the program (commander copies
  // settings at .command()), so usage errors of every level come back to runCli.
  return program;
}

/** Runs the CLI and returns the exit status. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not errors; commander has already printed its message.
      if (err.exitCode === 0) return 0;
      return EXIT_USAGE;
    }
    const known = toCliError(err);
    if (!known) throw err;
    io().writeErr(`mailward: ${known.message}\n`);
    return known.exitCode;
  }
}
