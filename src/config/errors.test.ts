/** Config error messages: TOML key paths and problems in TOML's words. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { formatKeyPath, issueMessage } from './errors.js';

const messages = (schema: z.ZodType, input: unknown): string[] => {
  const r = schema.safeParse(input, { error: issueMessage });
  return r.success ? [] : r.error.issues.map((i) => `${formatKeyPath(i.path)}: ${i.message}`);
};

test('key paths are written as in TOML, quoting keys that are not bare', () => {
  assert.equal(formatKeyPath(['listeners', 1, 'port']), 'listeners[1].port');
  assert.equal(formatKeyPath(['delivery', 'routes', 'example.com']), 'delivery.routes."example.com"');
  assert.equal(formatKeyPath([]), '(top level)');
});

test('numbers name both bounds, or the one they have', () => {
  const s = z.object({ port: z.number().int().min(1).max(65535), n: z.number().min(0), f: z.number().positive() });
  assert.deepEqual(messages(s, { port: 0, n: -1, f: 0 }), [
    'port: expected a number between 1 and 65535',
    'n: expected a number at least 0',
    'f: expected a number greater than 0',
  ]);
  assert.deepEqual(messages(s, { port: 2.5, n: 'x', f: true }), [
    'port: expected a whole number between 1 and 65535, got 2.5',
    'n: expected a number at least 0, got a string',
    'f: expected a number greater than 0, got a boolean',
  ]);
});

test('missing keys, strings, arrays and enums', () => {
  const s = z.object({ a: z.string().min(1), b: z.array(z.string()).min(1), c: z.enum(['x', 'y']), d: z.string() });
  assert.deepEqual(messages(s, { a: '', b: [], c: 'z' }), [
    'a: must not be empty',
    'b: must have at least one entry',
    'c: expected one of "x", "y", got "z"',
    'd: is required',
  ]);
});

test("a schema's own message wins", () => {
  assert.deepEqual(messages(z.object({ h: z.string().regex(/^a/, 'must start with a') }), { h: 'b' }), [
    'h: must start with a',
  ]);
});
