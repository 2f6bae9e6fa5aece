/**
 * `mailward serve`: placeholder until the integrator wires the listeners, queue and delivery
 * here. Contract: runServe(opts) starts everything and resolves when the server has stopped;
 * an expected failure (port in use, bad certificate) throws CliError with its exit status.
 */
import { CliError, EXIT_FAILED } from './errors.js';

export interface ServeOptions {
  config?: string;
  dataDir?: string;
}

export async function runServe(_opts: ServeOptions): Promise<void> {
  throw new CliError('serve is not wired yet', EXIT_FAILED);
}
