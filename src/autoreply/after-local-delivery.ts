/**
 * Wires the vacation hook behind a local transport: after each job, every recipient that was
 * delivered into its Maildir is offered to the hook. The hook reads only the header section,
 * which the queued body (job.bodyPath) shares with the Maildir copy.
 *
 * RFC 5230 §4 ("the message was delivered to the user's mailbox" comes first).
 * Security: a failing hook is logged and never changes the delivery outcome: the message is
 * already in the mailbox, and a lost auto-reply is better than a second delivery.
 */
import type { DeliveryOutcome } from '../core/delivery-outcome.js';
import type { VacationDelivery, VacationResult } from './vacation.js';

/** The shape of delivery/transport.ts's Transport, kept structural so autoreply stays below delivery. */
export interface LocalTransportLike {
  deliver(job: { readonly from: string; readonly bodyPath: string }): Promise<DeliveryOutcome[]>;
  close(): Promise<void>;
}

export interface VacationLog {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export function withVacation<T extends LocalTransportLike>(
  transport: T,
  hook: (d: VacationDelivery) => Promise<VacationResult>,
  log?: VacationLog,
): T {
  return {
    ...transport,
    deliver: async (job: Parameters<T['deliver']>[0]) => {
      const outcomes = await transport.deliver(job);
      for (const o of outcomes) {
        if (o.status !== 'delivered' || o.stage !== 'local') continue;
        try {
          const r = await hook({ user: o.rcpt, envelopeFrom: job.from, bodyPath: job.bodyPath });
          log?.info({ rcpt: o.rcpt, from: job.from, ...r }, r.sent ? 'vacation reply queued' : 'no vacation reply');
        } catch (err) {
          log?.error({ rcpt: o.rcpt, err: String(err) }, 'vacation hook failed');
        }
      }
      return outcomes;
    },
    close: () => transport.close(),
  };
}
