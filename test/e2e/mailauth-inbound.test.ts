/**
 * End to end on the wire: an SMTP client talks to the mx listener, the queue intake runs the
 * mail-authentication filter as its beforeCommit hook, and a loopback DNS server answers SPF,
 * DKIM and DMARC. Checks the end-of-DATA reply, and what lands in the spool: our
 * Authentication-Results on top, forged ones gone, the body intact. RFC 7489 §6.6, RFC 8601 §5.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseMailbox } from '../../src/core/address.js';
import { FakeClock } from '../../src/core/clock.js';
import type { ClientInfo, Envelope } from '../../src/core/envelope.js';
import { createLocalTransport } from '../../src/delivery/local/transport.js';
import { createMailauthIntakeStep } from '../../src/mailauth/intake-step.js';
import { generateDkimKey, type SigningKey } from '../../src/mailauth/keys.js';
import { createOutboundSigner, signMessage } from '../../src/mailauth/sign.js';
import { resolveWith, verifyInbound } from '../../src/mailauth/verify.js';
import { createIntake, type Intake } from '../../src/queue/intake.js';
import { MemoryDirectoryStore } from '../../src/store/memory/directory.js';
import { openSqliteQueueStore, type SqliteQueueStore } from '../../src/store/sqlite/queue.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { SmtpClient } from '../helpers/smtp-dialogue.js';
import { startTestServer, type TestServer } from '../helpers/smtp-test-server.js';

const HOST = 'mx.ours.test';
const CONFIG = { verify_inbound: true, dmarc_enforce: true, add_authentication_results: true };
const silent = { info() {}, warn() {}, error() {} };

let base: string;
let dns: TestDnsServer;
let key: SigningKey;
let store: SqliteQueueStore;
let intake: Intake;
let smtp: TestServer;

const forged = `Authentication-Results: ${HOST}; dkim=pass header.d=strict.test; dmarc=pass`;

function message(from: string, subject: string, extra: string[] = []): Buffer {
  return Buffer.from(
    [
      ...extra,
      `From: <${from}>`,
      'To: <rcpt@ours.test>',
      `Subject: ${subject}`,
      'Date: Sat, 28 Nov 2026 10:00:00 +0000',
      '',
      'Hello.',
      '',
    ].join('\r\n'),
  );
}

async function spooledFiles(): Promise<string[]> {
  const out: string[] = [];
  for (const shard of await readdir(join(base, 'spool')).catch(() => [])) {
    for (const f of await readdir(join(base, 'spool', shard))) out.push(join(base, 'spool', shard, f));
  }
  return out.sort();
}

/** Sends one message on the mx port and returns the reply to the end of DATA. */
async function send(mailFrom: string, body: Buffer): Promise<string> {
  const c = await SmtpClient.connect(smtp.ports.mx);
  try {
    await c.run([
      { s: /^220 / },
      { c: 'EHLO client.sender.test', s: /^250/ },
      { c: `MAIL FROM:<${mailFrom}>`, s: /^250 / },
      { c: 'RCPT TO:<rcpt@ours.test>', s: /^250 / },
      { c: 'DATA', s: /^354 / },
    ]);
    c.write(Buffer.concat([body, Buffer.from('.\r\n')]));
    const r = (await c.reply()) ?? 'closed';
    c.write('QUIT\r\n');
    return r;
  } finally {
    c.close();
  }
}

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'mailward-mailauth-wire-'));
  const g = await generateDkimKey(base, 'sender.test', 'sel1');
  assert.ok(g.ok);
  key = g.key;
  dns = await startDnsServer({
    'sender.test': { TXT: ['v=spf1 ip4:127.0.0.2 -all'] },
    'sel1._domainkey.sender.test': { TXT: [g.key.record.match(/.{1,255}/g) ?? []] },
    '_dmarc.sender.test': { TXT: ['v=DMARC1; p=reject'] },
    'strict.test': { TXT: ['v=spf1 ip4:127.0.0.2 -all'] },
    '_dmarc.strict.test': { TXT: ['v=DMARC1; p=reject'] },
    'soft.test': { TXT: ['v=spf1 ip4:127.0.0.2 -all'] },
    '_dmarc.soft.test': { TXT: ['v=DMARC1; p=quarantine'] },
  });
  store = openSqliteQueueStore(join(base, 'queue.db'));
  intake = createIntake({
    store,
    spoolDir: join(base, 'spool'),
    hostname: HOST,
    clock: new FakeClock(Date.UTC(2026, 10, 28, 10, 0, 0)),
    log: silent,
    beforeCommit: createMailauthIntakeStep({
      hostname: HOST,
      resolver: resolveWith(dns.resolver),
      config: CONFIG,
      isTrusted: () => false,
    }),
  });
  smtp = await startTestServer({ hooks: { onData: (v, e, b) => intake.onData(v, e, b) } });
});

after(async () => {
  await smtp.stop();
  await intake.close();
  await store.close();
  await dns.close();
  await rm(base, { recursive: true, force: true });
});

