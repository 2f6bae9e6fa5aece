import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatZoneLine, generateDkimKey, listSelectors, loadSigningKey, readDnsRecord } from './keys.js';

let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mailward-dkim-keys-'));
});
after(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('DKIM key store', () => {
  it('stores an RSA 2048 key with mode 0600 and the record beside it', async () => {
    const r = await generateDkimKey(dataDir, 'Example.TEST.');
    assert.ok(r.ok);
    assert.equal(r.key.domain, 'example.test');
    assert.equal(r.key.selector, 'mailward');
    assert.equal(r.key.keyFile, join(dataDir, 'dkim', 'example.test.mailward.key'));
    assert.equal((await stat(r.key.keyFile)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dataDir, 'dkim'))).mode & 0o777, 0o700);
    assert.equal(await readFile(r.key.keyFile, 'utf8'), r.key.privateKeyPem);
    assert.match(r.key.record, /^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+=*$/);
    const pub = createPublicKey({
      key: Buffer.from(r.key.record.split('p=')[1] ?? '', 'base64'),
      format: 'der',
      type: 'spki',
    });
    assert.equal(pub.asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(await readDnsRecord(dataDir, 'example.test', 'mailward'), r.key.zoneLine);
  });

  it('refuses to overwrite a key that may already be published', async () => {
    const r = await generateDkimKey(dataDir, 'example.test');
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error : '', /^a key for example\.test with selector mailward exists already/);
  });

  it('refuses domains and selectors that could escape the directory', async () => {
    for (const [domain, selector] of [
      ['../etc', 'x'],
      ['example.test', '../x'],
      ['example.test', 'a.b'],
      ['[127.0.0.1]', 'x'],
      ['a/b.test', 'x'],
    ] as const) {
      const r = await generateDkimKey(dataDir, domain, selector);
      assert.equal(r.ok, false, `${domain} ${selector}`);
    }
    assert.deepEqual(await readdir(join(dataDir, 'dkim')), ['example.test.mailward.key', 'example.test.mailward.txt']);
  });

  it('loads the preferred selector, else the first one, and nothing for other domains', async () => {
    assert.ok((await generateDkimKey(dataDir, 'multi.test', 'b2026')).ok);
    assert.ok((await generateDkimKey(dataDir, 'multi.test', 'a2025')).ok);
    assert.ok((await generateDkimKey(dataDir, 'sub.multi.test', 'z')).ok);
    assert.deepEqual(await listSelectors(dataDir, 'multi.test'), ['a2025', 'b2026']);
    assert.equal((await loadSigningKey(dataDir, 'multi.test', 'b2026'))?.selector, 'b2026');
    assert.equal((await loadSigningKey(dataDir, 'MULTI.test'))?.selector, 'a2025');
    assert.equal((await loadSigningKey(dataDir, 'sub.multi.test'))?.selector, 'z');
    assert.equal(await loadSigningKey(dataDir, 'test'), null);
    assert.equal(await loadSigningKey(dataDir, 'other.test'), null);
    assert.equal(await loadSigningKey(join(dataDir, 'missing'), 'multi.test'), null);
  });
});

describe('formatZoneLine', () => {
  it('cuts the record into 255-octet character-strings', () => {
    const record = `v=DKIM1; k=rsa; p=${'A'.repeat(392)}`;
    const line = formatZoneLine('s1', 'example.test', record);
    assert.equal(line, `s1._domainkey.example.test. IN TXT "${record.slice(0, 255)}" "${record.slice(255)}"`);
  });
});
