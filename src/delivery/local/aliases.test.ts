import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DirectoryStore } from '../../store/ports/directory.js';
import { expandRecipient, MAX_DEPTH } from './aliases.js';

/** Just the lookups expansion uses, over plain data. */
function directory(
  users: string[],
  aliases: Record<string, string[]>,
  domains = ['ours.test', 'other.test'],
): DirectoryStore {
  const partial: Pick<DirectoryStore, 'findUser' | 'findAlias' | 'hasDomain'> = {
    async findUser(address) {
      return users.includes(address)
        ? { address, domain: address.split('@')[1] ?? '', passwordHash: '', quotaBytes: null, createdAt: 0 }
        : null;
    },
    async findAlias(source) {
      const targets = aliases[source];
      return targets ? { source, targets } : null;
    },
    async hasDomain(domain) {
      return domains.includes(domain);
    },
  };
  return partial as DirectoryStore;
}

describe('expandRecipient', () => {
  it('takes a user as final, before any alias of the same name', async () => {
    const d = directory(['bob@ours.test'], { 'bob@ours.test': ['eve@ours.test'] });
    assert.deepEqual(await expandRecipient('Bob@Ours.Test', d), { targets: ['bob@ours.test'] });
  });
  it('expands a list, nested aliases and remote targets, without duplicates', async () => {
    const d = directory(['a@ours.test', 'b@ours.test'], {
      'team@ours.test': ['a@ours.test', 'sub@ours.test', 'friend@remote.example'],
      'sub@ours.test': ['b@ours.test', 'a@ours.test'],
    });
    assert.deepEqual(await expandRecipient('team@ours.test', d), {
      targets: ['a@ours.test', 'b@ours.test', 'friend@remote.example'],
    });
  });
  it('uses the catch-all only when there is no user and no exact alias', async () => {
    const d = directory(['postmaster@ours.test', 'x@ours.test'], {
      '@ours.test': ['postmaster@ours.test'],
      'sales@ours.test': ['x@ours.test'],
    });
    assert.deepEqual(await expandRecipient('anything@ours.test', d), { targets: ['postmaster@ours.test'] });
    assert.deepEqual(await expandRecipient('sales@ours.test', d), { targets: ['x@ours.test'] });
  });
  it('reports an address with no user, alias or catch-all as unknown', async () => {
    assert.deepEqual(await expandRecipient('nobody@ours.test', directory([], {})), { error: 'unknown' });
  });
  it('detects a cycle, but not a diamond', async () => {
    const loop = directory([], {
      'a@ours.test': ['b@ours.test'],
      'b@ours.test': ['c@ours.test'],
      'c@ours.test': ['a@ours.test'],
    });
    assert.deepEqual(await expandRecipient('a@ours.test', loop), { error: 'loop' });
    const diamond = directory(['d@ours.test'], {
      'a@ours.test': ['b@ours.test', 'c@ours.test'],
      'b@ours.test': ['d@ours.test'],
      'c@ours.test': ['d@ours.test'],
    });
    assert.deepEqual(await expandRecipient('a@ours.test', diamond), { targets: ['d@ours.test'] });
  });
  it('keeps a copy for an alias that names itself', async () => {
    const d = directory([], { 'me@ours.test': ['me@ours.test', 'me@remote.example'] });
    assert.deepEqual(await expandRecipient('me@ours.test', d), { targets: ['me@ours.test', 'me@remote.example'] });
  });
  it('stops a chain deeper than the limit', async () => {
    const aliases: Record<string, string[]> = {};
    for (let i = 0; i <= MAX_DEPTH + 1; i++) aliases[`l${i}@ours.test`] = [`l${i + 1}@ours.test`];
    assert.deepEqual(await expandRecipient('l0@ours.test', directory([], aliases)), { error: 'loop' });
  });
});
