/**
 * SMTP smuggling against the whole server (issue #7): an outsider on 127.0.0.2 hides a
 * second transaction (MAIL FROM/RCPT TO a remote) behind a non-standard end of data; it must
 * never run: one refusal for the message, the next command answered normally, nothing queued.
 * RFC 5321 §4.1.1.4 (only <CRLF>.<CRLF> ends DATA), §2.3.8 (bare CR/LF).
 * Security: the payload is untrusted input sent with Python's raw sockets.
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
const MARKERS = ['\n.\n', '\r.\r\n', '\r\n.\r', '\n.\r\n', '\r\n.\n'];

/**
 * Sends one message from 127.0.0.2 whose body hides a second transaction behind `marker`,
 * then NOOP; returns the replies to the end of data and to the NOOP.
 */
async function smuggle(port: number, marker: string): Promise<string[]> {
  const script = `
import smtplib, json, sys
s = smtplib.SMTP("127.0.0.1", ${port}, source_address=("127.0.0.2", 0), timeout=10)
s.ehlo("c.test"); s.docmd("MAIL FROM:<>"); s.docmd("RCPT TO:<postmaster@example.test>"); s.docmd("DATA")
m = json.loads(sys.argv[1])
s.send(("Subject: one\\r\\n\\r\\nbody" + m + "MAIL FROM:<evil@outside.test>\\r\\nRCPT TO:<victim@remote.test>\\r\\nDATA\\r\\n\\r\\nhidden-smuggled\\r\\n.\\r\\n").encode())
c, t = s.getreply(); print(json.dumps(f"{c} {t.decode()}"))
c, t = s.docmd("NOOP"); print(json.dumps(f"{c} {t.decode()}"))
s.quit()
`;
  const r = await run('python3', ['-c', script, JSON.stringify(marker)]);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as string);
}

describe('SMTP smuggling against the whole server', () => {
  let dataDir: string;
  let mw: MailwardProcess;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mw-smuggle-'));
    mw = await startMailwardProcess(dataDir, await writeTestConfig(dataDir));
  });
  after(async () => {
    await mw?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  for (const marker of MARKERS) {
    it(`never runs a transaction hidden behind ${JSON.stringify(marker)}`, async () => {
      assert.deepEqual(await smuggle(mw.ports.mx, marker), [
        '550 5.5.2 Error: message contains bare <CR> or <LF>; lines must end with <CR><LF>',
        '250 2.0.0 Ok',
      ]);
      const q = await run(join(ROOT, 'bin/mailward'), ['queue', 'list', '--data-dir', dataDir]);
      assert.doesNotMatch(q.stdout, /remote\.test|evil/);
    });
  }
});

describe('SMTP smuggling with bare_newline = "normalize"', () => {
  let dataDir: string;
  let mw: MailwardProcess;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mw-smuggle-norm-'));
    mw = await startMailwardProcess(dataDir, await writeTestConfig(dataDir, '[smtp]\nbare_newline = "normalize"\n'));
  });
  after(async () => {
    await mw?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  for (const marker of MARKERS) {
    it(`keeps ${JSON.stringify(marker)} and what follows inside the one message`, async () => {
      const [end, noop] = await smuggle(mw.ports.mx, marker);
      assert.match(end ?? '', /^250 2\.0\.0 Ok: queued as \S+$/);
      assert.equal(noop, '250 2.0.0 Ok');
      const id = /queued as (\S+)/.exec(end ?? '')?.[1] ?? '';
      const q = await run(join(ROOT, 'bin/mailward'), ['queue', 'list', '--data-dir', dataDir]);
      assert.doesNotMatch(q.stdout, /remote\.test|evil/);
      // the hidden commands are message text, delivered to the one recipient
      const log = await run(join(ROOT, 'bin/mailward'), ['log', '--id', id, '--data-dir', dataDir]);
      assert.match(log.stdout, /received rcpt=<postmaster@example\.test>/);
      assert.doesNotMatch(log.stdout, /victim/);
    });
  }
});
