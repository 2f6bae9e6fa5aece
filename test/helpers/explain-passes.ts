/**
 * Runs `mailward explain --jsonl` over the bounce corpus PASSES times in one process (the
 * command's own runJsonl, output discarded), printing "pass N" before each pass: run under
 * `node --trace-deopt` it shows when V8 throws away optimised parser code (explain-jit.test.ts).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJsonl } from '../../src/cli/commands/explain.js';
import { withIo } from '../../src/cli/io.js';

const DIR = join(fileURLToPath(new URL('.', import.meta.url)), '../fixtures/bounce-corpus');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.eml'))
  .map((f) => join(DIR, f));
const discard = { stdin: process.stdin, writeOut: () => {}, writeErr: () => {} };
const passes = Number(process.env.PASSES ?? 40);
for (let k = 0; k < passes; k++) {
  process.stdout.write(`pass ${k}\n`);
  await withIo(discard, async () => runJsonl(files));
}
