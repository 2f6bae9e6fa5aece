/**
 * Transport: the one interface between the queue and delivery (DESIGN.md, "The message's path").
 * The queue hands over one job per destination (one remote domain, or 'local') and gets one
 * DeliveryOutcome per recipient back. A transport never throws for an expected outcome
 * (a refusal, a timeout, a DNS failure): those are outcomes. A throw is a bug.
 */
import type { DeliveryOutcome } from '../core/delivery-outcome.js';
import type { BodyType, Notify } from '../core/envelope.js';

export interface DeliveryJob {
  queueId: string;
  /** '' for the null sender, else local@domain. */
  from: string;
  /** All to ONE destination (one domain, or 'local'). */
  rcpts: ReadonlyArray<{ address: string; orcpt?: string; notify?: Notify }>;
  dsn: { ret?: 'FULL' | 'HDRS'; envid?: string };
  /** The spooled message file, CRLF line endings, headers included (Received already prepended). */
  bodyPath: string;
  size: number;
  smtputf8: boolean;
  body: BodyType;
  attempt: number;
}

export interface Transport {
  deliver(job: DeliveryJob): Promise<DeliveryOutcome[]>;
  close(): Promise<void>;
}
