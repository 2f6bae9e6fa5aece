/**
 * DirectoryStore on SQLite (better-sqlite3, synchronous underneath; the port is async so
 * that a network store can implement it too). Passes store/directory-contract.ts.
 * Security: every input is validated (store/validate.ts, store/cidr.ts) before it reaches
 * SQL, and all SQL uses bound parameters.
 */
import type { Database, Statement } from 'better-sqlite3';
import { checkCidr } from '../cidr.js';
import {
  type AliasRecord,
  type BadMailFromEntry,
  type BadMailFromKind,
  type DirectoryStore,
  StoreConflictError,
  StoreInvalidInputError,
  StoreNotFoundError,
  type UserRecord,
} from '../ports/directory.js';
import { type Checked, checkAddress, checkAliasSource, checkBadMailFrom, checkDomain, domainOf } from '../validate.js';
import { DIRECTORY_SCHEMA, directoryMigrations } from './directory-migrations.js';
import { openDatabase } from './open.js';

/** How long a domain lookup is reused (see hasDomain). */
const DOMAIN_CACHE_MS = 1000;

function must<T>(c: Checked<T>): T {
  if (!c.ok) throw new StoreInvalidInputError(c.error);
  return c.value;
}

interface UserRow {
  address: string;
  domain: string;
  password_hash: string;
  quota_bytes: number | null;
  created_at: number;
}

const toUser = (r: UserRow): UserRecord =>
  Object.freeze({
    address: r.address,
    domain: r.domain,
    passwordHash: r.password_hash,
    quotaBytes: r.quota_bytes,
    createdAt: r.created_at,
  });

export class SqliteDirectoryStore implements DirectoryStore {
  /** Opens `file` (or `:memory:`) and migrates the directory schema. */
  static open(file: string, now: () => number = Date.now): SqliteDirectoryStore {
    return new SqliteDirectoryStore(openDatabase(file, directoryMigrations, { schema: DIRECTORY_SCHEMA }), now);
  }

