import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDnsServer, type TestDnsServer } from '../../../test/helpers/dns-server.js';
import { resolveTargets, shuffleEqualPreferences } from './mx.js';

describe('resolveTargets (against a loopback DNS server)', () => {
  let dns: TestDnsServer;
  before(async () => {
    dns = await startDnsServer({
      'two.test': {
        MX: [
          { exchange: 'mx-b.two.test', priority: 20 },
          { exchange: 'mx-a.two.test', priority: 10 },
        ],
      },
      'mx-a.two.test': { A: ['127.0.0.2'] },
      'mx-b.two.test': { A: ['127.0.0.3'], AAAA: ['::1'] },
      'nomx.test': { A: ['127.0.0.4'] },
      'null.test': { MX: [{ exchange: '.', priority: 0 }] },
      'empty.test': { TXT: ['v=spf1 -all'] },
      'dead.test': { MX: [{ exchange: 'gone.dead.test', priority: 10 }] },
      'sick.test': { SERVFAIL: true },
    });
  });
  after(() => dns.close());

  it('orders MX hosts by preference and resolves their addresses', async () => {
    const r = await resolveTargets('two.test', dns.resolver);
    assert.deepEqual(r, {
      ok: true,
      hosts: [
        { host: 'mx-a.two.test', ips: ['127.0.0.2'], preference: 10 },
        { host: 'mx-b.two.test', ips: ['127.0.0.3', '::1'], preference: 20 },
      ],
    });
  });
  it('falls back to the A record when there is no MX', async () => {
    assert.deepEqual(await resolveTargets('nomx.test', dns.resolver), {
      ok: true,
      hosts: [{ host: 'nomx.test', ips: ['127.0.0.4'], preference: 0 }],
    });
  });
  it('reports a null MX without looking up A records', async () => {
    dns.queries.length = 0;
    const r = await resolveTargets('null.test', dns.resolver);
    assert.equal(r.ok === false && r.outcome, 'nullmx');
    assert.deepEqual(dns.queries, ['MX null.test']);
  });
  it('tells a missing domain, an addressless one, and a DNS failure apart', async () => {
    const nx = await resolveTargets('nope.test', dns.resolver);
    assert.deepEqual(nx, { ok: false, outcome: 'nxdomain', detail: 'nope.test: domain not found' });
    const empty = await resolveTargets('empty.test', dns.resolver);
    assert.deepEqual(empty, { ok: false, outcome: 'unroutable', detail: 'empty.test: no MX, A or AAAA record' });
    const dead = await resolveTargets('dead.test', dns.resolver);
    assert.deepEqual(dead, { ok: false, outcome: 'unroutable', detail: 'dead.test: no MX host has an address' });
    const sick = await resolveTargets('sick.test', dns.resolver);
    assert.deepEqual(sick, { ok: false, outcome: 'temp', detail: 'sick.test: MX lookup failed (ESERVFAIL)' });
  });
  it('sends address literals straight to the IP', async () => {
    assert.deepEqual(await resolveTargets('[127.0.0.9]', dns.resolver), {
      ok: true,
      hosts: [{ host: '[127.0.0.9]', ips: ['127.0.0.9'], preference: 0 }],
    });
  });
});

describe('shuffleEqualPreferences', () => {
  it('keeps preference order and shuffles only within one preference', () => {
    const recs = [
      { exchange: 'c', priority: 20 },
      { exchange: 'a1', priority: 10 },
      { exchange: 'a2', priority: 10 },
    ];
    const seq = [0.5, 0.9, 0.1];
    let i = 0;
    const out = shuffleEqualPreferences(recs, () => seq[i++] as number);
    assert.deepEqual(
      out.map((r) => r.exchange),
      ['a2', 'a1', 'c'],
    );
  });
});

describe('the loopback DNS helper', () => {
  it('serves TXT records as separate character-strings and follows zone edits', async () => {
    const dns = await startDnsServer({ 'spf.test': { TXT: ['v=spf1 -all', ['v=DKIM1; p=', 'AAAA']] } });
    try {
      assert.deepEqual(await dns.resolver.resolveTxt('spf.test'), [['v=spf1 -all'], ['v=DKIM1; p=', 'AAAA']]);
      dns.zone['Later.Test.'] = { A: ['127.0.0.5'] };
      assert.deepEqual(await dns.resolver.resolve4('later.test'), ['127.0.0.5']);
      assert.deepEqual(dns.queries, ['TXT spf.test', 'A later.test']);
    } finally {
      await dns.close();
    }
  });
});
