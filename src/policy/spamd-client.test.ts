/**
 * The spamd client against a loopback server speaking spamd's protocol
 * (test/helpers/spamd-fake.ts); the real spamd is in test/e2e/policy-spamd.test.ts.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type FakeSpamd, GTUBE, startFakeSpamd } from '../../test/helpers/spamd-fake.js';
import { askSpamd, parseSpamdAnswer } from './spamd-client.js';

const message = (body: string) => Buffer.from(`From: a@remote.test\r\nSubject: t\r\n\r\n${body}\r\n`);

describe('askSpamd', () => {
  let spamd: FakeSpamd;
  before(async () => {
    spamd = await startFakeSpamd();
  });
  after(() => spamd.close());
  const opts = () => ({ host: '127.0.0.1', port: spamd.port, timeoutMs: 1000, user: 'mailward' });

  it('sends SYMBOLS with the exact Content-length and reads a spam verdict', async () => {
    spamd.mode = 'normal';
    const m = message(GTUBE);
    const r = await askSpamd(m, opts());
    assert.deepEqual(r, { kind: 'verdict', spam: true, score: 1000, threshold: 5, symbols: ['GTUBE', 'MISSING_DATE'] });
    const req = spamd.requests.at(-1);
    assert.equal(req?.verb, 'SYMBOLS SPAMC/1.5');
    assert.equal(req?.headers['content-length'], String(m.length));
    assert.equal(req?.headers.user, 'mailward');
    assert.deepEqual(req?.body, m);
  });
  it('reads a ham verdict', async () => {
    spamd.mode = 'normal';
    const r = await askSpamd(message('hello'), opts());
    assert.deepEqual(r, { kind: 'verdict', spam: false, score: 0.5, threshold: 5, symbols: ['MISSING_DATE'] });
  });
  it('turns silence, garbage and protocol errors into errors, never verdicts', async () => {
    spamd.mode = 'hang';
    const t0 = performance.now();
    assert.deepEqual(await askSpamd(message('x'), { ...opts(), timeoutMs: 150 }), {
      kind: 'error',
      why: 'no answer within 150 ms',
    });
    assert.ok(performance.now() - t0 < 1000);
    spamd.mode = 'garbage';
    assert.equal((await askSpamd(message('x'), opts())).kind, 'error');
    spamd.mode = 'protocol-error';
    assert.deepEqual(await askSpamd(message('x'), opts()), {
      kind: 'error',
      why: 'spamd error 76 Bad header line: SYMBOLS SPAMC/1.5',
    });
  });
  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    assert.deepEqual(await askSpamd(message('x'), { host: '127.0.0.1', port, timeoutMs: 1000 }), {
      kind: 'error',
      why: 'ECONNREFUSED',
    });
  });
});

describe('parseSpamdAnswer', () => {
  it('reads the CHECK form (no body) and refuses answers without a verdict', () => {
    assert.deepEqual(parseSpamdAnswer('SPAMD/1.1 0 EX_OK\r\nSpam: Yes ; 7.5 / 5.0\r\n\r\n'), {
      kind: 'verdict',
      spam: true,
      score: 7.5,
      threshold: 5,
      symbols: [],
    });
    assert.equal(parseSpamdAnswer('SPAMD/1.1 0 EX_OK\r\n\r\n').kind, 'error');
    assert.equal(parseSpamdAnswer('').kind, 'error');
  });
});
