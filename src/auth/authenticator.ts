/**
 * The SMTP AUTH check the engine calls (SessionHooks.authenticate): credentials against
 * the directory, with login throttling in front (RFC 4954 §6 for the replies).
 *
 * Security: the login is untrusted text. An unknown login costs the same argon2 work as a
 * known one (store/passwords.ts), a failure is answered only after the limiter's delay, and a
 * locked IP or username gets `421 4.7.0` without any password check, so lockout cannot be
 * used to probe which passwords are right.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { addressKey, parseMailbox } from '../core/address.js';
import { reply } from '../core/reply.js';
import type { AuthRequest, AuthResult, SessionView } from '../smtp/hooks.js';
import { authenticateUser } from '../store/passwords.js';
import type { DirectoryStore } from '../store/ports.js';
import type { LoginLimiter } from './login-limiter.js';

export const authReplies = {
  invalid: () => reply(535, '5.7.8', 'Authentication credentials invalid'),
  locked: () => reply(421, '4.7.0', 'too many failed login attempts, try again later'),
};

export interface AuthenticatorDeps {
  readonly directory: Pick<DirectoryStore, 'findUser'>;
  readonly limiter: LoginLimiter;
  /** Injected for tests; waits before answering a failed attempt. */
  readonly wait?: (ms: number) => Promise<unknown>;
  readonly log?: { info(obj: object, msg?: string): void };
}

export function createAuthenticator(
  deps: AuthenticatorDeps,
): (view: SessionView, req: AuthRequest) => Promise<AuthResult> {
  const wait = deps.wait ?? ((ms: number) => sleep(ms));
  return async (view, req) => {
    const ip = view.client.ip;
    const parsed = parseMailbox(req.username);
    const login = parsed.ok ? addressKey(parsed.value) : req.username.toLowerCase();
    if (deps.limiter.isLocked(ip, login)) {
      deps.log?.info({ session: view.sessionId, ip, login }, 'auth refused: locked out');
      return { ok: false, reply: authReplies.locked() };
    }
    const user = await authenticateUser(deps.directory, login, req.password);
    if (user) {
      deps.limiter.recordSuccess(login);
      return { ok: true, user: user.address };
    }
    const delay = deps.limiter.recordFailure(ip, login);
    deps.log?.info({ session: view.sessionId, ip, login, mechanism: req.mechanism }, 'auth failed');
    await wait(delay);
    return { ok: false, reply: deps.limiter.isLocked(ip, login) ? authReplies.locked() : authReplies.invalid() };
  };
}
