/**
 * Each MAIL and DATA rule on its own cases, and the engine's ordering: the first decisive
 * result wins, the end of the list continues.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { policySchema } from '../../config/sections/policy.js';
import type { Envelope } from '../../core/envelope.js';
import { formatReply, type Reply } from '../../core/reply.js';
import { client, path, rcpt, testPolicy, view } from '../test-world.js';

const outsider = client('mx', '127.0.0.2');
const trusted = client('mx', '127.0.0.1');
const alice = client('submission', '192.0.2.50', 'alice@example.test');
const wire = (r: Reply | undefined) => (r ? formatReply(r).trimEnd() : 'accepted');

async function mail(c: ReturnType<typeof client>, from: string, raw: Record<string, unknown> = {}): Promise<string> {
  const { policy } = await testPolicy(raw);
  return wire(await policy.onMail(view(c), path(from)));
}

describe('null_sender_denied', () => {
  it('lets the null sender in on every port by default (bounces and MDNs)', async () => {
    assert.equal(await mail(outsider, '<>'), 'accepted');
    assert.equal(await mail(alice, '<>'), 'accepted');
  });
  it('refuses it where config says so', async () => {
    assert.equal(
      await mail(outsider, '<>', { null_sender: { mx: false } }),
      '553 5.1.7 null sender is not allowed here',
    );
  });
});

describe('auth_required', () => {
  const want = '553 5.7.1 authentication is required to send mail as <alice@example.test>';
  it('refuses a forged local sender from an outsider on the mx port, whatever its case', async () => {
    assert.equal(await mail(outsider, '<alice@example.test>'), want);
    assert.equal(
      await mail(outsider, '<Alice@EXAMPLE.test>'),
      '553 5.7.1 authentication is required to send mail as <Alice@example.test>',
    );
  });
  it('lets trusted clients use our domains and outsiders use their own', async () => {
    assert.equal(await mail(trusted, '<alice@example.test>'), 'accepted');
    assert.equal(await mail(outsider, '<someone@remote.test>'), 'accepted');
  });
  it('refuses anything on submission before AUTH, even from a trusted network', async () => {
    assert.equal(await mail(client('submission', '127.0.0.1'), '<alice@example.test>'), want);
    assert.equal(
      await mail(client('submissions', '192.0.2.9'), '<x@remote.test>'),
      '553 5.7.1 authentication is required to send mail as <x@remote.test>',
    );
    assert.equal(
      await mail(client('submission', '192.0.2.9'), '<x@remote.test>', { submission_requires_auth: false }),
      'accepted',
    );
  });
});

describe('sender_not_owned', () => {
  it('lets a user send as itself and as an alias that delivers to it', async () => {
    assert.equal(await mail(alice, '<alice@example.test>'), 'accepted');
    assert.equal(await mail(alice, '<ALICE@example.test>'), 'accepted');
    assert.equal(await mail(alice, '<info@example.test>'), 'accepted');
  });
  it('refuses another user, a remote address and a catch-all address', async () => {
    for (const from of ['bob@example.test', 'someone@remote.test', 'anything@other.test']) {
      assert.equal(
        await mail(alice, `<${from}>`),
        `553 5.7.1 <${from}>: sender address is not owned by user <alice@example.test>`,
      );
    }
  });
});

describe('sender_blocked', () => {
  it('refuses an address and a whole domain from the badmailfrom list', async () => {
    assert.equal(await mail(outsider, '<Spammer@bad.test>'), '553 5.7.1 <Spammer@bad.test>: sender address rejected');
    assert.equal(await mail(outsider, '<x@blocked.test>'), '553 5.7.1 <x@blocked.test>: sender address rejected');
    assert.equal(
      await mail(outsider, '<other@bad.test>'),
      '553 5.1.8 <other@bad.test>: domain of sender address does not exist',
    );
  });
  it('matches /regex/ entries', async () => {
    const { policy, directory } = await testPolicy();
    await directory.addBadMailFrom('/^promo-.*@remote\\.test$/');
    assert.equal(
      wire(await policy.onMail(view(outsider), path('<promo-7@remote.test>'))),
      '553 5.7.1 <promo-7@remote.test>: sender address rejected',
    );
    assert.equal(wire(await policy.onMail(view(outsider), path('<news@remote.test>'))), 'accepted');
  });
});

describe('sender_domain_unresolvable', () => {
  for (const [from, expected] of [
    ['<x@remote.test>', 'accepted'],
    ['<x@a-only.test>', 'accepted'],
    ['<x@nxdomain.test>', '553 5.1.8 <x@nxdomain.test>: domain of sender address does not exist'],
    ['<x@unknown-to-dns.test>', '553 5.1.8 <x@unknown-to-dns.test>: domain of sender address does not exist'],
    ['<x@empty.test>', '553 5.1.8 <x@empty.test>: domain of sender address does not exist'],
    ['<x@nullmx.test>', '553 5.1.8 <x@nullmx.test>: domain of sender address does not exist'],
    ['<x@servfail.test>', '451 4.4.3 <x@servfail.test>: cannot check the sender domain now, try again later'],
    ['<x@refused.test>', '451 4.4.3 <x@refused.test>: cannot check the sender domain now, try again later'],
    ['<x@[192.0.2.1]>', 'accepted'],
  ]) {
    it(`MAIL FROM:${from} from an outsider gets ${expected}`, async () => {
      assert.equal(await mail(outsider, from as string), expected);
    });
  }
  it('answers 451 4.4.3 within the timeout when DNS hangs', async () => {
    const t0 = performance.now();
    const r = await mail(outsider, '<x@hang.test>', { sender_domain_check: { timeout_ms: 200 } });
    const ms = performance.now() - t0;
    assert.equal(r, '451 4.4.3 <x@hang.test>: cannot check the sender domain now, try again later');
    assert.ok(ms >= 190 && ms < 1500, `took ${ms} ms`);
  });
  it('is skipped for our own domains, trusted and authenticated clients, and when disabled', async () => {
    assert.equal(await mail(trusted, '<x@nxdomain.test>'), 'accepted');
    assert.equal(await mail(client('mx', '127.0.0.2', 'alice@example.test'), '<alice@example.test>'), 'accepted');
    assert.equal(await mail(outsider, '<x@nxdomain.test>', { sender_domain_check: { enabled: false } }), 'accepted');
    assert.equal(
      await mail(trusted, '<x@nxdomain.test>', { sender_domain_check: { skip_trusted: false } }),
      '553 5.1.8 <x@nxdomain.test>: domain of sender address does not exist',
    );
  });
});

describe('suppressed', () => {
  const GONE = '550 5.1.1 <gone@remote.test>: earlier delivery failed permanently on 2026-11-02: userunknown';
  async function to(c: ReturnType<typeof client>, address: string, raw: Record<string, unknown> = {}) {
    const { policy } = await testPolicy(raw);
    return wire(await policy.onRcpt(view(c), path('<alice@example.test>'), rcpt(address)));
  }
  it('refuses our users (authenticated or trusted) sending to a suppressed address, whatever its case', async () => {
    assert.equal(await to(alice, '<gone@remote.test>'), GONE);
    assert.equal(await to(trusted, '<Gone@Remote.TEST>'), GONE.replace('gone@remote.test', 'Gone@remote.test'));
    assert.equal(await to(alice, '<other@remote.test>'), 'accepted');
  });
  it('leaves outsiders to relay_denied and is off when left out of the rcpt checks', async () => {
    assert.equal(await to(outsider, '<gone@remote.test>'), '553 5.7.1 <gone@remote.test>: not an open relay');
    const off = { checks: { rcpt: ['rcpt_invalid', 'rcpt_unknown', 'relay_denied'] } };
    assert.equal(await to(alice, '<gone@remote.test>', off), 'accepted');
  });
  it('takes an operator override with {date} and {reason}', async () => {
    const raw = { replies: { suppressed: { code: 553, text: '{rcpt} bounced on {date} ({reason})' } } };
    assert.equal(
      await to(alice, '<gone@remote.test>', raw),
      '553 5.1.1 gone@remote.test bounced on 2026-11-02 (userunknown)',
    );
  });
});

describe('content_filtered', () => {
  const envelope = { from: path('<x@remote.test>') } as unknown as Envelope;
  const verdict = (spam: boolean, score: number) => async () => ({
    kind: 'verdict' as const,
    spam,
    score,
    threshold: 5,
    symbols: [],
  });
  const check = async (
    raw: Record<string, unknown>,
    spamd: NonNullable<Parameters<typeof testPolicy>[1]>['spamd'],
    body = 'x',
  ) => {
    const { policy, log } = await testPolicy(raw, { spamd });
    return { r: wire(await policy.checkContent(view(outsider), envelope, Buffer.from(body))), log: log.lines };
  };
  it('does nothing while spamd is disabled (the default)', async () => {
    assert.equal((await check({}, verdict(true, 1000))).r, 'accepted');
  });
  it('uses spamd verdict, or the configured threshold instead', async () => {
    const on = { spamd: { enabled: true } };
    assert.match((await check(on, verdict(true, 6))).r, /^553-5\.7\.1 message filtered as spam\r\n553 5\.7\.1 see /);
    assert.equal((await check(on, verdict(false, 4))).r, 'accepted');
    assert.match((await check({ spamd: { enabled: true, threshold: 3 } }, verdict(false, 4))).r, /^553-5\.7\.1/);
    assert.equal((await check({ spamd: { enabled: true, threshold: 10 } }, verdict(true, 6))).r, 'accepted');
  });
  it('fails open with a log line, or tempfails when configured', async () => {
    const down = async () => ({ kind: 'error' as const, why: 'ECONNREFUSED' });
    const open = await check({ spamd: { enabled: true } }, down);
    assert.equal(open.r, 'accepted');
    assert.ok(open.log.includes('warn: spamd unavailable'));
    const shut = await check({ spamd: { enabled: true, on_error: 'tempfail' } }, down);
    assert.equal(shut.r, '451 4.7.1 content filter unavailable, try again later');
  });
  it('does not send messages over max_bytes', async () => {
    let asked = false;
    const spy = async () => {
      asked = true;
      return { kind: 'verdict' as const, spam: true, score: 1000, threshold: 5, symbols: [] };
    };
    assert.equal((await check({ spamd: { enabled: true, max_bytes: 3 } }, spy, 'four')).r, 'accepted');
    assert.equal(asked, false);
  });
});

describe('the engine', () => {
  it('runs checks in config order: the first decisive one wins', async () => {
    // A forged local sender that is also blacklisted: whichever runs first answers.
    const { policy, directory } = await testPolicy({ checks: { mail: ['sender_blocked', 'auth_required'] } });
    await directory.addBadMailFrom('alice@example.test');
    const r = await policy.evaluate({ stage: 'mail', client: outsider, from: path('<alice@example.test>') });
    assert.equal(r.kind === 'reject' && r.rule, 'sender_blocked');
    const { policy: p2, directory: d2 } = await testPolicy();
    await d2.addBadMailFrom('alice@example.test');
    const r2 = await p2.evaluate({ stage: 'mail', client: outsider, from: path('<alice@example.test>') });
    assert.equal(r2.kind === 'reject' && r2.rule, 'auth_required');
  });
  it('continues at the end of a list, and at connect and helo, which have no checks yet', async () => {
    const { policy } = await testPolicy({ checks: { mail: [] } });
    assert.equal(await policy.onMail(view(outsider), path('<alice@example.test>')), undefined);
    assert.equal(await policy.onConnect(view(outsider)), undefined);
    assert.equal(await policy.onHelo(view(outsider), 'client.test'), undefined);
  });
  it('logs every refusal with the rule that decided', async () => {
    const { policy, log } = await testPolicy();
    await policy.onMail(view(outsider), path('<alice@example.test>'));
    assert.deepEqual(log.lines, [
      'policy reject: 553 5.7.1 authentication is required to send mail as <alice@example.test>',
    ]);
  });
  it('config refuses a rcpt list without relay_denied and a check at the wrong stage', () => {
    assert.equal(policySchema.safeParse({ checks: { rcpt: ['rcpt_invalid', 'rcpt_unknown'] } }).success, false);
    assert.equal(policySchema.safeParse({ checks: { mail: ['relay_denied'] } }).success, false);
    assert.equal(
      policySchema.safeParse({ replies: { relay_denied: { code: 451, enhanced: '5.7.1' } } }).success,
      false,
    );
    assert.equal(policySchema.safeParse({ replies: { relay_denyed: { text: 'x' } } }).success, false);
  });
});
