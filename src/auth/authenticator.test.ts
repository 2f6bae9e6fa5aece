import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../core/clock.js';
import { formatReply } from '../core/reply.js';
import type { SessionView } from '../smtp/hooks.js';
import { MemoryDirectoryStore } from '../store/memory/directory.js';
import { hashPassword } from '../store/passwords.js';
import { createAuthenticator } from './authenticator.js';
import { LoginLimiter } from './login-limiter.js';

const view = (ip: string): SessionView => ({
  sessionId: 's1',
  client: {
    ip,
    port: 40000,
    localIp: '127.0.0.1',
    localPort: 2587,
    role: 'submission',
    helo: 'client.test',
    esmtp: true,
    tls: true,
    authUser: null,
  },
});

async function setup() {
  const directory = new MemoryDirectoryStore();
  await directory.addDomain('example.test');
  await directory.addUser({ address: 'alice@example.test', passwordHash: await hashPassword('right horse') });
  const waits: number[] = [];
  const limiter = new LoginLimiter(new FakeClock(), {
    maxFailuresPerIp: 3,
    maxFailuresPerUser: 10,
    windowMs: 60_000,
    lockoutMs: 60_000,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    maxEntries: 100,
  });
  const auth = createAuthenticator({ directory, limiter, wait: async (ms) => waits.push(ms) });
  return { auth, waits };
}

describe('authenticator', () => {
  it('accepts the right password, with the login in any case', async () => {
    const { auth } = await setup();
    assert.deepEqual(
      await auth(view('192.0.2.1'), { mechanism: 'PLAIN', username: 'Alice@Example.TEST', password: 'right horse' }),
      {
        ok: true,
        user: 'alice@example.test',
      },
    );
  });
  it('answers a wrong password with 535 5.7.8 after the limiter delay', async () => {
    const { auth, waits } = await setup();
    const r = await auth(view('192.0.2.1'), { mechanism: 'LOGIN', username: 'alice@example.test', password: 'wrong' });
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reply && formatReply(r.reply), '535 5.7.8 Authentication credentials invalid\r\n');
    assert.deepEqual(waits, [100]);
  });
  it('locks the IP out with 421 4.7.0 and then refuses even the right password', async () => {
    const { auth, waits } = await setup();
    const results = [];
    for (const u of ['bob@example.test', 'carol@example.test', 'dave@example.test']) {
      results.push(await auth(view('192.0.2.7'), { mechanism: 'PLAIN', username: u, password: 'x' }));
    }
    const last = results[2];
    assert.equal(
      last && !last.ok && last.reply && formatReply(last.reply),
      '421 4.7.0 too many failed login attempts, try again later\r\n',
    );
    const r = await auth(view('192.0.2.7'), {
      mechanism: 'PLAIN',
      username: 'alice@example.test',
      password: 'right horse',
    });
    assert.equal(!r.ok && r.reply?.code, 421);
    assert.deepEqual(waits, [100, 200, 400]);
    const other = await auth(view('192.0.2.8'), {
      mechanism: 'PLAIN',
      username: 'alice@example.test',
      password: 'right horse',
    });
    assert.equal(other.ok, true);
  });
});
