/**
 * Delivery of one message to one user's Maildir, with `Return-Path:` and `Delivered-To:`
 * prepended.
 *
 * Maildir (D. J. Bernstein, "Using maildir format"): write to tmp/ under a unique name,
 * fsync, then link into new/ and fsync new/, so that a reader never sees half a message and
 * a crash never loses an acknowledged one. RFC 5321 §4.4 (Return-Path), RFC 9228
 * (Delivered-To). Maildir++ `,S=<size>` in the file name.
 * Idempotency (STYLE.md §4): the name in new/ is derived from the spool file's time, the
 * queue id and the recipient, never from the clock, and a marker is written after it
 * (delivery-markers.ts), so a delivery repeated after a crash finds the earlier copy with a
 * stat or two and reports it as delivered instead of making a second copy. link(2) also
 * refuses to overwrite, unlike rename(2).
 * Quarantine: a message carrying our `X-Mailward-Quarantine:` mark (DMARC p=quarantine
 * failure, added at intake by mailauth/intake-step.ts, which strips any such field that came
 * from outside) goes to the Junk folder, `Maildir/.Junk/`, in the Maildir++ layout Dovecot and
 * Courier read (a `.Name` directory with tmp/new/cur and a `maildirfolder` file).
 * Security: writes only under `root` (mailbox-path.ts encodes the address); files are
 * created 0600 and directories 0700; the message is copied as bytes, never interpreted.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import type { DeliveryOutcome } from '../../core/delivery-outcome.js';
import { reply } from '../../core/reply.js';
import { hasMarker, markerPath, writeMarker } from './delivery-markers.js';
import { deliveredToNames, headerValues, readHeaderSection } from './header-scan.js';
import { mailboxDir } from './mailbox-path.js';
import { maildirUsage } from './quota.js';

export interface MaildirDelivery {
  /** The data dir's `mail` folder. */
  root: string;
  /** Final recipient, `local@domain`. */
  address: string;
  queueId: string;
  bodyPath: string;
  /** Envelope sender: '' for the null sender. */
  returnPath: string;
  quotaBytes: number | null;
  overQuota: 'defer' | 'fail';
  /** Host part of the file names; default os.hostname(). */
  hostname?: string;
}

let sequence = 0;

/** Maildir spec: "/" and ":" in the host part are written as \057 and \072. */
function hostPart(h: string): string {
  return h.replace(/\//g, '\\057').replace(/:/g, '\\072');
}

async function fsyncDir(dir: string): Promise<void> {
  const fd = await open(dir, 'r');
  try {
    await fd.sync();
  } finally {
    await fd.close();
  }
}

export async function ensureMaildir(maildir: string): Promise<void> {
  for (const sub of ['tmp', 'new', 'cur']) await mkdir(join(maildir, sub), { recursive: true, mode: 0o700 });
}

/** Same name as mailauth/auth-results.ts QUARANTINE_FIELD (delivery does not import mailauth). */
const QUARANTINE_FIELD = 'X-Mailward-Quarantine';
/** Maildir++ folder for quarantined mail: IMAP name "Junk", RFC 6154 \Junk in Dovecot's default namespace. */
export const JUNK_FOLDER = '.Junk';

/** Creates a Maildir++ subfolder (tmp/new/cur and the empty `maildirfolder` marker file). */
async function ensureFolder(folder: string): Promise<void> {
  await ensureMaildir(folder);
  await writeFile(join(folder, 'maildirfolder'), '', { flag: 'a', mode: 0o600 });
}

export async function deliverToMaildir(opts: MaildirDelivery): Promise<DeliveryOutcome> {
  const rcpt = opts.address.toLowerCase();
  const done = (status: DeliveryOutcome['status'], r: ReturnType<typeof reply>): DeliveryOutcome => ({
    rcpt,
    status,
    reply: r,
    stage: 'local',
  });

  const header = await readHeaderSection(opts.bodyPath);
  if (deliveredToNames(header, rcpt)) {
    return done('failed', reply(554, '5.4.6', `mail forwarding loop for ${rcpt} (Delivered-To: already names it)`));
  }

  const maildir = mailboxDir(opts.root, rcpt);
  await ensureMaildir(maildir);
  const junk = headerValues(header, QUARANTINE_FIELD).length > 0;
  // The whole delivery (tmp/, new/, the name check) happens in the folder; the marker stays
  // beside Maildir/, keyed by queue id and recipient, so a retry finds either.
  const folder = junk ? join(maildir, JUNK_FOLDER) : maildir;
  if (junk) await ensureFolder(folder);
  const host = hostPart(opts.hostname ?? osHostname());
  const body = await stat(opts.bodyPath);
  const prefix = Buffer.from(`Return-Path: <${opts.returnPath}>\r\nDelivered-To: ${rcpt}\r\n`, 'utf8');
  const size = prefix.length + body.size;

  // Deterministic across attempts: spool time (the file is never rewritten), queue id, recipient.
  const rcptHash = createHash('sha256').update(rcpt).digest('hex').slice(0, 12);
  const id = opts.queueId.replace(/[/.:]/g, '_');
  const finalName = `${Math.floor(body.mtimeMs / 1000)}.${id}_${rcptHash}.${host},S=${size}`;
  // The marker survives the reader moving the file to cur/; the exact name in new/ covers a
  // crash between the link and the marker.
  const marker = markerPath(maildir, opts.queueId, rcptHash);
  if ((await hasMarker(marker)) || (await hasMarker(join(folder, 'new', finalName)))) {
    return done(
      'delivered',
      reply(250, '2.0.0', `${rcpt} already delivered (queue id ${opts.queueId}), no second copy`),
    );
  }

  if (opts.quotaBytes !== null) {
    const used = await maildirUsage(maildir);
    if (used + size > opts.quotaBytes) {
      const text = `${rcpt}: mailbox full (${used} + ${size} bytes over quota of ${opts.quotaBytes})`;
      return opts.overQuota === 'fail'
        ? done('failed', reply(552, '5.2.2', text))
        : done('deferred', reply(452, '4.2.2', text));
    }
  }

  // Maildir spec unique name: time.M<usec>P<pid>Q<n>.host
  const now = Date.now();
  const tmpName = `${Math.floor(now / 1000)}.M${(now % 1000) * 1000}P${process.pid}Q${++sequence}.${host}`;
  const tmpPath = join(folder, 'tmp', tmpName);
  const fd = await open(tmpPath, 'wx', 0o600);
  try {
    await fd.write(prefix);
    for await (const chunk of createReadStream(opts.bodyPath, { highWaterMark: 256 * 1024 })) {
      await fd.write(chunk as Buffer);
    }
    await fd.sync();
  } catch (err) {
    await fd.close();
    await unlink(tmpPath).catch(() => {});
    throw err;
  }
  await fd.close();
  try {
    await link(tmpPath, join(folder, 'new', finalName));
  } catch (err) {
    // A concurrent attempt for the same queue id and recipient got there first: same message.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      await unlink(tmpPath).catch(() => {});
      throw err;
    }
  }
  await unlink(tmpPath);
  await fsyncDir(join(folder, 'new'));
  await writeMarker(marker, finalName);
  const where = junk ? 'maildir folder Junk (DMARC quarantine)' : 'maildir';
  return done('delivered', reply(250, '2.0.0', `${rcpt} delivered to ${where} as ${finalName}`));
}