  /** `db` must already carry the directory migrations (see open()). */
  constructor(
    readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  private readonly statements = new Map<string, Statement>();

  /** Prepared once per SQL text; better-sqlite3 statements are reusable. */
  private sql(text: string): Statement {
    let st = this.statements.get(text);
    if (!st) {
      st = this.db.prepare(text);
      this.statements.set(text, st);
    }
    return st;
  }

  close(): void {
    this.db.close();
  }

  async listDomains(): Promise<string[]> {
    return (this.sql('SELECT name FROM domains ORDER BY name').pluck().all() as string[]).slice();
  }

  /**
   * Answers reused for DOMAIN_CACHE_MS: a message asks several times (policy, alias expansion,
   * runner, router), and every read of a WAL database takes locks on its -shm file. A domain
   * added or removed by another process (the CLI) is seen within that time; our own changes
   * at once.
   */
  private readonly domainCache = new Map<string, { readonly exists: boolean; readonly until: number }>();

  async hasDomain(domain: string): Promise<boolean> {
    const d = checkDomain(domain);
    if (!d.ok) return false;
    const now = Date.now();
    const cached = this.domainCache.get(d.value);
    if (cached && cached.until > now) return cached.exists;
    const exists = this.domainExists(d.value);
    if (this.domainCache.size >= 10_000) this.domainCache.clear(); // bounded: names come from clients
    this.domainCache.set(d.value, { exists, until: now + DOMAIN_CACHE_MS });
    return exists;
  }

  async addDomain(domain: string): Promise<void> {
    const d = must(checkDomain(domain));
    this.domainCache.clear();
    const r = this.db
      .prepare('INSERT INTO domains (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING')
      .run(d, this.now());
    if (r.changes === 0) throw new StoreConflictError(`domain ${d} already exists`);
  }

  async removeDomain(domain: string): Promise<void> {
    const d = must(checkDomain(domain));
    this.domainCache.clear();
    this.db.transaction(() => {
      if (!this.domainExists(d)) throw new StoreNotFoundError(`unknown domain ${d}`);
      const users = this.sql('SELECT count(*) FROM users WHERE domain = ?').pluck().get(d) as number;
      const aliases = this.sql('SELECT count(*) FROM aliases WHERE domain = ?').pluck().get(d) as number;
      if (users + aliases > 0) {
        throw new StoreConflictError(`domain ${d} still has ${users} user(s) and ${aliases} alias(es)`);
      }
      this.sql('DELETE FROM domains WHERE name = ?').run(d);
    })();
  }

  async findUser(address: string): Promise<UserRecord | null> {
    const a = checkAddress(address);
    if (!a.ok) return null;
    const row = this.sql('SELECT * FROM users WHERE address = ?').get(a.value) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  async listUsers(domain?: string): Promise<UserRecord[]> {
    const rows =
      domain === undefined
        ? this.sql('SELECT * FROM users ORDER BY address').all()
        : this.sql('SELECT * FROM users WHERE domain = ? ORDER BY address').all(must(checkDomain(domain)));
    return (rows as UserRow[]).map(toUser);
  }

  async addUser(user: { address: string; passwordHash: string; quotaBytes?: number | null }): Promise<void> {
    const address = must(checkAddress(user.address));
    const domain = domainOf(address);
    this.db.transaction(() => {
      if (!this.domainExists(domain)) throw new StoreNotFoundError(`unknown domain ${domain}`);
      const r = this.sql(
        `INSERT INTO users (address, domain, password_hash, quota_bytes, created_at)
           VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ).run(address, domain, user.passwordHash, user.quotaBytes ?? null, this.now());
      if (r.changes === 0) throw new StoreConflictError(`user ${address} already exists`);
    })();
  }

  async setPasswordHash(address: string, passwordHash: string): Promise<void> {
    const a = must(checkAddress(address));
    const r = this.sql('UPDATE users SET password_hash = ? WHERE address = ?').run(passwordHash, a);
    if (r.changes === 0) throw new StoreNotFoundError(`unknown user ${a}`);
  }

  async removeUser(address: string): Promise<void> {
    const a = must(checkAddress(address));
    const r = this.sql('DELETE FROM users WHERE address = ?').run(a);
    if (r.changes === 0) throw new StoreNotFoundError(`unknown user ${a}`);
  }

  async findAlias(source: string): Promise<AliasRecord | null> {
    const s = checkAliasSource(source);
    if (!s.ok) return null;
    const exists = this.sql('SELECT 1 FROM aliases WHERE source = ?').get(s.value.source);
    return exists ? this.aliasRecord(s.value.source) : null;
  }

  async listAliases(domain?: string): Promise<AliasRecord[]> {
    const sources = (
      domain === undefined
        ? this.sql('SELECT source FROM aliases ORDER BY source').pluck().all()
        : this.sql('SELECT source FROM aliases WHERE domain = ? ORDER BY source')
            .pluck()
            .all(must(checkDomain(domain)))
    ) as string[];
    return sources.map((s) => this.aliasRecord(s));
  }

  async addAlias(source: string, targets: readonly string[]): Promise<void> {
    const s = must(checkAliasSource(source));
    if (targets.length === 0) throw new StoreInvalidInputError(`alias ${s.source} needs at least one target`);
    const t = [...new Set(targets.map((x) => must(checkAddress(x))))];
    this.db.transaction(() => {
      if (!this.domainExists(s.domain)) throw new StoreNotFoundError(`unknown domain ${s.domain}`);
      const r = this.sql(
        'INSERT INTO aliases (source, domain, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ).run(s.source, s.domain, this.now());
      if (r.changes === 0) throw new StoreConflictError(`alias ${s.source} already exists`);
      const insert = this.sql('INSERT INTO alias_targets (source, position, target) VALUES (?, ?, ?)');
      t.forEach((target, i) => {
        insert.run(s.source, i, target);
      });
    })();
  }

  async removeAlias(source: string): Promise<void> {
    const s = must(checkAliasSource(source));
    const r = this.sql('DELETE FROM aliases WHERE source = ?').run(s.source);
    if (r.changes === 0) throw new StoreNotFoundError(`unknown alias ${s.source}`);
  }

  async listBadMailFrom(): Promise<BadMailFromEntry[]> {
    const rows = this.sql('SELECT pattern, kind FROM badmailfrom ORDER BY pattern').all() as {
      pattern: string;
      kind: BadMailFromKind;
    }[];
    return rows.map((r) => Object.freeze({ pattern: r.pattern, kind: r.kind }));
  }

  async addBadMailFrom(pattern: string): Promise<void> {
    const p = must(checkBadMailFrom(pattern));
    const r = this.db
      .prepare('INSERT INTO badmailfrom (pattern, kind, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
      .run(p.pattern, p.kind, this.now());
    if (r.changes === 0) throw new StoreConflictError(`badmailfrom ${p.pattern} already exists`);
  }

  async removeBadMailFrom(pattern: string): Promise<void> {
    const p = must(checkBadMailFrom(pattern));
    const r = this.sql('DELETE FROM badmailfrom WHERE pattern = ?').run(p.pattern);
    if (r.changes === 0) throw new StoreNotFoundError(`unknown badmailfrom ${p.pattern}`);
  }

  async listTrustedNetworks(): Promise<string[]> {
    return this.sql('SELECT cidr FROM trusted_networks ORDER BY cidr').pluck().all() as string[];
  }

  async addTrustedNetwork(cidr: string): Promise<void> {
    const c = must(checkCidr(cidr));
    const r = this.db
      .prepare('INSERT INTO trusted_networks (cidr, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING')
      .run(c, this.now());
    if (r.changes === 0) throw new StoreConflictError(`trusted network ${c} already exists`);
  }

  async removeTrustedNetwork(cidr: string): Promise<void> {
    const c = must(checkCidr(cidr));
    const r = this.sql('DELETE FROM trusted_networks WHERE cidr = ?').run(c);
    if (r.changes === 0) throw new StoreNotFoundError(`unknown trusted network ${c}`);
  }

  private domainExists(d: string): boolean {
    return this.sql('SELECT 1 FROM domains WHERE name = ?').get(d) !== undefined;
  }

  private aliasRecord(source: string): AliasRecord {
    const targets = this.db
      .prepare('SELECT target FROM alias_targets WHERE source = ? ORDER BY position')
      .pluck()
      .all(source) as string[];
    return Object.freeze({ source, targets: Object.freeze(targets) });
  }
}
