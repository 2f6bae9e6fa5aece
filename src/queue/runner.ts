/**
 * The queue runner: claims due recipients, groups them by message and destination (one remote
 * domain, or all local domains as one), hands each group to the Transport as one job within
 * the concurrency limits (per destination and in total), and records each job's outcomes in one
 * store transaction: delivered, deferred (next attempt from the retry schedule) or failed; a
 * recipient still deferred at the end of its lifetime fails as `expired` (4.4.7, RFC 3463).
 * When every recipient of a message is final, the spool file is removed (the log stays).
 * RFC 5321 §4.5.4.1 (retry strategy), §6.1 (reliable delivery).
 * Security: a transport throw is a bug; it is logged and the recipients are deferred, so a
 * crash in delivery never loses mail. Claims are exclusive in the store (see claimDue).
 */
import { hostname } from 'node:os';
import type { Clock } from '../core/clock.js';
import type { DeliveryOutcome } from '../core/delivery-outcome.js';
import { newQueueId } from '../core/ids.js';
import { type Reply, reply, replyText } from '../core/reply.js';
import type { DeliveryJob, Transport } from '../delivery/transport.js';
import type {
  AppliedJob,
  ClaimedMessage,
  QueueMessage,
  QueueRecipient,
  QueueStore,
  RecipientResult,
} from '../store/ports/queue.js';
import type { QueueLog } from './intake.js';
import { nextAttemptAt, type RetrySchedule } from './schedule.js';
import { removeSpoolFile, sweepOrphans } from './spool.js';

export interface RunnerDeps {
  readonly store: QueueStore;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly schedule: RetrySchedule;
  readonly log: QueueLog;
  readonly limits?: { readonly maxConnections?: number; readonly maxPerDomain?: number };
  /** How often to look for due mail (also mail queued by other processes). Default 2 s. */
  readonly pollIntervalMs?: number;
  /** Claim lease; another worker may take over a claim older than this. Default 1 h. */
  readonly leaseMs?: number;
  readonly workerId?: string;
  /** Our domains are delivered as one destination ('local'). */
  readonly isLocalDomain?: (domain: string) => boolean | Promise<boolean>;
  /** After each job's outcomes are recorded (bounce/delay/success notices hook in here). */
  readonly onOutcomes?: (message: QueueMessage, outcomes: readonly DeliveryOutcome[]) => Promise<void>;
  /** On start: put crashed claims back (default true) and sweep orphaned spool files from this dir. */
  readonly recoverOnStart?: boolean;
  readonly spoolDir?: string;
  /** Domains held for a flush (`queue.defer_domains`): a failed try waits for the next flush. */
  readonly isHeld?: (domain: string) => boolean;
}

export interface RunSummary {
  jobs: number;
  recipients: number;
}

export interface Runner {
  /** Recovers crashed claims, then polls every pollInterval and on kick(). */
  start(): Promise<void>;
  /** Stops polling and waits for the jobs in flight. */
  stop(): Promise<void>;
  /** Delivers everything due now (repeating until nothing due is left) and waits for it: for tests. */
  runOnce(): Promise<RunSummary>;
  /** New mail: look now instead of at the next poll. */
  kick(): void;
  /** Jobs in flight. */
  readonly active: number;
}

interface Job {
  readonly destination: string;
  readonly domains: readonly string[];
  readonly message: ClaimedMessage['message'];
  readonly rcpts: readonly QueueRecipient[];
}

