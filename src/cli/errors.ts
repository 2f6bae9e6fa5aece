/**
 * How the `mailward` command fails: one error type carrying the exit status, and the mapping
 * from store errors to it. Exit status: 0 done, 1 the operation failed (unknown domain,
 * duplicate user), 2 usage or configuration error (bad arguments, malformed address, CIDR
 * or regex, invalid config file).
 */
import { StoreConflictError, StoreInvalidInputError, StoreNotFoundError } from '../store/ports/directory.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILED,
  ) {
    super(message);
  }
}

/** Expected failures become a message and a status; anything else is a bug and is rethrown. */
export function toCliError(err: unknown): CliError | null {
  if (err instanceof CliError) return err;
  if (err instanceof StoreInvalidInputError) return new CliError(err.message, EXIT_USAGE);
  if (err instanceof StoreNotFoundError || err instanceof StoreConflictError)
    return new CliError(err.message, EXIT_FAILED);
  return null;
}
