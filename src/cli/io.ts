/**
 * The streams the CLI reads and writes. Commands use these rather than process.* so that
 * tests can run the whole program in-process with their own streams (cli/program.test.ts).
 */
export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  writeOut(text: string): void;
  writeErr(text: string): void;
}

const processIo: CliIo = {
  stdin: process.stdin,
  writeOut: (t) => process.stdout.write(t),
  writeErr: (t) => process.stderr.write(t),
};

let current: CliIo = processIo;

export function io(): CliIo {
  return current;
}

/** Runs `fn` with other streams; for tests. Not reentrant. */
export async function withIo<T>(replacement: CliIo, fn: () => Promise<T>): Promise<T> {
  const saved = current;
  current = replacement;
  try {
    return await fn();
  } finally {
    current = saved;
  }
}
