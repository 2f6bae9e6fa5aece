/**
 * The contract every DirectoryStore must meet (STYLE.md §10). Each store's test file calls
 * directoryContract(name, factory); memory and sqlite run exactly these tests.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type DirectoryStore,
  StoreConflictError,
  StoreInvalidInputError,
  StoreNotFoundError,
} from './ports/directory.js';

export interface StoreHandle {
  store: DirectoryStore;
  close(): Promise<void> | void;
}

export function directoryContract(name: string, factory: (now: () => number) => Promise<StoreHandle>): void {
  const T0 = Date.UTC(2026, 0, 1);
  async function withStore(fn: (s: DirectoryStore) => Promise<void>): Promise<void> {
    const h = await factory(() => T0);
    try {
      await fn(h.store);
    } finally {
      await h.close();
    }
  }

  describe(`DirectoryStore contract: ${name}`, () => {
    test('domains are stored lower-case in A-label form, listed sorted, duplicates refused', () =>
      withStore(async (s) => {
        await s.addDomain('Example.TEST');
        await s.addDomain('bücher.test');
        await s.addDomain('a.test.');
        assert.deepEqual(await s.listDomains(), ['a.test', 'example.test', 'xn--bcher-kva.test']);
        assert.equal(await s.hasDomain('EXAMPLE.test'), true);
        assert.equal(await s.hasDomain('bücher.test'), true);
        assert.equal(await s.hasDomain('other.test'), false);
        assert.equal(await s.hasDomain('not a domain'), false);
        await assert.rejects(s.addDomain('example.test'), new StoreConflictError('domain example.test already exists'));
      }));

    test('malformed domains are refused', () =>
      withStore(async (s) => {
        await assert.rejects(s.addDomain('bad_domain!'), StoreInvalidInputError);
        await assert.rejects(s.addDomain('[127.0.0.1]'), /address literals cannot be hosted domains/);
        await assert.rejects(s.addDomain(''), StoreInvalidInputError);
        assert.deepEqual(await s.listDomains(), []);
      }));

    test('a domain is removed only when no user or alias remains in it', () =>
      withStore(async (s) => {
        await s.addDomain('example.test');
        await s.addUser({ address: 'a@example.test', passwordHash: 'h' });
        await s.addAlias('info@example.test', ['a@example.test']);
        await assert.rejects(
          s.removeDomain('example.test'),
          new StoreConflictError('domain example.test still has 1 user(s) and 1 alias(es)'),
        );
        await s.removeUser('a@example.test');
        await s.removeAlias('info@example.test');
        await s.removeDomain('example.test');
        assert.deepEqual(await s.listDomains(), []);
        await assert.rejects(s.removeDomain('example.test'), new StoreNotFoundError('unknown domain example.test'));
      }));

    test('users: added in a known domain, found case-insensitively, listed per domain', () =>
      withStore(async (s) => {
        await s.addDomain('example.test');
        await s.addDomain('other.test');
        await s.addUser({ address: 'Bob@Example.test', passwordHash: 'h1', quotaBytes: 1000 });
        await s.addUser({ address: 'alice@example.test', passwordHash: 'h2' });
        await s.addUser({ address: 'carol@other.test', passwordHash: 'h3' });
        assert.deepEqual(await s.findUser('BOB@example.TEST'), {
          address: 'bob@example.test',
          domain: 'example.test',
          passwordHash: 'h1',
          quotaBytes: 1000,
          createdAt: T0,
        });
        assert.equal(await s.findUser('nobody@example.test'), null);
        assert.equal(await s.findUser('not an address'), null);
        assert.deepEqual(
          (await s.listUsers('example.test')).map((u) => u.address),
          ['alice@example.test', 'bob@example.test'],
        );
        assert.deepEqual(
          (await s.listUsers()).map((u) => [u.address, u.quotaBytes]),
          [
            ['alice@example.test', null],
            ['bob@example.test', 1000],
            ['carol@other.test', null],
          ],
        );
      }));

    test('users: unknown domain, duplicate and malformed address are refused', () =>
      withStore(async (s) => {
        await s.addDomain('example.test');
        await s.addUser({ address: 'a@example.test', passwordHash: 'h' });
        await assert.rejects(
          s.addUser({ address: 'a@nowhere.test', passwordHash: 'h' }),
          new StoreNotFoundError('unknown domain nowhere.test'),
        );
        await assert.rejects(
          s.addUser({ address: 'A@example.test', passwordHash: 'h' }),
          new StoreConflictError('user a@example.test already exists'),
        );
        await assert.rejects(
          s.addUser({ address: 'no-at-sign', passwordHash: 'h' }),
          new StoreInvalidInputError('invalid address "no-at-sign": missing local part or @'),
        );
        await assert.rejects(s.addUser({ address: '"a b"@example.test', passwordHash: 'h' }), /quoted local parts/);
      }));

    test('users: password hash changes; removing an unknown user is an error', () =>
      withStore(async (s) => {
        await s.addDomain('example.test');
        await s.addUser({ address: 'a@example.test', passwordHash: 'old' });
        await s.setPasswordHash('A@example.test', 'new');
        assert.equal((await s.findUser('a@example.test'))?.passwordHash, 'new');
        await assert.rejects(
          s.setPasswordHash('b@example.test', 'x'),
          new StoreNotFoundError('unknown user b@example.test'),
        );
        await s.removeUser('a@example.test');
        await assert.rejects(s.removeUser('a@example.test'), new StoreNotFoundError('unknown user a@example.test'));
      }));

    test('aliases: exact and catch-all sources, targets kept in order without duplicates', () =>
      withStore(async (s) => {
        await s.addDomain('example.test');
        await s.addDomain('other.test');
        await s.addAlias('Info@example.test', ['b@example.test', 'a@remote.test', 'B@example.test']);
        await s.addAlias('@example.test', ['postmaster@example.test']);
        await s.addAlias('x@other.test', ['a@example.test']);
        assert.deepEqual(await s.findAlias('info@EXAMPLE.test'), {
          source: 'info@example.test',
          targets: ['b@example.test', 'a@remote.test'],
        });
        assert.deepEqual(await s.findAlias('@Example.test'), {
          source: '@example.test',
          targets: ['postmaster@example.test'],
        });
        assert.equal(await s.findAlias('nobody@example.test'), null);
        assert.deepEqual(
          (await s.listAliases('example.test')).map((a) => a.source),
          ['@example.test', 'info@example.test'],
        );
        assert.equal((await s.listAliases()).length, 3);
        await s.removeAlias('@example.test');
        assert.equal(await s.findAlias('@example.test'), null);
      }));

    test('aliases: unknown domain, duplicates, bad targets and empty targets are refused', () =>
      withStore(async (s) => {
        await s.addDomain('example.test');
        await s.addAlias('a@example.test', ['b@example.test']);
        await assert.rejects(
          s.addAlias('a@nowhere.test', ['b@example.test']),
          new StoreNotFoundError('unknown domain nowhere.test'),
        );
        await assert.rejects(
          s.addAlias('a@example.test', ['c@example.test']),
          new StoreConflictError('alias a@example.test already exists'),
        );
        await assert.rejects(s.addAlias('c@example.test', ['not-an-address']), StoreInvalidInputError);
        await assert.rejects(
          s.addAlias('c@example.test', []),
          new StoreInvalidInputError('alias c@example.test needs at least one target'),
        );
        await assert.rejects(s.addAlias('@bad..domain', ['b@example.test']), StoreInvalidInputError);
        await assert.rejects(s.removeAlias('z@example.test'), new StoreNotFoundError('unknown alias z@example.test'));
      }));

    test('badmailfrom: address, domain and regex entries; bad patterns refused', () =>
      withStore(async (s) => {
        await s.addBadMailFrom('Spammer@Example.com');
        await s.addBadMailFrom('@Spam.test');
        await s.addBadMailFrom('/^bulk-.*@/');
        assert.deepEqual(await s.listBadMailFrom(), [
          { pattern: '/^bulk-.*@/', kind: 'regex' },
          { pattern: '@spam.test', kind: 'domain' },
          { pattern: 'spammer@example.com', kind: 'address' },
        ]);
        await assert.rejects(
          s.addBadMailFrom('@spam.test'),
          new StoreConflictError('badmailfrom @spam.test already exists'),
        );
        await assert.rejects(
          s.addBadMailFrom('/a(b/'),
          /invalid badmailfrom pattern "\/a\(b\/": Invalid regular expression/,
        );
        await assert.rejects(s.addBadMailFrom('/unterminated'), /a regular expression must end with \//);
        await assert.rejects(s.addBadMailFrom('not an address'), /expected user@domain, @domain or \/regex\//);
        await s.removeBadMailFrom('@SPAM.test');
        await assert.rejects(
          s.removeBadMailFrom('@spam.test'),
          new StoreNotFoundError('unknown badmailfrom @spam.test'),
        );
        assert.equal((await s.listBadMailFrom()).length, 2);
      }));

    test('trusted networks: IPv4 and IPv6 in canonical form; malformed ones refused', () =>
      withStore(async (s) => {
        await s.addTrustedNetwork('192.0.2.0/24');
        await s.addTrustedNetwork('2001:DB8:0::/48');
        await s.addTrustedNetwork('198.51.100.7');
        assert.deepEqual(await s.listTrustedNetworks(), ['192.0.2.0/24', '198.51.100.7/32', '2001:db8::/48']);
        await assert.rejects(
          s.addTrustedNetwork('192.0.2.0/24'),
          new StoreConflictError('trusted network 192.0.2.0/24 already exists'),
        );
        await assert.rejects(
          s.addTrustedNetwork('192.0.2.1/24'),
          new StoreInvalidInputError('invalid network "192.0.2.1/24": host bits are set (did you mean 192.0.2.0/24?)'),
        );
        await assert.rejects(s.addTrustedNetwork('300.1.1.1/8'), StoreInvalidInputError);
        await assert.rejects(s.addTrustedNetwork('::1/129'), StoreInvalidInputError);
        await s.removeTrustedNetwork('2001:db8::/48');
        await assert.rejects(s.removeTrustedNetwork('2001:db8::/48'), StoreNotFoundError);
        assert.deepEqual(await s.listTrustedNetworks(), ['192.0.2.0/24', '198.51.100.7/32']);
      }));
  });
}
