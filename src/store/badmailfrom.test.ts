/** badmailfrom matching: exact address, whole domain, regex; the first kind that matches is named. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { badMailFromMatcher } from './badmailfrom.js';

const match = badMailFromMatcher([
  { pattern: 'spammer@example.com', kind: 'address' },
  { pattern: '@spam.test', kind: 'domain' },
  { pattern: '/^bulk-[0-9]+@/', kind: 'regex' },
]);

test('matches an exact address, case-insensitively', () => {
  assert.deepEqual(match('Spammer@example.com'), { pattern: 'spammer@example.com', kind: 'address' });
  assert.equal(match('other@example.com'), null);
});

test('matches every address of a listed domain, not its subdomains', () => {
  assert.deepEqual(match('anyone@spam.test'), { pattern: '@spam.test', kind: 'domain' });
  assert.equal(match('anyone@sub.spam.test'), null);
});

test('matches a regular expression', () => {
  assert.deepEqual(match('BULK-42@anywhere.test'), { pattern: '/^bulk-[0-9]+@/', kind: 'regex' });
  assert.equal(match('bulk-x@anywhere.test'), null);
});
