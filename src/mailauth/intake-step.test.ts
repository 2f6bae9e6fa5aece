import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseMailbox } from '../core/address.js';
import type { ClientInfo, Envelope } from '../core/envelope.js';
import { createMailauthIntakeStep, needsVerification } from './intake-step.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailward-intake-step-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HOST = 'mx.ours.test';
const FORGED = `Authentication-Results: ${HOST}; dkim=pass\r\n`;

function envelope(over: Partial<ClientInfo> = {}): Envelope {
  const rcpt = parseMailbox('rcpt@ours.test');
  assert.ok(rcpt.ok);
  const client: ClientInfo = {
    ip: '10.1.1.1',
    port: 40000,
    localIp: '127.0.0.1',
    localPort: 25,
    role: 'mx',
    helo: 'relay',
    esmtp: true,
    tls: false,
    authUser: null,
    ...over,
  };
  return {
    from: { kind: 'null' },
    rcpts: [{ address: rcpt.value }],
    dsn: {},
    client,
    body: '8BITMIME',
    smtputf8: false,
  };
}

// A trusted client: no verification and no DNS, only the header rewrite.
const step = createMailauthIntakeStep({
  hostname: HOST,
  resolver: async () => {
    throw new Error('no DNS lookups expected');
  },
  config: { verify_inbound: true, dmarc_enforce: true, add_authentication_results: true },
  isTrusted: (ip) => ip === '10.1.1.1',
});

/**
 * Runs the step twice: reading the header from the file, and from what the intake hands over
 * (the first 64 KiB and the size, as intake.ts does); both must leave the same file, and the
 * second must report the new size after a rewrite.
 */
async function run(name: string, content: Buffer): Promise<Buffer> {
  const file = join(dir, name);
  await writeFile(file, content);
  assert.equal(await step(file, envelope()), undefined);
  const fromFile = await readFile(file);
  const handed = join(dir, `${name}-handed`);
  await writeFile(handed, content);
  let resized: number | undefined;
  const spooled = {
    head: content.subarray(0, 64 * 1024),
    size: content.length,
    resized: (n: number) => {
      resized = n;
    },
  };
  assert.equal(await step(handed, envelope(), spooled), undefined);
  const fromHead = await readFile(handed);
  assert.deepEqual(fromHead, fromFile);
  assert.equal(resized, fromHead.equals(content) ? undefined : fromHead.length);
  return fromFile;
}

describe('createMailauthIntakeStep rewriting the spool file', () => {
  it('strips the header and keeps the body exact when the header end straddles two 64 KiB reads', async () => {
    const pad = 'X-Pad: 0123456789012345678901234567890123456789\r\n';
    let head = `Received: by us\r\n${FORGED}`;
    while (head.length + pad.length + 20 <= 65536) head += pad;
    head += `X-Last: ${'y'.repeat(65536 - head.length - 'X-Last: '.length - 2)}\r\n`;
    assert.equal(head.length, 65536); // the CRLFCRLF sits at 65534..65537, across the 65536 boundary
    // A header-like line at the top of the body: a wrong header end would remove it.
    const body = `Authentication-Results: ${HOST}; in the body stays\r\n\r\n${'z'.repeat(100_000)}\r\n`;
    const out = await run('straddle', Buffer.from(`${head}\r\n${body}`));
    assert.equal(out.toString('latin1'), `${head.replace(FORGED, '')}\r\n${body}`);
  });

  it('handles a message that is all header, and bare LF line ends', async () => {
    assert.equal((await run('nobody', Buffer.from(`A: b\r\n${FORGED}`))).toString(), 'A: b\r\n');
    const lf = `A: b\nAuthentication-Results: ${HOST}; x\n\nbody\n`;
    assert.equal((await run('lf', Buffer.from(lf))).toString(), 'A: b\n\nbody\n');
  });

  it('removes an X-Mailward-Quarantine the client sent, also from an authenticated submission', async () => {
    const forgedMark =
      'A: b\r\nx-mailward-QUARANTINE: dmarc=fail\r\n folded=yes\r\nC: d\r\n\r\nX-Mailward-Quarantine: body\r\n';
    const want = 'A: b\r\nC: d\r\n\r\nX-Mailward-Quarantine: body\r\n';
    assert.equal((await run('mark', Buffer.from(forgedMark))).toString(), want);
    const file = join(dir, 'mark-submission');
    await writeFile(file, forgedMark);
    const submission = envelope({ role: 'submission', authUser: 'alice@ours.test', ip: '10.9.9.9' });
    assert.equal(await step(file, submission), undefined);
    assert.equal((await readFile(file)).toString(), want);
  });

  it('leaves the file alone (no rewrite, no stray temp file) when nothing changes', async () => {
    const content = Buffer.from('A: b\r\n\r\nbody\r\n');
    assert.deepEqual(await run('same', content), content);
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.endsWith('.auth')),
      [],
    );
  });
});

describe('needsVerification', () => {
  const trusted = (ip: string) => ip === '10.0.0.1';
  it('checks only unauthenticated, untrusted clients on the mx listener', () => {
    assert.equal(needsVerification(envelope({ ip: '192.0.2.1' }), trusted), true);
    assert.equal(needsVerification(envelope({ ip: '10.0.0.1' }), trusted), false);
    assert.equal(needsVerification(envelope({ ip: '192.0.2.1', authUser: 'alice' }), trusted), false);
    assert.equal(needsVerification(envelope({ ip: '192.0.2.1', role: 'submission' }), trusted), false);
  });
});
