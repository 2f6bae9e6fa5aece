/**
 * Bounded fuzzing of the session: random command sequences, random bytes and random packet
 * splits. The server never crashes, every reply line is well-formed (RFC 5321 §4.2: three
 * digits, " " or "-", text without CR/LF), and a normal client still gets a message through
 * afterwards. fast-check prints the seed and the shrunk case on failure; FUZZ_SEED replays,
 * FUZZ_RUNS runs longer (default 60).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import fc from 'fast-check';
import { SmtpClient } from '../helpers/smtp-dialogue.js';
import { startTestServer, type TestServer } from '../helpers/smtp-test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer({ limits: { maxMessageSize: 4096, commandTimeoutMs: 2000, dataTimeoutMs: 2000 } });
});
after(() => t.stop());

const command = fc.oneof(
  fc.constantFrom(
    'EHLO fuzz.test',
    'HELO fuzz.test',
    'MAIL FROM:<a@b.test>',
    'MAIL FROM:<> SIZE=10 BODY=8BITMIME',
    'RCPT TO:<c@d.test>',
    'RCPT TO:<c@d.test> NOTIFY=FAILURE ORCPT=rfc822;c@d.test',
    'DATA',
    'BDAT 5',
    'BDAT 3 LAST',
    'BDAT 0 LAST',
    'RSET',
    'NOOP',
    'VRFY x',
    'HELP',
    'AUTH PLAIN',
    'AUTH LOGIN',
    '*',
    'STARTTLS',
    '.',
    '',
    'QUIT',
  ),
  fc.string({ maxLength: 40 }),
);
const piece = fc.oneof(
  command.map((c) => Buffer.from(`${c}\r\n`)),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  fc.constantFrom('\r\n.\r\n', '\n.\n', '\r', '\n', '.\r\n').map((s) => Buffer.from(s)),
);

/** Sends the pieces cut at the given points, then collects output until the server is quiet. */
async function session(payload: Buffer, cuts: number[]): Promise<string> {
  const c = await SmtpClient.connect(t.ports.mx);
  await c.expect('220 mx.test ESMTP mailward');
  let at = 0;
  for (const cut of [...cuts.map((x) => x % (payload.length + 1)).sort((a, b) => a - b), payload.length]) {
    if (cut > at) c.write(payload.subarray(at, cut));
    at = Math.max(at, cut);
    await new Promise((r) => setImmediate(r));
  }
  let text = '';
  for (;;) {
    const before = c.pendingText.length;
    await new Promise((r) => setTimeout(r, 40));
    if (c.closed || c.pendingText.length === before) break;
  }
  text = c.pendingText;
  c.close();
  return text;
}

it('survives random input and always replies well-formed', async () => {
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  await fc.assert(
    fc.asyncProperty(fc.array(piece, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), async (pieces, cuts) => {
      const out = await session(Buffer.concat(pieces), cuts);
      assert.ok(out === '' || out.endsWith('\r\n'), `incomplete reply line in ${JSON.stringify(out)}`);
      for (const line of out.split('\r\n').slice(0, -1)) {
        assert.match(line, /^[2-5]\d\d[ -][^\r\n]*$/, `malformed reply line ${JSON.stringify(line)}`);
        const m = /^(\d)\d\d[ -](\d)\.\d{1,3}\.\d{1,3} /.exec(line);
        if (m) assert.equal(m[1], m[2], `class mismatch in ${JSON.stringify(line)}`);
      }
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 60), seed, endOnFailure: true },
  );
  const c = await SmtpClient.connect(t.ports.mx);
  await c.run([
    { s: /^220 / },
    { c: 'EHLO normal.test', s: /^250-/ },
    { c: 'MAIL FROM:<a@b.test>', s: '250 2.1.0 Ok' },
    { c: 'RCPT TO:<c@d.test>', s: '250 2.1.5 Ok' },
    { c: 'DATA', s: /^354 / },
    { raw: 'Subject: after the fuzz\r\n\r\nstill here\r\n.\r\n', s: /^250 2\.0\.0 Ok: queued as / },
  ]);
  c.close();
  const last = (await t.spool.bodies()).at(-1)?.toString();
  assert.equal(last, 'Subject: after the fuzz\r\n\r\nstill here\r\n');
});
