import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSchedule, nextAttemptAt } from './schedule.js';

const MIN = 60_000;

describe('retry schedule', () => {
  it('follows the default steps and then repeats the last one', () => {
    const s = createSchedule();
    const waits = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => nextAttemptAt(s, n, 0) / MIN);
    assert.deepEqual(waits, [5, 10, 30, 60, 120, 240, 240, 240]);
    assert.equal(s.lifetimeMs, 5 * 24 * 60 * MIN);
  });
  it('never schedules past the expiry, so the last try is at the end of the lifetime', () => {
    const s = createSchedule(['1h'], '90m');
    assert.equal(nextAttemptAt(s, 1, 0, 90 * MIN), 60 * MIN);
    assert.equal(nextAttemptAt(s, 2, 60 * MIN, 90 * MIN), 90 * MIN);
  });
  it('refuses an empty schedule and bad durations', () => {
    assert.throws(() => createSchedule([]));
    assert.throws(() => createSchedule(['5 minutes']));
  });
});
