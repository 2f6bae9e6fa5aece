/**
 * Password hashing with argon2id (RFC 9106), PHC string format, through @node-rs/argon2.
 * Parameters: 19 MiB memory, 2 passes, 1 lane (OWASP's first recommended argon2id setting).
 * Security: verification of an unknown user runs against a fixed dummy hash with the same
 * parameters, so the time taken does not reveal which users exist. Passwords are never
 * logged, never compared with `===`, and a malformed stored hash verifies as false.
 */
import { hash, verify } from '@node-rs/argon2';
import type { DirectoryStore, UserRecord } from './ports/directory.js';

export const ARGON2_PARAMS = Object.freeze({
  // 2 = Argon2id; the package's enum is a `const enum`, not available at run time under tsx.
  algorithm: 2,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

/** A hash of a random password nobody knows, with ARGON2_PARAMS; verified against for unknown users. */
export const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$YGS3UbSwBHLzaOJ0Bi63LA$Nn7UT1YT70v9Yil8s4PnFXYoI1Z53JxiRzic9AeMSQs';

export type PasswordHasher = (password: string) => Promise<string>;

export const hashPassword: PasswordHasher = (password) => hash(password, ARGON2_PARAMS as Parameters<typeof hash>[1]);

/** True when `password` matches `stored`; with `stored` null (unknown user), false after the same work. */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  try {
    const ok = await verify(stored ?? DUMMY_HASH, password);
    return stored !== null && ok;
  } catch {
    return false;
  }
}

/** Looks up a login (`user@domain`) and checks its password; null when either is wrong. */
export async function authenticateUser(
  directory: Pick<DirectoryStore, 'findUser'>,
  login: string,
  password: string,
): Promise<UserRecord | null> {
  const user = await directory.findUser(login);
  const ok = await verifyPassword(user?.passwordHash ?? null, password);
  return ok ? user : null;
}
