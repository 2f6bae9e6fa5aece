/**
 * `mailward serve`: loads the config, starts everything (cli/app.ts), prints where it
 * listens and — on the first start only — the example domain, user and password, then runs
 * until SIGINT/SIGTERM. A bad config exits 2 naming each key and problem.
 */
import { loadConfig } from '../config/load.js';
import { startMailward } from './app.js';
import { CliError, EXIT_FAILED, EXIT_USAGE } from './errors.js';
import { io } from './io.js';

export interface ServeOptions {
  config?: string;
  dataDir?: string;
}

export async function runServe(opts: ServeOptions): Promise<void> {
  const loaded = loadConfig({ file: opts.config, dataDir: opts.dataDir });
  if (!loaded.ok) throw new CliError(loaded.errors.join('\n'), EXIT_USAGE);
  const { config } = loaded;
  let app: Awaited<ReturnType<typeof startMailward>>;
  try {
    app = await startMailward(config);
  } catch (err) {
    throw new CliError(`cannot start: ${(err as Error).message}`, EXIT_FAILED);
  }
  const out = io();
  out.writeOut(`mailward ${config.hostname}: data in ${config.data_dir}\n`);
  for (const l of app.listeners) out.writeOut(`  listening: ${l.role} on ${l.host}:${l.port}\n`);
  if (app.bootstrap) {
    const { domain, user, password } = app.bootstrap;
    out.writeOut(
      `first start: created domain ${domain} and user ${user} with password ${password}\n` +
        '  (shown once; change it with: ./bin/mailward user passwd ' +
        `${user})\n`,
    );
  }
  const mx = app.listeners.find((l) => l.role === 'mx');
  if (mx) {
    out.writeOut(
      `try: swaks --server ${mx.host}:${mx.port} --to postmaster@example.test\n` +
        `     swaks --server ${mx.host}:${mx.port} --from '<>' --to someone@remote.test --local-interface 127.0.0.2 --quit-after RCPT\n`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await app.stop();
}
