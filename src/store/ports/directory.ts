/**
 * Directory port: domains, users, aliases, badmailfrom, trusted networks.
 * Every store (sqlite, postgres, memory) implements it and passes one contract suite.
 * Addresses are stored in key form: local part lower-cased, domain in A-label (core addressKey).
 */

export interface UserRecord {
  /** `local@domain`, lower-cased. Also the login name. */
  readonly address: string;
  readonly domain: string;
  /** argon2id PHC string. */
  readonly passwordHash: string;
  /** Mailbox quota in bytes; null = unlimited. */
  readonly quotaBytes: number | null;
  readonly createdAt: number;
}

export interface AliasRecord {
  /** `local@domain`, or `@domain` for a catch-all. */
  readonly source: string;
  /** Local or remote addresses (`local@domain`). */
  readonly targets: readonly string[];
}

export type BadMailFromKind = 'address' | 'domain' | 'regex';

export interface BadMailFromEntry {
  /** As entered: `user@example.com`, `@example.com`, or `/regex/`. */
  readonly pattern: string;
  readonly kind: BadMailFromKind;
}

export interface DirectoryStore {
  listDomains(): Promise<string[]>;
  hasDomain(domain: string): Promise<boolean>;
  addDomain(domain: string): Promise<void>;
  /** Refuses (throws StoreConflictError) while users or aliases remain in the domain. */
  removeDomain(domain: string): Promise<void>;

  findUser(address: string): Promise<UserRecord | null>;
  listUsers(domain?: string): Promise<UserRecord[]>;
  addUser(user: { address: string; passwordHash: string; quotaBytes?: number | null }): Promise<void>;
  setPasswordHash(address: string, passwordHash: string): Promise<void>;
  removeUser(address: string): Promise<void>;

  /** Exact source lookup: `local@domain` or `@domain`. */
  findAlias(source: string): Promise<AliasRecord | null>;
  listAliases(domain?: string): Promise<AliasRecord[]>;
  addAlias(source: string, targets: readonly string[]): Promise<void>;
  removeAlias(source: string): Promise<void>;

  listBadMailFrom(): Promise<BadMailFromEntry[]>;
  addBadMailFrom(pattern: string): Promise<void>;
  removeBadMailFrom(pattern: string): Promise<void>;

  /** CIDR strings, IPv4 and IPv6. */
  listTrustedNetworks(): Promise<string[]>;
  addTrustedNetwork(cidr: string): Promise<void>;
  removeTrustedNetwork(cidr: string): Promise<void>;
}

/** A uniqueness or reference conflict (duplicate user, domain still in use). */
export class StoreConflictError extends Error {}

/** The thing named does not exist. */
export class StoreNotFoundError extends Error {}

/** Input the store refuses: malformed address, domain, CIDR or badmailfrom pattern. */
export class StoreInvalidInputError extends Error {}
