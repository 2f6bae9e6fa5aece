/**
 * One mail transaction on an open session: MAIL, RCPT…, DATA, the body, end of data; and
 * the outcome for each recipient from the remote's own replies.
 *
 * RFC 5321 §3.3 (mail transaction), §4.5.3.2 (timeouts), RFC 2920 (PIPELINING: MAIL, RCPTs
 * and DATA in one write, replies read in order), RFC 1870 (SIZE), RFC 6152 (8BITMIME),
 * RFC 6531 (SMTPUTF8), RFC 3461 §4 (RET, ENVID, NOTIFY, ORCPT; xtext §4).
 * Security: addresses come from our queue but originally from clients; any address holding
 * CR, LF, NUL, "<" or ">" is refused before it can reach a command line. The body goes out
 * only through wire-body.ts (CRLF, dot-stuffing).
 */
import type { DeliveryOutcome, DeliveryStage } from '../../core/delivery-outcome.js';
import { isPositive, isTransient, type Reply, reply } from '../../core/reply.js';
import type { DeliveryJob } from '../transport.js';
import type { ReadResult } from './reply-reader.js';
import { lostConnection, type SmtpSession } from './session.js';

type Rcpt = DeliveryJob['rcpts'][number];

/** RFC 3461 §4: xtext — "+", "=" and bytes outside 33..126 as "+HH". */
export function xtext(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    out +=
      b < 33 || b > 126 || b === 43 || b === 61
        ? `+${b.toString(16).toUpperCase().padStart(2, '0')}`
        : String.fromCharCode(b);
  }
  return out;
}

const UNSAFE = /[\r\n\0<>]/;
const NON_ASCII = /[^\x00-\x7f]/;

export function mailCommand(job: DeliveryJob, s: SmtpSession): string {
  let cmd = `MAIL FROM:<${job.from}>`;
  if (s.caps.size !== null) cmd += ` SIZE=${job.size}`;
  if (job.body !== '7BIT' && s.caps.eightBitMime) cmd += ' BODY=8BITMIME';
  if (job.smtputf8 && s.caps.smtputf8) cmd += ' SMTPUTF8';
  if (s.caps.dsn) {
    if (job.dsn.ret) cmd += ` RET=${job.dsn.ret}`;
    if (job.dsn.envid) cmd += ` ENVID=${xtext(job.dsn.envid)}`;
  }
  return cmd;
}

export function rcptCommand(r: Rcpt, s: SmtpSession): string {
  let cmd = `RCPT TO:<${r.address}>`;
  if (s.caps.dsn) {
    if (r.notify) cmd += ` NOTIFY=${r.notify === 'NEVER' ? 'NEVER' : r.notify.join(',')}`;
    if (r.orcpt) {
      const semi = r.orcpt.indexOf(';');
      if (semi > 0) cmd += ` ORCPT=${r.orcpt.slice(0, semi)};${xtext(r.orcpt.slice(semi + 1))}`;
    }
  }
  return cmd;
}

/**
 * Runs one transaction. `body` yields the wire bytes (wire-body.ts). Every recipient gets an
 * outcome; the session is spoiled (not reused) when it broke or the remote said 421.
 */
