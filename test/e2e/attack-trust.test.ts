/**
 * Trust that cannot be claimed (issue #7), against the whole server: an outsider on
 * 127.0.0.2 (trusted networks are 127.0.0.1/32 and ::1/128) tries to earn relay rights by
 * its HELO name, a MAIL FROM AUTH= parameter, XCLIENT/XFORWARD, a PROXY header, TLS without
 * AUTH, a failed AUTH, state left over after RSET or a second EHLO — every attempt ends in
 * the exact relay refusal. Driven by Python's smtplib, a client outside the project.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type MailwardProcess, startMailwardProcess, writeTestConfig } from '../helpers/mailward-process.js';

const run = promisify(execFile);
const RELAY = '553 5.7.1 <victim@remote.test>: not an open relay';

/** Runs one smtplib session from 127.0.0.2; `body` is Python using `s`; prints replies as JSON lines. */
async function py(port: number, body: string): Promise<string[]> {
  const script = `
import smtplib, ssl, json, sys
def out(r): print(json.dumps(f"{r[0]} {r[1].decode(errors='replace')}".replace("\\n", " / ")))
s = smtplib.SMTP("127.0.0.1", ${port}, source_address=("127.0.0.2", 0), timeout=10)
${body}
try:
    s.quit()
except Exception:
    pass
`;
  const r = await run('python3', ['-c', script]);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string);
}

describe('trust that cannot be claimed', () => {
  let dataDir: string;
  let mw: MailwardProcess;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mw-trust-'));
    mw = await startMailwardProcess(dataDir, await writeTestConfig(dataDir));
  });
  after(async () => {
    await mw?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  for (const helo of ['localhost', '[127.0.0.1]', 'mx.mailward.test', 'example.test']) {
    it(`is not earned by the HELO name ${helo}`, async () => {
      const r = await py(
        mw.ports.mx,
        `s.ehlo("${helo}"); out(s.docmd("MAIL FROM:<>")); out(s.docmd("RCPT TO:<victim@remote.test>"))`,
      );
      assert.equal(r[1], RELAY);
    });
  }

  it('is not earned by MAIL FROM … AUTH=', async () => {
    const r = await py(
      mw.ports.mx,
      `s.ehlo("c.test"); out(s.docmd("MAIL FROM:<> AUTH=<postmaster@example.test>")); out(s.docmd("RCPT TO:<victim@remote.test>"))`,
    );
    assert.match(r[0] ?? '', /^555 5\.5\.4 /);
  });

  it('is not earned by XCLIENT or XFORWARD', async () => {
    const r = await py(
      mw.ports.mx,
      `s.ehlo("c.test"); out(s.docmd("XCLIENT ADDR=127.0.0.1 LOGIN=postmaster@example.test")); out(s.docmd("XFORWARD ADDR=127.0.0.1")); out(s.docmd("MAIL FROM:<>")); out(s.docmd("RCPT TO:<victim@remote.test>"))`,
    );
    assert.match(r[0] ?? '', /^50[02] 5\.5\.[12] /);
    assert.match(r[1] ?? '', /^50[02] 5\.5\.[12] /);
    assert.equal(r[3], RELAY);
  });

  it('is not earned by a PROXY protocol header', async () => {
    const r = await py(
      mw.ports.mx,
      `s.send(b"PROXY TCP4 127.0.0.1 127.0.0.1 40000 25\\r\\n"); out(s.getreply()); s.ehlo("c.test"); out(s.docmd("MAIL FROM:<>")); out(s.docmd("RCPT TO:<victim@remote.test>"))`,
    );
    assert.match(r[0] ?? '', /^50[02] 5\.5\.[12] /);
    assert.equal(r[2], RELAY);
  });

  it('is not earned by TLS without AUTH, nor kept after a failed AUTH', async () => {
    const r = await py(
      mw.ports.submission,
      `s.ehlo("c.test"); s.starttls(context=ssl._create_unverified_context()); s.ehlo("c.test")
try:
    s.login("postmaster@example.test", "wrong")
except smtplib.SMTPAuthenticationError as e:
    out((e.smtp_code, e.smtp_error))
out(s.docmd("MAIL FROM:<>")); out(s.docmd("RCPT TO:<victim@remote.test>"))`,
    );
    assert.equal(r[0], '535 5.7.8 Authentication credentials invalid');
    assert.equal(r[1], '553 5.7.1 authentication is required to send mail as <>');
  });

  it('leaves nothing behind after RSET or a second EHLO', async () => {
    const r = await py(
      mw.ports.mx,
      `s.ehlo("c.test"); out(s.docmd("MAIL FROM:<>")); out(s.docmd("RCPT TO:<postmaster@example.test>")); out(s.docmd("RSET")); out(s.docmd("RCPT TO:<victim@remote.test>")); s.ehlo("again.test"); out(s.docmd("DATA")); out(s.docmd("MAIL FROM:<>")); out(s.docmd("RCPT TO:<victim@remote.test>"))`,
    );
    assert.match(r[0] ?? '', /^250 /);
    assert.match(r[1] ?? '', /^250 /);
    assert.match(r[2] ?? '', /^250 /);
    assert.match(r[3] ?? '', /^503 5\.5\.1 /);
    assert.match(r[4] ?? '', /^503 5\.5\.1 /);
    assert.equal(r[6], RELAY);
  });

  it('never reveals users through VRFY or EXPN, and refuses MAIL before EHLO', async () => {
    const r = await py(
      mw.ports.mx,
      `out(s.docmd("MAIL FROM:<>")); s.ehlo("c.test"); out(s.docmd("VRFY postmaster@example.test")); out(s.docmd("VRFY nobody@example.test")); out(s.docmd("EXPN postmaster@example.test"))`,
    );
    assert.match(r[0] ?? '', /^503 5\.5\.1 /);
    assert.equal(r[1]?.slice(0, 3), '252');
    assert.equal(r[1], r[2]?.replace('nobody', 'postmaster'));
    assert.match(r[3] ?? '', /^(252|502) /);
  });
});