describe('inbound mail authentication on the mx listener', () => {
  it('refuses a forged From strict.test from an IP outside its SPF with 550 5.7.1 and spools nothing', async () => {
    const r = await send('bounce@strict.test', message('ceo@strict.test', 'pay this invoice'));
    assert.equal(r, '550 5.7.1 Message rejected: From domain strict.test fails DMARC and its policy is p=reject');
    assert.deepEqual(await spooledFiles(), []);
  });

  it('accepts a message signed by our signer, adds our Authentication-Results on top and drops the forged one', async () => {
    const signed = await signMessage(message('alice@sender.test', 'signed', [forged]), key);
    const r = await send('alice@sender.test', signed);
    assert.match(r, /^250 2\.0\.0 Ok: queued as \S+$/);
    const files = await spooledFiles();
    assert.equal(files.length, 1);
    const text = await readFile(files[0] ?? '', 'latin1');
    assert.match(
      text,
      /^Authentication-Results: mx\.ours\.test;\r\n dkim=pass header\.i=@sender\.test header\.s=sel1 /,
    );
    // SPF fails (client 127.0.0.1, record allows 127.0.0.2), the aligned signature carries DMARC.
    assert.match(text, /\r\n spf=fail /);
    assert.match(text, /\r\n dmarc=pass \(p=REJECT arc=none\) header\.from=sender\.test header\.d=sender\.test\r\n/);
    assert.equal(text.split('Authentication-Results:').length - 1, 1, 'exactly one Authentication-Results');
    assert.doesNotMatch(text, /header\.d=strict\.test/);
    assert.match(text, /\r\nReceived: from client\.sender\.test /);
    assert.ok(text.endsWith(`${signed.toString('latin1').replace(`${forged}\r\n`, '').split('\r\n\r\n')[1]}`));
  });

  it('accepts a soft.test DMARC failure and marks it for quarantine', async () => {
    const r = await send('', message('news@soft.test', 'newsletter'));
    const id = /^250 2\.0\.0 Ok: queued as (\S+)$/.exec(r)?.[1] ?? 'none';
    const file = (await spooledFiles()).find((f) => f.endsWith(`/${id}`));
    const text = await readFile(file ?? 'missing', 'latin1');
    assert.match(text, /\r\nX-Mailward-Quarantine: dmarc=fail policy=quarantine header\.from=soft\.test\r\n/);
    assert.match(text, /\r\n dmarc=fail \(p=QUARANTINE arc=none\) header\.from=soft\.test header\.d=soft\.test\r\n/);
  });
});

/** Delivers a spooled message to rcpt@ours.test's Maildir as the local transport does; returns its reply text. */
async function deliverLocally(queueId: string): Promise<string> {
  const file = (await spooledFiles()).find((f) => f.endsWith(`/${queueId}`)) ?? 'missing';
  const directory = new MemoryDirectoryStore();
  await directory.addDomain('ours.test');
  await directory.addUser({ address: 'rcpt@ours.test', passwordHash: 'x' });
  const local = createLocalTransport({ dataDir: base, directory, hostname: HOST });
  const [outcome] = await local.deliver({
    queueId,
    from: '',
    rcpts: [{ address: 'rcpt@ours.test' }],
    dsn: {},
    bodyPath: file,
    size: 0,
    smtputf8: false,
    body: '8BITMIME',
    attempt: 1,
  });
  assert.equal(outcome?.status, 'delivered');
  return outcome?.reply.lines.join(' ') ?? '';
}

const maildir = () => join(base, 'mail', 'ours.test', 'rcpt', 'Maildir');
const folderFiles = async (folder: string) => await readdir(join(maildir(), folder, 'new')).catch(() => []);

describe('quarantine acted upon: intake mark, then local delivery', () => {
  it('delivers a soft.test DMARC failure into Maildir/.Junk/new, not INBOX', async () => {
    const r = await send('', message('promo@soft.test', 'junk please'));
    const id = /^250 2\.0\.0 Ok: queued as (\S+)$/.exec(r)?.[1] ?? 'none';
    const before = await folderFiles('.');
    assert.match(
      await deliverLocally(id),
      /^rcpt@ours\.test delivered to maildir folder Junk \(DMARC quarantine\) as \S+$/,
    );
    const junk = await folderFiles('.Junk');
    assert.equal(junk.filter((n) => n.includes(id)).length, 1);
    assert.deepEqual(await folderFiles('.'), before);
    const text = await readFile(join(maildir(), '.Junk', 'new', junk.find((n) => n.includes(id)) ?? ''), 'latin1');
    assert.match(text, /^Return-Path: <>\r\nDelivered-To: rcpt@ours\.test\r\nAuthentication-Results: /);
    assert.match(text, /\r\nX-Mailward-Quarantine: dmarc=fail policy=quarantine header\.from=soft\.test\r\n/);
    assert.match(text, /\r\nSubject: junk please\r\n/);
  });

  it('a mark forged by the sender is removed at intake: a DMARC-passing message goes to INBOX', async () => {
    const mark = 'X-Mailward-Quarantine: dmarc=fail policy=quarantine header.from=sender.test';
    const signed = await signMessage(message('alice@sender.test', 'forged mark', [mark]), key);
    const r = await send('alice@sender.test', signed);
    const id = /^250 2\.0\.0 Ok: queued as (\S+)$/.exec(r)?.[1] ?? 'none';
    assert.match(await deliverLocally(id), /^rcpt@ours\.test delivered to maildir as \S+$/);
    const name = (await folderFiles('.')).find((n) => n.includes(id));
    const text = await readFile(join(maildir(), 'new', name ?? 'missing'), 'latin1');
    assert.doesNotMatch(text, /X-Mailward-Quarantine/i);
    assert.match(text, /\r\n dmarc=pass /);
    assert.equal((await folderFiles('.Junk')).filter((n) => n.includes(id)).length, 0);
  });
});

