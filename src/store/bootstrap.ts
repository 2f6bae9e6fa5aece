/**
 * First start: when the directory has no domain at all, create `example.test` and
 * `postmaster@example.test` with a random password, and hand the password back once so that
 * `serve` can print it. Later starts find a domain and do nothing.
 * Security: the password comes from crypto.randomBytes and is stored only as an argon2id
 * hash; it is returned to the caller once and must not be logged by anything but that print.
 */
import { randomBytes } from 'node:crypto';
import type { PasswordHasher } from './passwords.js';
import type { DirectoryStore } from './ports/directory.js';

export const BOOTSTRAP_DOMAIN = 'example.test';
export const BOOTSTRAP_USER = `postmaster@${BOOTSTRAP_DOMAIN}`;

export interface BootstrapResult {
  domain: string;
  user: string;
  password: string;
}

/** 16 characters from 12 random bytes, base64url (no `+`, `/`, `=` to trip a shell). */
export function randomPassword(random: (n: number) => Buffer = randomBytes): string {
  return random(12).toString('base64url');
}

export async function bootstrapIfEmpty(
  store: DirectoryStore,
  hash: PasswordHasher,
  random: (n: number) => Buffer = randomBytes,
): Promise<BootstrapResult | null> {
  if ((await store.listDomains()).length > 0) return null;
  const password = randomPassword(random);
  await store.addDomain(BOOTSTRAP_DOMAIN);
  await store.addUser({ address: BOOTSTRAP_USER, passwordHash: await hash(password) });
  return { domain: BOOTSTRAP_DOMAIN, user: BOOTSTRAP_USER, password };
}
