/**
 * In-memory DirectoryStore for tests: the same behaviour as the sqlite store (both pass
 * store/directory-contract.ts), no persistence.
 * Security: validates at the boundary exactly like the sqlite store (store/validate.ts).
 */
import { checkCidr } from '../cidr.js';
import {
  type AliasRecord,
  type BadMailFromEntry,
  type DirectoryStore,
  StoreConflictError,
  StoreInvalidInputError,
  StoreNotFoundError,
  type UserRecord,
} from '../ports/directory.js';
import { type Checked, checkAddress, checkAliasSource, checkBadMailFrom, checkDomain, domainOf } from '../validate.js';

function must<T>(c: Checked<T>): T {
  if (!c.ok) throw new StoreInvalidInputError(c.error);
  return c.value;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class MemoryDirectoryStore implements DirectoryStore {
  private readonly domains = new Set<string>();
  private readonly users = new Map<string, UserRecord>();
  private readonly aliases = new Map<string, AliasRecord>();
  private readonly badMailFrom = new Map<string, BadMailFromEntry>();
  private readonly trusted = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  async listDomains(): Promise<string[]> {
    return [...this.domains].sort(byText);
  }

  async hasDomain(domain: string): Promise<boolean> {
    const d = checkDomain(domain);
    return d.ok && this.domains.has(d.value);
  }

  async addDomain(domain: string): Promise<void> {
    const d = must(checkDomain(domain));
    if (this.domains.has(d)) throw new StoreConflictError(`domain ${d} already exists`);
    this.domains.add(d);
  }

  async removeDomain(domain: string): Promise<void> {
    const d = must(checkDomain(domain));
    if (!this.domains.has(d)) throw new StoreNotFoundError(`unknown domain ${d}`);
    const users = [...this.users.values()].filter((u) => u.domain === d).length;
    const aliases = [...this.aliases.keys()].filter((s) => domainOf(s) === d).length;
    if (users + aliases > 0) {
      throw new StoreConflictError(`domain ${d} still has ${users} user(s) and ${aliases} alias(es)`);
    }
    this.domains.delete(d);
  }

  async findUser(address: string): Promise<UserRecord | null> {
    const a = checkAddress(address);
    return a.ok ? (this.users.get(a.value) ?? null) : null;
  }

  async listUsers(domain?: string): Promise<UserRecord[]> {
    const d = domain === undefined ? undefined : must(checkDomain(domain));
    return [...this.users.values()]
      .filter((u) => d === undefined || u.domain === d)
      .sort((x, y) => byText(x.address, y.address));
  }

  async addUser(user: { address: string; passwordHash: string; quotaBytes?: number | null }): Promise<void> {
    const address = must(checkAddress(user.address));
    const domain = domainOf(address);
    if (!this.domains.has(domain)) throw new StoreNotFoundError(`unknown domain ${domain}`);
    if (this.users.has(address)) throw new StoreConflictError(`user ${address} already exists`);
    this.users.set(
      address,
      Object.freeze({
        address,
        domain,
        passwordHash: user.passwordHash,
        quotaBytes: user.quotaBytes ?? null,
        createdAt: this.now(),
      }),
    );
  }

  async setPasswordHash(address: string, passwordHash: string): Promise<void> {
    const a = must(checkAddress(address));
    const u = this.users.get(a);
    if (!u) throw new StoreNotFoundError(`unknown user ${a}`);
    this.users.set(a, Object.freeze({ ...u, passwordHash }));
  }

  async removeUser(address: string): Promise<void> {
    const a = must(checkAddress(address));
    if (!this.users.delete(a)) throw new StoreNotFoundError(`unknown user ${a}`);
  }

  async findAlias(source: string): Promise<AliasRecord | null> {
    const s = checkAliasSource(source);
    return s.ok ? (this.aliases.get(s.value.source) ?? null) : null;
  }

  async listAliases(domain?: string): Promise<AliasRecord[]> {
    const d = domain === undefined ? undefined : must(checkDomain(domain));
    return [...this.aliases.values()]
      .filter((a) => d === undefined || domainOf(a.source) === d)
      .sort((x, y) => byText(x.source, y.source));
  }

  async addAlias(source: string, targets: readonly string[]): Promise<void> {
    const s = must(checkAliasSource(source));
    if (targets.length === 0) throw new StoreInvalidInputError(`alias ${s.source} needs at least one target`);
    const t = [...new Set(targets.map((x) => must(checkAddress(x))))];
    if (!this.domains.has(s.domain)) throw new StoreNotFoundError(`unknown domain ${s.domain}`);
    if (this.aliases.has(s.source)) throw new StoreConflictError(`alias ${s.source} already exists`);
    this.aliases.set(s.source, Object.freeze({ source: s.source, targets: Object.freeze(t) }));
  }

  async removeAlias(source: string): Promise<void> {
    const s = must(checkAliasSource(source));
    if (!this.aliases.delete(s.source)) throw new StoreNotFoundError(`unknown alias ${s.source}`);
  }

  async listBadMailFrom(): Promise<BadMailFromEntry[]> {
    return [...this.badMailFrom.values()].sort((x, y) => byText(x.pattern, y.pattern));
  }

  async addBadMailFrom(pattern: string): Promise<void> {
    const p = must(checkBadMailFrom(pattern));
    if (this.badMailFrom.has(p.pattern)) throw new StoreConflictError(`badmailfrom ${p.pattern} already exists`);
    this.badMailFrom.set(p.pattern, Object.freeze(p));
  }

  async removeBadMailFrom(pattern: string): Promise<void> {
    const p = must(checkBadMailFrom(pattern));
    if (!this.badMailFrom.delete(p.pattern)) throw new StoreNotFoundError(`unknown badmailfrom ${p.pattern}`);
  }

  async listTrustedNetworks(): Promise<string[]> {
    return [...this.trusted].sort(byText);
  }

  async addTrustedNetwork(cidr: string): Promise<void> {
    const c = must(checkCidr(cidr));
    if (this.trusted.has(c)) throw new StoreConflictError(`trusted network ${c} already exists`);
    this.trusted.add(c);
  }

  async removeTrustedNetwork(cidr: string): Promise<void> {
    const c = must(checkCidr(cidr));
    if (!this.trusted.delete(c)) throw new StoreNotFoundError(`unknown trusted network ${c}`);
  }
}
