/**
 * The suppression list end to end through `mailward serve` (issue #5): an authenticated user
 * writes to bob@remote.test; the remote (a scripted peer found through a loopback DNS MX)
 * refuses the RCPT with 550 5.1.1; our failure notice lands in the user's Maildir, where bounce
 * intake puts bob on the suppression list. The user's next submission to bob is refused at
 * RCPT, an outsider's mail to a local user is not affected, and after `mailward suppression
 * remove` the RCPT is accepted again. A DSN arriving over SMTP from outside is recorded too,
 * from the null sender or, with a real envelope sender, when it is addressed to one of
 * `bounce.addresses`.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type MailwardProcess, startMailwardWithRemote } from '../helpers/mailward-process.js';
import { mailwardCli, submitAsPostmaster, swaks } from '../helpers/run-tools.js';

const USER_UNKNOWN = '550 5.1.1 <bob@remote.test>: Recipient address rejected: User unknown in virtual mailbox table';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('suppression list, live', () => {
  let world: Awaited<ReturnType<typeof startMailwardWithRemote>>;
  let dataDir: string;
  let mw: MailwardProcess;
  const today = () => new Date().toISOString().slice(0, 10);

  before(async () => {
    world = await startMailwardWithRemote(
      { rcpt: (a) => (a.includes('bob@') ? USER_UNKNOWN : '250 2.1.5 Ok') },
      '127.0.0.6',
      'mw-suppression-',
      '[bounce]\naddresses = ["postmaster@example.test"]',
    );
    ({ dataDir, mw } = world);
  });
  after(() => world?.close());

  /** Authenticated submission of one message to `to`; stops after RCPT when `quitAfterRcpt`. */
  const submit = (to: string, quitAfterRcpt = false) =>
    submitAsPostmaster(mw, to, quitAfterRcpt ? ['--quit-after', 'RCPT'] : []);

  it('learns the hard bounce from our own notice and refuses the next submission at RCPT', async () => {
    const sent = await submit('bob@remote.test');
    const queueId = /<~ {2}250 2\.0\.0 Ok: queued as (\S+)/.exec(sent)?.[1];
    assert.ok(queueId, sent);
    const inbox = join(dataDir, 'mail', 'example.test', 'postmaster', 'Maildir', 'new');
    await waitFor('the failure notice in the Maildir', async () => {
      for (const n of await readdir(inbox).catch(() => [] as string[])) {
        if ((await readFile(join(inbox, n), 'latin1')).includes('Mail delivery failed')) return true;
      }
      return undefined;
    });
    const shown = await waitFor('the suppression entry', async () => {
      const r = await mailwardCli(dataDir, 'suppression', 'show', 'bob@remote.test');
      return r.code === 0 ? r.stdout : undefined;
    });
    assert.match(shown, /userunknown/);
    assert.match(shown, /5\.1\.1/);
    // the delivery log links the notice to the message it reports on
    const log = await mailwardCli(dataDir, 'log', '--id', queueId);
    assert.match(
      log.stdout,
      new RegExp(
        `${queueId} bounce-received rcpt=<bob@remote\\.test> remote=mx\\.remote\\.test detail="hard userunknown, 5\\.1\\.1, notice \\S+"`,
      ),
    );

    const refused = await submit('bob@remote.test', true);
    assert.ok(
      refused.includes(
        `<~* 550 5.1.1 <bob@remote.test>: earlier delivery failed permanently on ${today()}: userunknown`,
      ),
      refused,
    );
    // another remote address of the same domain is not affected
    assert.match(await submit('carol@remote.test', true), /~> RCPT TO:<carol@remote\.test>\n<~ {2}250 /);
  });

  it('never judges mail from outside by it', async () => {
    const out = await swaks([
      '--server',
      `127.0.0.1:${mw.ports.mx}`,
      '--local-interface',
      '127.0.0.2',
      '--from',
      'bob@remote.test',
      '--to',
      'postmaster@example.test',
      '--quit-after',
      'RCPT',
    ]);
    assert.match(out, /-> RCPT TO:<postmaster@example\.test>\n<- {2}250 /);
  });

  it('accepts the address again after mailward suppression remove', async () => {
    const r = await mailwardCli(dataDir, 'suppression', 'remove', 'bob@remote.test');
    assert.equal(r.code, 0, r.stderr);
    assert.match(await submit('bob@remote.test', true), /~> RCPT TO:<bob@remote\.test>\n<~ {2}250 /);
  });

  /** An RFC 3464 DSN for `rcpt` sent from outside over the mx port with envelope sender `from`. */
  async function sendDsn(rcpt: string, from: string, iface: string): Promise<string> {
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.elsewhere.test>',
      'To: postmaster@example.test',
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"',
      '',
      '--B1',
      'Content-Type: text/plain',
      '',
      `I could not deliver your message to <${rcpt}>.`,
      '--B1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.elsewhere.test',
      '',
      `Final-Recipient: rfc822; ${rcpt}`,
      'Action: failed',
      'Status: 5.1.1',
      `Diagnostic-Code: smtp; 550 5.1.1 <${rcpt}>: Recipient address rejected: User unknown`,
      '--B1--',
      '',
    ].join('\r\n');
    const file = join(dataDir, `dsn-${rcpt}.eml`);
    await writeFile(file, dsn);
    return swaks([
      '--server',
      `127.0.0.1:${mw.ports.mx}`,
      '--local-interface',
      iface,
      '--from',
      from,
      '--to',
      'postmaster@example.test',
      '--data',
      file,
    ]);
  }

  const suppressionEntry = (address: string) =>
    waitFor(`the entry for ${address}`, async () => {
      const r = await mailwardCli(dataDir, 'suppression', 'show', address);
      return r.code === 0 ? r.stdout : undefined;
    });

  it('records a DSN that arrives over SMTP from outside for a message our user sent', async () => {
    const out = await sendDsn('dave@elsewhere.test', '<>', '127.0.0.3');
    assert.match(out, /<- {2}250 2\.0\.0 Ok: queued as /);
    assert.match(await suppressionEntry('dave@elsewhere.test'), /userunknown/);
  });

  it('records a bounce with a real envelope sender when it is sent to a bounce address', async () => {
    const out = await sendDsn('erin@elsewhere.test', 'mailer-daemon@remote.test', '127.0.0.4');
    assert.match(out, /<- {2}250 2\.0\.0 Ok: queued as /);
    assert.match(await suppressionEntry('erin@elsewhere.test'), /userunknown/);
  });
});
