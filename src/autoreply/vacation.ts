/**
 * The vacation hook the local transport calls after a successful Maildir delivery: checks the
 * settings, the date window, the guards and the once-per-period memory, then injects the
 * reply into our own queue as a trusted local message.
 *
 * RFC 3834 §2 and §3.3 (null envelope sender by default), RFC 5230 §4.
 * Security: the reply never takes an SMTP hop to reach the queue, so it can never meet our own
 * relay check; the memory is recorded before the reply is queued, so a crash can lose one
 * reply but never send two (at most once). The delivered message is read only up to its
 * header section.
 */
import { open } from 'node:fs/promises';
import type { AutoreplyConfig } from '../config/sections/autoreply.js';
import type { Clock } from '../core/clock.js';
import { newQueueId } from '../core/ids.js';
import type { VacationStore } from '../store/ports/vacation.js';
import { shouldReply } from './guards.js';
import { readHeaderFields } from './header-fields.js';
import { createReplyMemory } from './memory.js';
import { buildVacationReply } from './vacation-reply.js';

/** Queue origin source for vacation replies: the queue stores `{ kind: 'local', source }`. */
export const AUTOREPLY_SOURCE = 'autoreply';

export interface VacationDeps {
  readonly store: VacationStore;
  /** Puts a message into our queue as a trusted local origin (no SMTP hop). `from` '' is the null sender. */
  readonly inject: (msg: {
    from: string;
    to: string[];
    raw: Buffer;
    source: typeof AUTOREPLY_SOURCE;
    /** Always 7BIT: the reply's text is quoted-printable when it is not ASCII. */
    bodyType: '7BIT';
  }) => Promise<void>;
  readonly hostname: string;
  readonly clock: Clock;
  readonly config: AutoreplyConfig;
  /** Id generator for the reply's Message-ID; default newQueueId. */
  readonly newId?: () => string;
}

export interface VacationDelivery {
  /** The user whose mailbox got the message (key form). */
  readonly user: string;
  /** Envelope sender of the delivered message; '' for the null sender. */
  readonly envelopeFrom: string;
  /** The delivered message file (Maildir). */
  readonly bodyPath: string;
}

export type VacationResult =
  | { readonly sent: true; readonly to: string }
  | { readonly sent: false; readonly why: string };

const HEAD_LIMIT = 256 * 1024;

async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_LIMIT);
    const { bytesRead } = await fh.read(buf, 0, HEAD_LIMIT, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export function createVacationHook(deps: VacationDeps): (delivery: VacationDelivery) => Promise<VacationResult> {
  const memory = createReplyMemory(deps.store, deps.clock);
  const newId = deps.newId ?? (() => newQueueId(deps.clock.now()));
  return async (delivery) => {
    const user = delivery.user.toLowerCase();
    const settings = await deps.store.getVacation(user);
    if (!settings?.enabled) return { sent: false, why: 'vacation is off' };
    const now = deps.clock.now();
    if (settings.startAt !== null && now < settings.startAt) return { sent: false, why: 'vacation has not started' };
    if (settings.endAt !== null && now >= settings.endAt) return { sent: false, why: 'vacation has ended' };

    const headers = readHeaderFields(await readHead(delivery.bodyPath));
    const verdict = shouldReply({
      headers,
      envelopeFrom: delivery.envelopeFrom,
      user: { address: user, extraAddresses: settings.extraAddresses },
      now: new Date(now),
    });
    if (!verdict.reply) return { sent: false, why: verdict.why };

    const sender = delivery.envelopeFrom.replace(/^<|>$/g, '').trim();
    const interval = settings.intervalDays ?? deps.config.default_interval_days;
    if (!(await memory.isDue(user, sender, interval))) {
      return { sent: false, why: `already answered this sender within ${interval} days` };
    }
    const raw = buildVacationReply({
      user,
      to: sender,
      original: headers,
      subject: settings.subject,
      subjectPrefix: deps.config.subject_prefix,
      body: settings.body,
      now: new Date(now),
      messageId: `<${newId()}.vacation@${deps.hostname}>`,
    });
    await memory.remember(user, sender);
    await deps.inject({
      from: deps.config.envelope_sender === 'user' ? user : '',
      to: [sender],
      raw,
      source: AUTOREPLY_SOURCE,
      bodyType: '7BIT',
    });
    return { sent: true, to: sender };
  };
}
