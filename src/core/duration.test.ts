import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads the units used in config', () => {
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('4h'), 14_400_000);
    assert.equal(parseDuration('5d'), 432_000_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('1500'), 1500);
  });
  it('refuses what is not a duration', () => {
    for (const bad of ['', 'm', '5x', '5m junk', '-5m', '5 m', 'h5']) assert.equal(parseDuration(bad), null, bad);
  });
});

describe('formatDuration', () => {
  it('prints compact human durations', () => {
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(432_000_000), '5d');
    assert.equal(formatDuration(250), '250ms');
  });
});
