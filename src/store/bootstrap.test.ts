/** First-start bootstrap: creates example.test and its postmaster once, with a usable password. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapIfEmpty } from './bootstrap.js';
import { MemoryDirectoryStore } from './memory/directory.js';
import { hashPassword, verifyPassword } from './passwords.js';

test('on an empty directory creates the domain and the postmaster with a random password', async () => {
  const store = new MemoryDirectoryStore();
  const r = await bootstrapIfEmpty(store, hashPassword);
  assert.ok(r);
  assert.equal(r.domain, 'example.test');
  assert.equal(r.user, 'postmaster@example.test');
  assert.match(r.password, /^[A-Za-z0-9_-]{16}$/);
  assert.deepEqual(await store.listDomains(), ['example.test']);
  const user = await store.findUser('postmaster@example.test');
  assert.equal(await verifyPassword(user?.passwordHash ?? null, r.password), true);
});

test('does nothing once any domain exists', async () => {
  const store = new MemoryDirectoryStore();
  assert.ok(await bootstrapIfEmpty(store, hashPassword));
  assert.equal(await bootstrapIfEmpty(store, hashPassword), null);
  const other = new MemoryDirectoryStore();
  await other.addDomain('mine.test');
  assert.equal(await bootstrapIfEmpty(other, hashPassword), null);
  assert.deepEqual(await other.listUsers(), []);
});

test('two bootstraps give different passwords', async () => {
  const a = await bootstrapIfEmpty(new MemoryDirectoryStore(), async (p) => p);
  const b = await bootstrapIfEmpty(new MemoryDirectoryStore(), async (p) => p);
  assert.notEqual(a?.password, b?.password);
});
