/**
 * The bounce parser's optimised code must stay optimised in a long batch. A deoptimisation
 * after warm-up costs a recompile of tens of milliseconds and passes of slow code meanwhile;
 * before the parser built its arrays with push, parseMessage and recipientsFromNotice were
 * deoptimised ("wrong map") four times between passes 18 and 56 of the corpus, which cost a
 * fifth of `explain --jsonl`'s steady-state speed (bench/bounces.sh). This counts V8's
 * bailouts (node --trace-deopt) after the first few passes: it checks the property that
 * made the difference, not a time.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '../..');
const PASSES = 40;
/** Passes in which V8 is still learning the corpus; bailouts there are normal. */
const WARM_UP = 6;

it(`explain --jsonl keeps its optimised code from pass ${WARM_UP} to ${PASSES} of the corpus`, () => {
  const run = spawnSync(
    process.execPath,
    ['--trace-deopt', '--import', 'tsx', join(ROOT, 'test/helpers/explain-passes.ts')],
    { cwd: ROOT, env: { ...process.env, PASSES: String(PASSES) }, encoding: 'latin1', maxBuffer: 1 << 28 },
  );
  assert.equal(run.status, 0, run.stderr);
  let pass = -1;
  const late: string[] = [];
  for (const line of run.stdout.split('\n')) {
    const marker = /^pass (\d+)$/.exec(line);
    if (marker) pass = Number(marker[1]);
    else if (line.startsWith('[bailout') && pass >= WARM_UP) late.push(`pass ${pass}: ${line.slice(0, 200)}`);
  }
  assert.equal(pass, PASSES - 1, 'every pass ran');
  assert.deepEqual(late, []);
});
