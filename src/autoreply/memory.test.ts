import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../core/clock.js';
import { MemoryVacationStore } from '../store/memory/vacation.js';
import { createReplyMemory } from './memory.js';

const DAY = 86_400_000;

describe('createReplyMemory', () => {
  it('answers a sender once per interval, then again after it', async () => {
    const clock = new FakeClock();
    const memory = createReplyMemory(new MemoryVacationStore(() => clock.now()), clock);
    assert.equal(await memory.isDue('bob@ours.test', 'alice@sender.test', 7), true);
    await memory.remember('bob@ours.test', 'alice@sender.test');
    assert.equal(await memory.isDue('bob@ours.test', 'alice@sender.test', 7), false);
    clock.advance(7 * DAY - 1);
    assert.equal(await memory.isDue('bob@ours.test', 'Alice@Sender.test', 7), false);
    clock.advance(1);
    assert.equal(await memory.isDue('bob@ours.test', 'alice@sender.test', 7), true);
  });
  it('keeps senders and users apart', async () => {
    const clock = new FakeClock();
    const memory = createReplyMemory(new MemoryVacationStore(() => clock.now()), clock);
    await memory.remember('bob@ours.test', 'alice@sender.test');
    assert.equal(await memory.isDue('bob@ours.test', 'dave@sender.test', 7), true);
    assert.equal(await memory.isDue('carol@ours.test', 'alice@sender.test', 7), true);
  });
  it('treats an interval below one day as one day (RFC 5230 §4.1)', async () => {
    const clock = new FakeClock();
    const memory = createReplyMemory(new MemoryVacationStore(() => clock.now()), clock);
    await memory.remember('bob@ours.test', 'alice@sender.test');
    clock.advance(DAY - 1);
    assert.equal(await memory.isDue('bob@ours.test', 'alice@sender.test', 0), false);
    clock.advance(1);
    assert.equal(await memory.isDue('bob@ours.test', 'alice@sender.test', 0), true);
  });
});
