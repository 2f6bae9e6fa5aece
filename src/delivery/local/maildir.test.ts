import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deliverToMaildir } from './maildir.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'mailward-maildir-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const MARK = 'X-Mailward-Quarantine: dmarc=fail policy=quarantine header.from=soft.test\r\n';

async function deliver(queueId: string, message: string) {
  const bodyPath = join(root, `${queueId}.eml`);
  await writeFile(bodyPath, message);
  return deliverToMaildir({
    root,
    address: 'bob@ours.test',
    queueId,
    bodyPath,
    returnPath: '',
    quotaBytes: null,
    overQuota: 'defer',
    hostname: 'mx.ours.test',
  });
}

const maildir = () => join(root, 'ours.test', 'bob', 'Maildir');

describe('deliverToMaildir and the quarantine mark', () => {
  it('files a marked message into Maildir/.Junk/new (Maildir++), not INBOX, and a retry makes no copy', async () => {
    const msg = `${MARK}From: <news@soft.test>\r\nSubject: s\r\n\r\nbody\r\n`;
    const first = await deliver('Q1junk', msg);
    assert.equal(first.status, 'delivered');
    assert.match(
      first.reply.lines.join(' '),
      /^bob@ours\.test delivered to maildir folder Junk \(DMARC quarantine\) as \S+$/,
    );
    const junk = join(maildir(), '.Junk');
    const names = await readdir(join(junk, 'new'));
    assert.equal(names.length, 1);
    assert.deepEqual(await readdir(join(junk, 'tmp')), []);
    assert.deepEqual(await readdir(join(junk, 'cur')), []);
    assert.equal((await stat(join(junk, 'maildirfolder'))).size, 0);
    assert.equal(
      await readFile(join(junk, 'new', names[0] ?? ''), 'latin1'),
      `Return-Path: <>\r\nDelivered-To: bob@ours.test\r\n${msg}`,
    );
    assert.deepEqual(await readdir(join(maildir(), 'new')), []);

    const again = await deliver('Q1junk', msg);
    assert.equal(again.status, 'delivered');
    assert.match(again.reply.lines.join(' '), /already delivered \(queue id Q1junk\), no second copy$/);
    assert.equal((await readdir(join(junk, 'new'))).length, 1);
  });

  it('delivers an unmarked message to INBOX (a mark in the body does not count)', async () => {
    const msg = `From: <a@b.test>\r\nSubject: s\r\n\r\n${MARK}`;
    const r = await deliver('Q2inbox', msg);
    assert.match(r.reply.lines.join(' '), /^bob@ours\.test delivered to maildir as \S+$/);
    const names = await readdir(join(maildir(), 'new'));
    assert.equal(names.length, 1);
    assert.equal((await readdir(join(maildir(), '.Junk', 'new'))).length, 1); // only the first test's
  });
});
