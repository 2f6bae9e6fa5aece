/**
 * `mailward serve`: placeholder until the integrator wires the listeners, queue and delivery
 * here. Contract: runServe(opts) starts everything and resolves when the server has stopped.
 */
export interface ServeOptions {
  config?: string;
  dataDir?: string;
}

export async function runServe(_opts: ServeOptions): Promise<void> {
  process.stderr.write('mailward: serve is not wired yet\n');
  process.exitCode = 1;
}
