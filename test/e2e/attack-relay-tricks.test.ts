/**
 * Relay tricks against the whole server (issue #7): an outsider on 127.0.0.2 hides a remote
 * recipient behind one of our domains (`%` hack, bang path, source route, quoted `@`,
 * address literal, trailing dot, upper case) and gets the exact refusal; nothing is queued.
 * RFC 5321 §3.6.1 (source routes), §4.1.2 (path syntax), RFC 2505 §2.3 (relay hacks).
 * Driven by Python's smtplib, a client outside the project.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type MailwardProcess, ROOT, startMailwardProcess, writeTestConfig } from '../helpers/mailward-process.js';

const run = promisify(execFile);
const syntax = (r: string) => `553 5.1.3 <${r}>: bad recipient address syntax`;
const TRICKS: [string, string][] = [
  ['user%remote.test@example.test', syntax('user%remote.test@example.test')],
  ['remote.test!user@example.test', syntax('remote.test!user@example.test')],
  ['@example.test:user@remote.test', syntax('@example.test:user@remote.test')],
  ['"user@remote.test"@example.test', syntax('"user@remote.test"@example.test')],
  ['user@[1.2.3.4]', syntax('user@[1.2.3.4]')],
  ['user@remote.test.', syntax('user@remote.test.')],
  ['USER@REMOTE.TEST', '553 5.7.1 <USER@remote.test>: not an open relay'],
];

describe('relay tricks from an outsider', () => {
  let dataDir: string;
  let mw: MailwardProcess;
  let replies: string[];
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mw-tricks-'));
    mw = await startMailwardProcess(dataDir, await writeTestConfig(dataDir));
    const script = `
import smtplib, json, sys
s = smtplib.SMTP("127.0.0.1", ${mw.ports.mx}, source_address=("127.0.0.2", 0), timeout=10)
s.ehlo("c.test")
for r in json.loads(sys.argv[1]):
    s.docmd("RSET"); s.docmd("MAIL FROM:<>")
    c, m = s.docmd("RCPT TO:<%s>" % r)
    print(json.dumps(f"{c} {m.decode()}"))
c, m = s.docmd("DATA"); print(json.dumps(f"{c} {m.decode()}"))
s.quit()
`;
    const r = await run('python3', ['-c', script, JSON.stringify(TRICKS.map(([t]) => t))]);
    replies = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string);
  });
  after(async () => {
    await mw?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  TRICKS.forEach(([trick, expected], i) => {
    it(`refuses RCPT TO:<${trick}> with "${expected}"`, () => {
      assert.equal(replies[i], expected);
    });
  });

  it('has no valid recipient left for DATA and queues nothing', async () => {
    assert.equal(replies[TRICKS.length], '554 5.5.1 Error: no valid recipients');
    const q = await run(join(ROOT, 'bin/mailward'), ['queue', 'list', '--data-dir', dataDir]);
    assert.doesNotMatch(q.stdout, /remote\.test|1\.2\.3\.4/i);
  });
});