export function createRunner(deps: RunnerDeps): Runner {
  const maxTotal = deps.limits?.maxConnections ?? 100;
  const maxPerDest = deps.limits?.maxPerDomain ?? 20;
  const leaseMs = deps.leaseMs ?? 3_600_000;
  const pollMs = deps.pollIntervalMs ?? 2000;
  const workerId = deps.workerId ?? `${hostname()}:${process.pid}:${newQueueId().slice(10)}`;
  const running = new Set<Promise<void>>();
  /** messageId\0address of the recipients in running jobs. */
  const inFlight = new Set<string>();
  const perDest = new Map<string, { count: number; domains: Set<string> }>();
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  let dispatching: Promise<RunSummary> | null = null;
  let kickPending = false;

  // Finished jobs are recorded in batches: one transaction (one fsync) for every job that
  // finished in the same turn of the event loop, instead of one each.
  type Applied = Awaited<ReturnType<QueueStore['applyResults']>>;
  let toRecord: { item: AppliedJob; resolve(a: Applied): void; reject(e: unknown): void }[] = [];
  let recording = false;
  const nextTurn = () => new Promise<void>((r) => setImmediate(r));

  function record(item: AppliedJob): Promise<Applied> {
    return new Promise((resolve, reject) => {
      toRecord.push({ item, resolve, reject });
      if (!recording) {
        recording = true;
        void recordLoop();
      }
    });
  }

  async function recordLoop(): Promise<void> {
    await nextTurn();
    while (toRecord.length > 0) {
      const batch = toRecord;
      toRecord = [];
      try {
        const out = await deps.store.applyResultsBatch(
          batch.map((b) => b.item),
          deps.clock.now(),
        );
        // a finished message's spool file is removed next: its row must be final on disk first
        if (out.some((o) => o?.done)) await deps.store.sync();
        for (const [i, b] of batch.entries()) b.resolve(out[i] ?? null);
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
      await nextTurn();
    }
    recording = false;
  }

  async function destinationOf(domain: string): Promise<string> {
    return deps.isLocalDomain && (await deps.isLocalDomain(domain)) ? 'local' : domain;
  }

  /**
   * Claimed jobs waiting for a slot of their destination, oldest first. Holding them (instead
   * of giving the claims back and claiming them again) keeps a busy destination from costing a
   * store write per finished job; they start as soon as a slot frees. Claims older than half
   * the lease are given back so another worker may take them before the lease runs out.
   */
  const backlog = new Map<string, { job: Job; claimedAt: number }[]>();
  let backlogSize = 0;
  /** The last claim may have left due mail behind (limits): look again when a slot frees. */
  let moreDue = true;

  function slotOf(destination: string): { count: number; domains: Set<string> } {
    return perDest.get(destination) ?? { count: 0, domains: new Set<string>() };
  }

  /** Starts waiting jobs where slots are free, counting them in `summary`. */
  function startFromBacklog(summary: RunSummary): void {
    for (const [destination, waiting] of backlog) {
      while (waiting.length > 0 && running.size < maxTotal && slotOf(destination).count < maxPerDest) {
        const next = waiting.shift() as { job: Job };
        backlogSize--;
        start(next.job, summary);
      }
      if (waiting.length === 0) backlog.delete(destination);
    }
  }

  async function releaseStale(now: number): Promise<void> {
    for (const [destination, waiting] of backlog) {
      while (waiting.length > 0 && now - (waiting[0] as { claimedAt: number }).claimedAt > leaseMs / 2) {
        const { job } = waiting.shift() as { job: Job };
        backlogSize--;
        await releaseJob(job);
      }
      if (waiting.length === 0) backlog.delete(destination);
    }
  }

  function releaseJob(job: Job): Promise<void> {
    return deps.store.releaseClaims(
      workerId,
      job.message.id,
      job.rcpts.map((r) => r.address),
    );
  }

  /** One round: start waiting jobs, claim what fits, start those that fit and hold the rest. */
  async function dispatch(): Promise<RunSummary> {
    const summary: RunSummary = { jobs: 0, recipients: 0 };
    const now = deps.clock.now();
    await releaseStale(now);
    startFromBacklog(summary);
    const free = maxTotal - running.size - backlogSize;
    if (free <= 0) return summary;
    // destinations at their limit, or with jobs already waiting, need nothing more now
    const excludeDomains = [...perDest.entries()]
      .filter(([dest, d]) => d.count >= maxPerDest || backlog.has(dest))
      .flatMap(([, d]) => [...d.domains]);
    // at most one recipient per free slot: every job then fits, and a big message goes out in slices
    const claimed = await deps.store.claimDue(workerId, now, free, { leaseMs, excludeDomains });
    // fewer than asked and nothing held back: the store has nothing else due right now, so a
    // finished job need not ask again (new mail kicks, retries come due at the poll)
    moreDue = excludeDomains.length > 0 || claimed.reduce((n, c) => n + c.recipients.length, 0) >= free;
    const jobs = new Map<string, Job & { rcpts: QueueRecipient[]; domains: string[] }>();
    for (const c of claimed) {
      for (const r of c.recipients) {
        // a lease that ran out while our own job still runs: the claim is renewed, the job goes on
        if (inFlight.has(`${r.messageId}\0${r.address.toLowerCase()}`)) continue;
        const destination = await destinationOf(r.domain);
        const key = `${c.message.id}\0${destination}`;
        let job = jobs.get(key);
        if (!job) {
          job = { destination, domains: [], message: c.message, rcpts: [] };
          jobs.set(key, job);
        }
        job.rcpts.push(r);
        if (!job.domains.includes(r.domain)) job.domains.push(r.domain);
      }
    }
    for (const job of jobs.values()) {
      if (running.size < maxTotal && slotOf(job.destination).count < maxPerDest && !backlog.has(job.destination)) {
        start(job, summary);
        continue;
      }
      const waiting = backlog.get(job.destination) ?? [];
      waiting.push({ job, claimedAt: now });
      backlog.set(job.destination, waiting);
      backlogSize++;
    }
    return summary;
  }

  function start(job: Job, summary: RunSummary): void {
    const slot = slotOf(job.destination);
    slot.count++;
    for (const d of job.domains) slot.domains.add(d);
    perDest.set(job.destination, slot);
    summary.jobs++;
    summary.recipients += job.rcpts.length;
    const keys = job.rcpts.map((r) => `${r.messageId}\0${r.address.toLowerCase()}`);
    for (const k of keys) inFlight.add(k);
    const p = runJob(job).finally(() => {
      for (const k of keys) inFlight.delete(k);
      running.delete(p);
      slot.count--;
      if (slot.count === 0) perDest.delete(job.destination);
      if (!started) return;
      // the freed slot goes to a waiting job of any destination at once, without a store round
      const next: RunSummary = { jobs: 0, recipients: 0 };
      startFromBacklog(next);
      if (moreDue && (next.jobs === 0 || backlogSize === 0)) kick();
    });
    running.add(p);
  }

  async function runJob(job: Job): Promise<void> {
    const attempt = Math.max(...job.rcpts.map((r) => r.attempts)) + 1;
    const deliveryJob: DeliveryJob = {
      queueId: job.message.id,
      from: job.message.from,
      rcpts: job.rcpts.map((r) => ({
        address: r.address,
        ...(r.orcpt ? { orcpt: r.orcpt } : {}),
        ...(r.notify ? { notify: r.notify } : {}),
      })),
      dsn: job.message.dsn,
      bodyPath: job.message.spoolPath,
      size: job.message.size,
      smtputf8: job.message.smtputf8,
      body: job.message.body,
      attempt,
    };
    let outcomes: readonly DeliveryOutcome[];
    try {
      outcomes = await deps.transport.deliver(deliveryJob);
    } catch (err) {
      deps.log.error({ queueId: job.message.id, destination: job.destination, err }, 'transport failed (bug)');
      outcomes = [];
    }
    const now = deps.clock.now();
    const byRcpt = new Map(outcomes.map((o) => [o.rcpt.toLowerCase(), o]));
    const results: RecipientResult[] = [];
    const final: DeliveryOutcome[] = [];
    for (const r of job.rcpts) {
      const o = byRcpt.get(r.address.toLowerCase()) ?? {
        rcpt: r.address,
        status: 'deferred' as const,
        reply: reply(451, '4.3.0', 'Internal error during delivery, will retry'),
        stage: 'queue' as const,
      };
      const remote = o.remote ? { host: o.remote.host, ip: o.remote.ip } : undefined;
      const base = { address: r.address, reply: o.reply, stage: o.stage, ...(remote ? { remote } : {}) };
      if (o.status === 'deferred' && now >= r.expiresAt) {
        const expired = expiredReply(o.reply);
        results.push({ ...base, state: 'failed', event: 'expired', reply: expired });
        final.push({ ...o, rcpt: r.address, status: 'failed', reply: expired });
      } else if (o.status === 'deferred') {
        // held mail goes back to waiting for a flush (or its expiry), not onto the retry schedule
        const next = deps.isHeld?.(r.domain)
          ? r.expiresAt
          : nextAttemptAt(deps.schedule, r.attempts + 1, now, r.expiresAt);
        results.push({ ...base, state: 'deferred', event: 'deferred', nextAttemptAt: next });
        final.push({ ...o, rcpt: r.address });
      } else {
        results.push({ ...base, state: o.status, event: o.status });
        final.push({ ...o, rcpt: r.address });
      }
    }
    const applied = await record({ messageId: job.message.id, results });
    for (const res of results) {
      deps.log.info(
        {
          queueId: job.message.id,
          rcpt: res.address,
          event: res.event,
          reply: replyText(res.reply),
          remote: res.remote,
          stage: res.stage,
        },
        res.event,
      );
    }
    if (!applied) return; // deleted while we were delivering
    if (deps.onOutcomes) {
      await deps.onOutcomes(applied.message, final).catch((err) => {
        deps.log.error({ queueId: job.message.id, err }, 'outcome hook failed');
      });
    }
    if (applied.done) {
      await removeSpoolFile(job.message.spoolPath).catch((err) => {
        deps.log.error({ queueId: job.message.id, err }, 'could not remove spool file');
      });
    }
  }

  function expiredReply(last: Reply): Reply {
    return reply(451, '4.4.7', ['Message expired: delivery time ran out', `Last error: ${replyText(last)}`]);
  }

  function kick(): void {
    if (!started || kickPending) return;
    kickPending = true;
    setImmediate(() => {
      kickPending = false;
      if (!started) return;
      if (dispatching) {
        // a round is running: look again when it ends, mail may have arrived meanwhile
        dispatching.finally(() => kick());
        return;
      }
      dispatching = dispatch()
        .catch((err) => {
          deps.log.error({ err }, 'queue run failed');
          return { jobs: 0, recipients: 0 };
        })
        .finally(() => {
          dispatching = null;
        });
    });
  }

  function schedulePoll(): void {
    timer = setTimeout(() => {
      kick();
      if (started) schedulePoll();
    }, pollMs);
  }

  return {
    get active() {
      return running.size;
    },
    kick,
    async start() {
      if (started) return;
      const now = deps.clock.now();
      if (deps.recoverOnStart !== false) {
        const n = await deps.store.recoverActive(now);
        if (n > 0) deps.log.warn({ recipients: n }, 'recovered recipients left active by a crash');
        if (deps.spoolDir) {
          const live = new Set(await deps.store.liveMessageIds());
          const removed = await sweepOrphans(deps.spoolDir, live, Date.now());
          if (removed.length > 0) deps.log.warn({ files: removed }, 'removed orphaned spool files');
        }
      }
      started = true;
      schedulePoll();
      kick();
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      if (dispatching) await dispatching;
      for (const [destination, waiting] of backlog) {
        backlog.delete(destination);
        for (const { job } of waiting) await releaseJob(job).catch(() => {});
      }
      backlogSize = 0;
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    async runOnce() {
      const total: RunSummary = { jobs: 0, recipients: 0 };
      for (let round = 0; round < 1_000_000; round++) {
        if (dispatching) await dispatching;
        const s = await dispatch();
        total.jobs += s.jobs;
        total.recipients += s.recipients;
        if (s.jobs === 0 && running.size === 0) break;
        await Promise.race(running);
        await nextTurn(); // let the jobs that finished together free their slots before claiming again
      }
      while (running.size > 0) await Promise.allSettled([...running]);
      return total;
    },
  };
}