export async function runTransaction(
  s: SmtpSession,
  job: DeliveryJob,
  body: () => AsyncIterable<Buffer>,
): Promise<DeliveryOutcome[]> {
  const t = s.opts.timeouts;
  const remote = s.remote;
  const outcome = (rcpt: Rcpt, r: Reply, stage: DeliveryStage, synthesized = false): DeliveryOutcome => ({
    rcpt: rcpt.address,
    status: isPositive(r) ? 'delivered' : isTransient(r) ? 'deferred' : 'failed',
    reply: r,
    remote,
    stage,
    ...(s.caps.dsn && !synthesized ? { remoteDsn: true } : {}),
  });
  const all = (r: Reply, stage: DeliveryStage, synthesized = false) =>
    job.rcpts.map((x) => outcome(x, r, stage, synthesized));
  const broke = (after: string, r: ReadResult, stage: DeliveryStage, who: readonly Rcpt[] = job.rcpts) => {
    s.spoil();
    return who.map((x) => outcome(x, lostConnection(remote, after, r), stage, true));
  };
  const saw421 = (r: ReadResult) => {
    if (r.ok && r.reply.code === 421) s.spoil();
  };

  // Checks that need no round trip.
  if (UNSAFE.test(job.from)) return all(reply(553, '5.1.7', 'invalid sender address'), 'mail', true);
  if (s.caps.size && job.size > s.caps.size) {
    return all(
      reply(552, '5.3.4', `message size ${job.size} exceeds size limit ${s.caps.size} of ${remote.host}`),
      'mail',
      true,
    );
  }
  const needsUtf8 = NON_ASCII.test(job.from) || job.rcpts.some((r) => NON_ASCII.test(r.address));
  if (needsUtf8 && !s.caps.smtputf8) {
    return all(reply(553, '5.6.7', `SMTPUTF8 is required, but was not offered by ${remote.host}`), 'mail', true);
  }
  const bad = new Set(job.rcpts.filter((r) => UNSAFE.test(r.address)));
  const sendable = job.rcpts.filter((r) => !bad.has(r));
  const results = new Map<Rcpt, DeliveryOutcome>();
  for (const r of bad) results.set(r, outcome(r, reply(553, '5.1.3', 'invalid recipient address'), 'rcpt', true));
  const ordered = () => job.rcpts.map((r) => results.get(r) as DeliveryOutcome);

  const mail = mailCommand(job, s);
  const rcpts = sendable.map((r) => rcptCommand(r, s));
  const pipelined = s.caps.pipelining;
  if (pipelined) s.write(`${[mail, ...rcpts, 'DATA'].join('\r\n')}\r\n`);
  else s.write(`${mail}\r\n`);
  s.messages++;

  const mailReply = await s.reader.read(t.command);
  saw421(mailReply);
  if (!mailReply.ok) return merge(results, broke('MAIL FROM', mailReply, 'mail'), job.rcpts);
  const mailOk = isPositive(mailReply.reply);
  if (!mailOk && !pipelined) return all(mailReply.reply, 'mail');

  const accepted: Rcpt[] = [];
  for (let i = 0; i < sendable.length; i++) {
    const r = sendable[i] as Rcpt;
    if (!pipelined) s.write(`${rcpts[i]}\r\n`);
    const rr = await s.reader.read(t.command);
    saw421(rr);
    if (!rr.ok) return merge(results, broke(`RCPT TO:<${r.address}>`, rr, 'rcpt'), job.rcpts);
    if (!mailOk) continue; // pipelined after a refused MAIL: read to stay in step
    if (isPositive(rr.reply)) accepted.push(r);
    else results.set(r, outcome(r, rr.reply, 'rcpt'));
  }
  if (!mailOk) {
    if (pipelined) await finishRefusedData(s);
    return all(mailReply.reply, 'mail');
  }
  if (accepted.length === 0) {
    if (pipelined) await finishRefusedData(s);
    return ordered();
  }

  if (!pipelined) s.write('DATA\r\n');
  const dataReply = await s.reader.read(t.dataStart);
  saw421(dataReply);
  if (!dataReply.ok) return merge(results, broke('DATA', dataReply, 'data', accepted), job.rcpts);
  if (dataReply.reply.code !== 354) {
    for (const r of accepted) results.set(r, outcome(r, dataReply.reply, 'data'));
    return ordered();
  }

  for await (const chunk of body()) {
    if (!s.write(chunk) && !(await s.drain(t.dataBlock))) {
      const r: ReadResult = { ok: false, kind: 'timeout', detail: 'remote stopped reading the message' };
      return merge(results, broke('sending the message body', r, 'data', accepted), job.rcpts);
    }
  }
  const end = await s.reader.read(t.endOfData);
  saw421(end);
  if (!end.ok) return merge(results, broke('end of data', end, 'end-of-data', accepted), job.rcpts);
  for (const r of accepted) results.set(r, outcome(r, end.reply, 'end-of-data'));
  return ordered();
}

/** Pipelined DATA went out although nobody was accepted: if the remote said 354, end it empty. */
async function finishRefusedData(s: SmtpSession): Promise<void> {
  const d = await s.reader.read(s.opts.timeouts.dataStart);
  if (!d.ok) return s.spoil();
  if (d.reply.code === 354) {
    s.write('.\r\n');
    const end = await s.reader.read(s.opts.timeouts.endOfData);
    if (!end.ok) s.spoil();
  }
}

function merge(
  results: Map<Rcpt, DeliveryOutcome>,
  extra: DeliveryOutcome[],
  rcpts: readonly Rcpt[],
): DeliveryOutcome[] {
  const byAddress = new Map(extra.map((o) => [o.rcpt, o]));
  return rcpts.map((r) => results.get(r) ?? (byAddress.get(r.address) as DeliveryOutcome));
}
