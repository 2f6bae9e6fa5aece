/**
 * `mailward dkim generate|show` through a commander program built as main.ts builds it:
 * the key lands under <data-dir>/dkim with mode 0600, the printed TXT record is what a DNS
 * admin publishes, and a signature made with the stored private key verifies against that
 * record served by a loopback DNS server. RFC 6376 §3.6.1, §3.6.2.2.
 */
import assert from 'node:assert/strict';
import { createPublicKey, sign, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { registerDkimCommand } from '../../src/cli/commands/dkim.js';
import { CliError } from '../../src/cli/errors.js';
import { loadSigningKey } from '../../src/mailauth/keys.js';
import { signMessage } from '../../src/mailauth/sign.js';
import { resolveWith, verifyInbound } from '../../src/mailauth/verify.js';
import { startDnsServer } from '../helpers/dns-server.js';

let dataDir: string;
const savedConfigEnv = process.env.MAILWARD_CONFIG;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mailward-dkim-cli-'));
  delete process.env.MAILWARD_CONFIG; // the built-in defaults, whatever the environment says
});
after(async () => {
  if (savedConfigEnv !== undefined) process.env.MAILWARD_CONFIG = savedConfigEnv;
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs `mailward --data-dir <tmp> ...args` and returns what it printed. */
async function mailward(...args: string[]): Promise<string> {
  const program = new Command('mailward')
    .option('--config <file>')
    .option('--data-dir <dir>')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerDkimCommand(program);
  const chunks: string[] = [];
  const write = process.stdout.write;
  // print() writes strings; the test runner's own reports (Buffers, under --test) pass through.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (typeof chunk !== 'string') return write.call(process.stdout, chunk, ...rest);
    chunks.push(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['--data-dir', dataDir, ...args], { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return chunks.join('');
}

/** The character-strings of a zone line `name. IN TXT "a" "b"`. */
function txtStrings(zoneLine: string): string[] {
  return [...zoneLine.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '');
}

describe('mailward dkim', () => {
  let printed = '';
  let zoneLine = '';

  it('generate writes the key with mode 0600 and prints the TXT record to publish', async () => {
    printed = await mailward('dkim', 'generate', 'Example.Test', '--selector', 's2026');
    const keyFile = join(dataDir, 'dkim', 'example.test.s2026.key');
    const lines = printed.split('\n');
    assert.equal(lines[0], `generated a DKIM key for example.test with selector s2026 (${keyFile})`);
    assert.equal(lines[1], 'publish this TXT record in DNS:');
    zoneLine = lines[2] ?? '';
    assert.match(
      zoneLine,
      /^s2026\._domainkey\.example\.test\. IN TXT "v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+" "[A-Za-z0-9+/=]+"$/,
    );
    assert.equal(lines.length, 4); // three lines and the final newline
    assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
    assert.equal((await readFile(join(dataDir, 'dkim', 'example.test.s2026.txt'), 'utf8')).trim(), zoneLine);
    for (const s of txtStrings(zoneLine)) assert.ok(s.length <= 255);
  });

  it("the printed record's public key verifies a signature made with the stored private key", async () => {
    const record = txtStrings(zoneLine).join('');
    const pub = createPublicKey({
      key: Buffer.from(record.split('p=')[1] ?? '', 'base64'),
      format: 'der',
      type: 'spki',
    });
    const pem = await readFile(join(dataDir, 'dkim', 'example.test.s2026.key'), 'utf8');
    const data = Buffer.from('a message to sign');
    assert.equal(verify('sha256', data, pub, sign('sha256', data, pem)), true);
    assert.equal(verify('sha256', Buffer.from('another message'), pub, sign('sha256', data, pem)), false);
  });

  it('a message signed with the stored key passes DKIM against the printed record in DNS', async () => {
    const dns = await startDnsServer({
      's2026._domainkey.example.test': { TXT: [txtStrings(zoneLine)] },
      '_dmarc.example.test': { TXT: ['v=DMARC1; p=reject'] },
    });
    try {
      const key = await loadSigningKey(dataDir, 'example.test');
      assert.ok(key);
      const raw = Buffer.from('From: a@example.test\r\nTo: b@ours.test\r\nSubject: hi\r\n\r\nHello.\r\n');
      const v = await verifyInbound({
        message: await signMessage(raw, key),
        ip: '127.0.0.9',
        helo: 'out.example.test',
        mailFrom: 'a@example.test',
        hostname: 'mx.ours.test',
        resolver: resolveWith(dns.resolver),
        enforceDmarc: true,
      });
      assert.deepEqual(v.results.dkimSignatures, [{ domain: 'example.test', selector: 's2026', result: 'pass' }]);
      assert.equal(v.results.dmarc, 'pass');
    } finally {
      await dns.close();
    }
  });

  it('show prints the stored record', async () => {
    assert.equal(await mailward('dkim', 'show', 'example.test'), `${zoneLine}\n`);
    assert.equal(await mailward('dkim', 'show', 'example.test', '--selector', 's2026'), `${zoneLine}\n`);
  });

  it('refuses to replace an existing key (exit 1) and a bad domain or selector (exit 2)', async () => {
    await assert.rejects(mailward('dkim', 'generate', 'example.test', '--selector', 's2026'), (err) => {
      assert.ok(err instanceof CliError);
      assert.equal(err.exitCode, 1);
      assert.match(err.message, /^a key for example\.test with selector s2026 exists already/);
      return true;
    });
    for (const args of [
      ['dkim', 'generate', '../evil'],
      ['dkim', 'generate', 'example.test', '--selector', '../x'],
    ]) {
      await assert.rejects(mailward(...args), (err) => err instanceof CliError && err.exitCode === 2);
    }
    await assert.rejects(
      mailward('dkim', 'show', 'nokey.test'),
      (err) =>
        err instanceof CliError &&
        err.exitCode === 1 &&
        err.message === 'no DKIM key for nokey.test; create one with: mailward dkim generate nokey.test',
    );
  });

  it('generate uses the selector "mailward" by default', async () => {
    const out = await mailward('dkim', 'generate', 'default.test');
    assert.match(out.split('\n')[2] ?? '', /^mailward\._domainkey\.default\.test\. IN TXT "v=DKIM1; k=rsa; p=/);
  });

  it('generate takes its default selector from mailauth.dkim_selector in the config file', async () => {
    const file = join(dataDir, 'mailward.toml');
    await writeFile(file, '[mailauth]\ndkim_selector = "cfg2026"\n');
    const out = await mailward('--config', file, 'dkim', 'generate', 'config.test');
    assert.match(out.split('\n')[2] ?? '', /^cfg2026\._domainkey\.config\.test\. IN TXT /);
  });
});
