/**
 * The `mailward` program: global options, the subcommands, and exit statuses
 * (0 done, 1 the operation failed, 2 usage or configuration error; cli/errors.ts).
 * Each subcommand lives in commands/<name>.ts as `registerXCommand(program)`, listed in
 * COMMANDS below. A run loads only the module of the command it names (each pulls in its own
 * stores, config schema and so on: loading all of them took about 0.3 s of every start, as
 * long as the rest of start-up); help, or a name that is no command, loads them all.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, toCliError } from './errors.js';
import { io } from './io.js';

type Register = (program: Command) => void;

/** The subcommands in help order, each loaded on demand. */
const COMMANDS: ReadonlyArray<[string, () => Promise<Register>]> = [
  ['domain', async () => (await import('./commands/domain.js')).registerDomainCommand],
  ['user', async () => (await import('./commands/user.js')).registerUserCommand],
  ['alias', async () => (await import('./commands/alias.js')).registerAliasCommand],
  ['badmailfrom', async () => (await import('./commands/badmailfrom.js')).registerBadMailFromCommand],
  ['trusted', async () => (await import('./commands/trusted.js')).registerTrustedCommand],
  ['vacation', async () => (await import('./commands/vacation.js')).registerVacationCommand],
  ['suppression', async () => (await import('./commands/suppression.js')).registerSuppressionCommand],
  ['queue', async () => (await import('./commands/queue.js')).registerQueueCommand],
  ['log', async () => (await import('./commands/log.js')).registerLogCommand],
  ['sendmail', async () => (await import('./commands/sendmail.js')).registerSendmailCommand],
  ['explain', async () => (await import('./commands/explain.js')).registerExplainCommand],
  ['dkim', async () => (await import('./commands/dkim.js')).registerDkimCommand],
];

/** Global options that take a value (skipped when looking for the command name). */
const VALUE_OPTIONS = new Set(['--config', '--data-dir']);

/** The subcommand argv names, if any: the first argument that is not a global option. */
export function commandName(argv: readonly string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i] as string;
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
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

  // `serve` (above) needs none of the others; help or a name that is no command needs them all.
  const name = commandName(argv);
  const named = COMMANDS.filter(([n]) => n === name);
  for (const [, load] of name === 'serve' ? [] : named.length ? named : COMMANDS) (await load())(program);
  // Commands of other modules are added to COMMANDS, as registerXCommand(program).

  // Subcommands inherit exitOverride and configureOutput from the program (commander copies
  // settings at .command()), so usage errors of every level come back to runCli.
  return program;
}

/** Runs the CLI and returns the exit status. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(argv);
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