describe('createMailauthIntakeStep outside the mx role', () => {
  const client = (over: Partial<ClientInfo>): ClientInfo => ({
    ip: '127.0.0.9',
    port: 40000,
    localIp: '127.0.0.1',
    localPort: 587,
    role: 'submission',
    helo: 'laptop',
    esmtp: true,
    tls: true,
    authUser: 'alice',
    ...over,
  });
  const envelope = (c: ClientInfo): Envelope => {
    const rcpt = parseMailbox('rcpt@ours.test');
    assert.ok(rcpt.ok);
    return {
      from: { kind: 'null' },
      rcpts: [{ address: rcpt.value }],
      dsn: {},
      client: c,
      body: '8BITMIME',
      smtputf8: false,
    };
  };

  for (const [name, c] of [
    ['an authenticated submission', client({})],
    ['a trusted client on mx', client({ role: 'mx', authUser: null, ip: '10.0.0.5' })],
  ] as const) {
    it(`does not verify ${name}, yet removes a forged Authentication-Results`, async () => {
      const filter = createMailauthIntakeStep({
        hostname: HOST,
        resolver: async () => {
          throw new Error('no DNS lookups expected');
        },
        config: CONFIG,
        isTrusted: (ip) => ip === '10.0.0.5',
        signer: createOutboundSigner({ dataDir: base, hostname: HOST }), // holds no key for strict.test
      });
      const file = join(base, `direct-${c.role}.tmp`);
      const original = message('ceo@strict.test', 'internal', ['Received: from laptop by mx.ours.test', forged]);
      await writeFile(file, original);
      assert.equal(await filter(file, envelope(c)), undefined);
      const expected = message('ceo@strict.test', 'internal', ['Received: from laptop by mx.ours.test']);
      assert.deepEqual((await readFile(file)).toString('latin1'), expected.toString('latin1'));
    });
  }

  it('signs an authenticated submission with our key, and the result verifies', async () => {
    const step = createMailauthIntakeStep({
      hostname: HOST,
      resolver: resolveWith(dns.resolver),
      config: CONFIG,
      isTrusted: () => false,
      signer: createOutboundSigner({ dataDir: base, hostname: HOST }),
    });
    const file = join(base, 'submission.tmp');
    const original = message('alice@sender.test', 'outgoing', ['Received: from laptop by mx.ours.test', forged]);
    await writeFile(file, original);
    const alice = parseMailbox('alice@sender.test');
    assert.ok(alice.ok);
    const env: Envelope = { ...envelope(client({})), from: alice.value };
    assert.equal(await step(file, env), undefined);
    const text = (await readFile(file)).toString('latin1');
    assert.match(text, /^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=sender\.test;/);
    assert.ok(
      text.endsWith(
        message('alice@sender.test', 'outgoing', ['Received: from laptop by mx.ours.test']).toString('latin1'),
      ),
    );
    const v = await verifyInbound({
      message: Buffer.from(text, 'latin1'),
      ip: '127.0.0.9',
      helo: 'x',
      mailFrom: 'alice@sender.test',
      hostname: 'elsewhere.test',
      resolver: resolveWith(dns.resolver),
      enforceDmarc: true,
    });
    assert.deepEqual([v.results.dkim, v.results.dmarc], ['pass', 'pass']);
  });

  it('never signs mail from outside, even with a From we hold a key for', async () => {
    const step = createMailauthIntakeStep({
      hostname: HOST,
      resolver: resolveWith(dns.resolver),
      config: { ...CONFIG, verify_inbound: false },
      isTrusted: () => false,
      signer: createOutboundSigner({ dataDir: base, hostname: HOST }),
    });
    const file = join(base, 'outside.tmp');
    const original = message('alice@sender.test', 'spoof');
    await writeFile(file, original);
    const env = envelope(client({ role: 'mx', authUser: null }));
    assert.equal(await step(file, env), undefined);
    assert.deepEqual(await readFile(file), original);
  });
});
