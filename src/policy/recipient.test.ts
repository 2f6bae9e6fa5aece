/**
 * Relay decision and relay tricks: every trick from the issue → the exact reply, from an
 * outsider on the mx port (127.0.0.2), and what trusted or authenticated clients get.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientInfo } from '../core/envelope.js';
import { formatReply } from '../core/reply.js';
import { client, path, rcpt, testPolicy, view } from './test-world.js';

const outsider = client('mx', '127.0.0.2');
const trusted = client('mx', '127.0.0.1');
const authed = client('submission', '192.0.2.50', 'alice@example.test');

async function answer(c: ClientInfo, to: string, opts: Parameters<typeof testPolicy>[1] = {}): Promise<string> {
  const { policy } = await testPolicy({}, opts);
  const r = await policy.onRcpt(view(c), path('<>'), rcpt(to));
  return r ? formatReply(r).trimEnd() : 'accepted';
}

const TRICKS: [string, string][] = [
  ['<user%remote.test@example.test>', '553 5.1.3 <user%remote.test@example.test>: bad recipient address syntax'],
  ['<remote.test!user@example.test>', '553 5.1.3 <remote.test!user@example.test>: bad recipient address syntax'],
  ['<@example.test:user@remote.test>', '553 5.1.3 <@example.test:user@remote.test>: bad recipient address syntax'],
  [
    '<@example.test,@other.test:user@remote.test>',
    '553 5.1.3 <@example.test,@other.test:user@remote.test>: bad recipient address syntax',
  ],
  ['<"user@remote.test"@example.test>', '553 5.1.3 <"user@remote.test"@example.test>: bad recipient address syntax'],
  ['<"user%remote.test"@example.test>', '553 5.1.3 <user%remote.test@example.test>: bad recipient address syntax'],
  ['<user@[192.0.2.1]>', '553 5.1.3 <user@[192.0.2.1]>: bad recipient address syntax'],
  ['<user@[IPv6:2001:db8::1]>', '553 5.1.3 <user@[IPv6:2001:db8::1]>: bad recipient address syntax'],
  ['<alice@example.test.>', '553 5.1.3 <alice@example.test.>: bad recipient address syntax'],
  ['<someone@remote.test.>', '553 5.1.3 <someone@remote.test.>: bad recipient address syntax'],
  ['<Someone@REMOTE.Test>', '553 5.7.1 <Someone@remote.test>: not an open relay'],
  ['<someone@remote.test>', '553 5.7.1 <someone@remote.test>: not an open relay'],
  ['<alice@example.test.remote.test>', '553 5.7.1 <alice@example.test.remote.test>: not an open relay'],
  ['<nobody@example.test>', '553 5.1.1 <nobody@example.test>: no mailbox here by that name'],
  ['<nobody@[127.0.0.1]>', '553 5.1.1 <nobody@[127.0.0.1]>: no mailbox here by that name'],
];

describe('relay tricks from an outsider on the mx port', () => {
  for (const [to, expected] of TRICKS) {
    it(`RCPT TO:${to} gets ${expected}`, async () => {
      assert.equal(await answer(outsider, to), expected);
    });
  }
});

describe('what an outsider may send to', () => {
  for (const to of [
    '<alice@example.test>',
    '<ALICE@Example.TEST>',
    '<info@example.test>',
    '<fwd@example.test>',
    '<anything@other.test>',
    '<postmaster>',
    '<Postmaster@example.test>',
    '<alice@[127.0.0.1]>',
  ]) {
    it(`accepts ${to} (our mailbox, alias, forward, catch-all or postmaster)`, async () => {
      assert.equal(await answer(outsider, to), 'accepted');
    });
  }
  it('accepts postmaster@ours even when no such user or alias exists', async () => {
    assert.equal(await answer(outsider, '<postmaster@other.test>'), 'accepted');
  });
  it('accepts an alias that forwards to a remote address, but not that address itself', async () => {
    assert.equal(await answer(outsider, '<fwd@example.test>'), 'accepted');
    assert.equal(await answer(outsider, '<someone@remote.test>'), '553 5.7.1 <someone@remote.test>: not an open relay');
  });
});

describe('relaying for trusted and authenticated clients', () => {
  it('lets 127.0.0.1 and ::1 relay, and ::ffff:127.0.0.1 as a dual-stack socket reports it', async () => {
    assert.equal(await answer(trusted, '<someone@remote.test>'), 'accepted');
    assert.equal(await answer(client('mx', '::1'), '<someone@remote.test>'), 'accepted');
    assert.equal(await answer(client('mx', '::ffff:127.0.0.1'), '<someone@remote.test>'), 'accepted');
  });
  it('does not trust the rest of 127/8 nor ::ffff:127.0.0.2', async () => {
    const denied = '553 5.7.1 <someone@remote.test>: not an open relay';
    assert.equal(await answer(client('mx', '127.0.0.2'), '<someone@remote.test>'), denied);
    assert.equal(await answer(client('mx', '::ffff:127.0.0.2'), '<someone@remote.test>'), denied);
    assert.equal(await answer(client('mx', '::2'), '<someone@remote.test>'), denied);
  });
  it('lets an authenticated user relay, but still refuses tricks', async () => {
    assert.equal(await answer(authed, '<someone@remote.test>'), 'accepted');
    assert.equal(
      await answer(authed, '<user%remote.test@example.test>'),
      '553 5.1.3 <user%remote.test@example.test>: bad recipient address syntax',
    );
  });
  it('trusts networks the directory adds at run time (after the short cache)', async () => {
    const { policy, directory, clock } = await testPolicy();
    const c = client('mx', '198.51.100.7');
    assert.equal(await policy.isTrustedClient('198.51.100.7'), false);
    await directory.addTrustedNetwork('198.51.100.0/24');
    clock.advance(10_001);
    assert.equal(await policy.isTrustedClient('198.51.100.7'), true);
    assert.equal(await policy.onRcpt(view(c), path('<>'), rcpt('<x@remote.test>')), undefined);
  });
  it('still refuses a trick when rcpt_invalid is disabled: relay_denied catches it', async () => {
    const { policy } = await testPolicy({ checks: { rcpt: ['rcpt_unknown', 'relay_denied'] } });
    const r = await policy.onRcpt(view(outsider), path('<>'), rcpt('<user%remote.test@example.test>'));
    assert.equal(r && formatReply(r), '553 5.7.1 <user%remote.test@example.test>: not an open relay\r\n');
  });
});

describe('decideRelay for the integration', () => {
  it('names the check that refuses, or why it accepts', async () => {
    const { policy } = await testPolicy();
    const a = (s: string) => rcpt(s).address;
    assert.deepEqual(await policy.decideRelay(a('<alice@example.test>'), outsider), { ok: true, why: 'local' });
    assert.deepEqual(await policy.decideRelay(a('<x@remote.test>'), trusted), { ok: true, why: 'trusted' });
    assert.deepEqual(await policy.decideRelay(a('<x@remote.test>'), authed), { ok: true, why: 'authenticated' });
    assert.deepEqual(await policy.decideRelay(a('<x@remote.test>'), outsider), { ok: false, check: 'relay_denied' });
    assert.deepEqual(await policy.decideRelay(a('<x@example.test>'), outsider), { ok: false, check: 'rcpt_unknown' });
    assert.deepEqual(await policy.decideRelay(a('<a!b@example.test>'), trusted), { ok: false, check: 'rcpt_invalid' });
  });
});

describe('no relay trick gets through (property)', () => {
  it('never accepts a trick or foreign address from an outsider, whatever the case and combination', async () => {
    const fc = (await import('fast-check')).default;
    const { policy } = await testPolicy();
    const label = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
    const remote = fc
      .tuple(label, fc.constantFrom('remote.test', 'example.test.evil', 'gmail.test', 'other.test.x'))
      .map(([a, b]) => `${a}.${b}`);
    const ours = fc.constantFrom('example.test', 'EXAMPLE.test', 'other.test', 'Other.TEST');
    const user = fc.constantFrom('alice', 'ALICE', 'info', 'fwd', 'postmaster', 'x');
    const ip = fc.ipV4().filter((a) => a !== '127.0.0.1');
    const shapes = fc.oneof(
      fc.tuple(user, remote, ours).map(([u, r, o]) => `<${u}%${r}@${o}>`),
      fc.tuple(user, remote, ours).map(([u, r, o]) => `<${r}!${u}@${o}>`),
      fc.tuple(user, remote, ours).map(([u, r, o]) => `<@${o}:${u}@${r}>`),
      fc.tuple(user, remote, ours).map(([u, r, o]) => `<"${u}@${r}"@${o}>`),
      fc.tuple(user, remote, ours).map(([u, r, o]) => `<"${u}%${r}"@${o}>`),
      fc.tuple(user, remote).map(([u, r]) => `<${u}@${r}>`),
      fc.tuple(user, remote).map(([u, r]) => `<${u}@${r}.>`),
      fc.tuple(user, ours).map(([u, o]) => `<${u}@${o}.>`),
      fc.tuple(user, ip).map(([u, a]) => `<${u}@[${a}]>`),
    );
    await fc.assert(
      fc.asyncProperty(shapes, async (to) => {
        const r = await policy.onRcpt(view(outsider), path('<>'), rcpt(to));
        assert.ok(r, `accepted ${to}`);
        assert.equal(r.code, 553);
        assert.ok(r.enhanced === '5.1.3' || r.enhanced === '5.7.1', `${to}: ${r.enhanced}`);
      }),
      { numRuns: 300 },
    );
  });
});
