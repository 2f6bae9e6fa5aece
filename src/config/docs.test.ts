/**
 * docs/config.md and the schema cannot drift: the full example in the doc validates with
 * loadConfig, and every key the schema knows is documented (as `key` in a table).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'smol-toml';
import { schemaKeys } from './keys.js';
import { validateConfig } from './load.js';
import { configSchema } from './schema.js';

const doc = readFileSync(join(import.meta.dirname, '../../docs/config.md'), 'utf8');

function fullExample(): string {
  const section = doc.slice(doc.indexOf('## Full example'));
  const m = /```toml\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'docs/config.md has a toml block under "## Full example"');
  return m[1] as string;
}

test('the full example in docs/config.md is valid', () => {
  const r = validateConfig(parse(fullExample()) as Record<string, unknown>);
  assert.deepEqual(r.ok ? [] : r.errors, []);
});

test('the full example sets every key that has a value of its own', () => {
  const example = parse(fullExample()) as Record<string, unknown>;
  const missing = schemaKeys(configSchema)
    .filter((k) => k.kind !== 'object')
    .map((k) => k.path)
    .filter((p) => !p.includes('[]') && !p.includes('<name>'))
    .filter((p) => get(example, p) === undefined);
  assert.deepEqual(missing, []);
});

test('every key of the schema is documented in docs/config.md', () => {
  const missing = schemaKeys(configSchema)
    .map((k) => k.path)
    .filter((p) => !doc.includes(`| \`${p}\` |`));
  assert.deepEqual(missing, []);
});

function get(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
