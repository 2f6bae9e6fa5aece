/**
 * Builds a running mailward from a validated Config: stores, policy, AUTH, the durable
 * intake, the queue runner with local and remote delivery, notices, vacation, DKIM, and the
 * SMTP listeners. `serve` calls it; e2e tests start it in-process or as a child process.
 * Every arrow of DESIGN.md's message path is one of the calls below.
 */

import { Resolver } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { createAuthenticator } from '../auth/authenticator.js';
import { LoginLimiter, loginLimiterOptions } from '../auth/login-limiter.js';
import { withVacation } from '../autoreply/after-local-delivery.js';
import { createVacationHook } from '../autoreply/vacation.js';
import { adviseFromExplain } from '../bounce/advice-from-explain.js';
import { createNoticeHook, type NoticeInjection } from '../bounce/notice-hook.js';
import type { Config } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import type { Envelope } from '../core/envelope.js';
import type { Reply } from '../core/reply.js';
import { createRecipientExpander } from '../delivery/local/recipient-expander.js';
import { createLocalTransport } from '../delivery/local/transport.js';
import { createRouter } from '../delivery/router.js';
import { createSmtpTransport } from '../delivery/smtp/transport.js';
import { createMailauthIntakeStep } from '../mailauth/intake-step.js';
import { createOutboundSigner, signBeforeInject } from '../mailauth/sign.js';
import { resolveWith } from '../mailauth/verify.js';
import { createPolicy, systemResolver } from '../policy/index.js';
import { createIntake, type SpooledFile } from '../queue/intake.js';
import { createRunner } from '../queue/runner.js';
import { queueSettings } from '../queue/settings.js';
import type { BoundListener } from '../smtp/server.js';
import { createSmtpServer } from '../smtp/server.js';
import { ensureCertificate } from '../smtp/tls-certificate.js';
import { type BootstrapResult, bootstrapIfEmpty } from '../store/bootstrap.js';
import { networkMatcher } from '../store/cidr.js';
import { hashPassword } from '../store/passwords.js';
import { SqliteDirectoryStore } from '../store/sqlite/directory.js';
import { openSqliteQueueStore } from '../store/sqlite/queue.js';
import { SqliteSuppressionStore } from '../store/sqlite/suppression.js';
import { SqliteVacationStore } from '../store/sqlite/vacation.js';
import { withBounceIntake } from '../suppression/bounce-intake.js';
import { queuePaths } from './queue-context.js';

export interface RunningMailward {
  readonly listeners: readonly BoundListener[];
  /** Set on the first start only: the example domain, user and its password. */
  readonly bootstrap: BootstrapResult | null;
  stop(): Promise<void>;
}

export async function startMailward(config: Config): Promise<RunningMailward> {
  const log = pino({ level: config.log.level, base: undefined });
  const clock = systemClock;
  const { hostname } = config;
  const dataDir = config.data_dir;

  const directory = SqliteDirectoryStore.open(join(dataDir, 'mailward.db'));
  const bootstrap = await bootstrapIfEmpty(directory, hashPassword);
  const vacationStore = SqliteVacationStore.onDatabase(directory.db);
  const { dbFile, spoolDir } = queuePaths(dataDir);
  const queueStore = openSqliteQueueStore(dbFile, { syncOffLoop: true });
  const settings = queueSettings(config.queue);

  const dnsServers = [...config.dns.servers];
  const policyResolver = systemResolver({
    servers: dnsServers,
    timeoutMs: config.policy.sender_domain_check.timeout_ms,
  });
  const suppression = SqliteSuppressionStore.onDatabase(directory.db);
  const policy = createPolicy(
    { ...config.policy, trustedNetworks: config.trusted_networks, hostname },
    { directory, resolver: policyResolver, clock, log, suppression },
  );
  const isTrustedIp = networkMatcher(config.trusted_networks);
  const signer = createOutboundSigner({
    dataDir,
    hostname,
    selector: config.mailauth.dkim_selector,
    enabled: config.mailauth.dkim_sign,
  });
  const dnsResolver = new Resolver({ timeout: config.dns.timeout_ms, tries: 2 });
  if (dnsServers.length) dnsResolver.setServers(dnsServers);
  const mailauthStep = createMailauthIntakeStep({
    hostname,
    resolver: resolveWith(dnsResolver),
    config: config.mailauth,
    isTrusted: isTrustedIp,
    signer,
    log,
  });
  // Cheap refusals first (DMARC), then the content filter (spamd), like Postfix's
  // milters before the content_filter.
  const beforeCommit = async (file: string, envelope: Envelope, spooled: SpooledFile): Promise<Reply | undefined> =>
    (await mailauthStep(file, envelope, spooled)) ??
    (await policy.checkContent({ sessionId: 'intake', client: envelope.client }, envelope, file));

  // Declared before the intake, which kicks it when mail is queued; assigned below.
  let runner: ReturnType<typeof createRunner> | undefined;
  const intake = createIntake({
    store: queueStore,
    spoolDir,
    hostname,
    clock,
    log,
    lifetimeMs: settings.lifetimeMs,
    groupCommitDelayMs: settings.groupCommitDelayMs,
    maxMessageSize: config.smtp.max_message_size,
    isHeld: settings.isHeld,
    expandRecipients: createRecipientExpander({ directory }),
    beforeCommit,
    onQueued: () => runner?.kick(),
  });
  const injectNotice = signBeforeInject(
    (m: NoticeInjection) => intake.injectLocal(m),
    signer,
    'body',
    (err) => log.warn({ err: String(err) }, 'DKIM signing of a notice failed; queued unsigned'),
  );
  const injectVacation = signBeforeInject(
    async (m: { from: string; to: string[]; raw: Buffer; source: 'autoreply'; bodyType: '7BIT' }) => {
      const r = await intake.injectLocal({
        from: m.from,
        rcpts: m.to,
        body: m.raw,
        origin: { source: m.source },
        bodyType: m.bodyType,
      });
      if (!r.ok) throw new Error(`vacation reply refused by the queue: ${r.reply.lines.join(' ')}`);
    },
    signer,
    'raw',
  );

  const local = withVacation(
    // suppression (issue #5): hard bounces delivered to a local mailbox go on the suppression list
    withBounceIntake(
      createLocalTransport({ dataDir, directory, hostname, overQuota: config.delivery.local.over_quota, log }),
      {
        store: suppression,
        now: () => clock.now(),
        log,
        deliveryLog: queueStore,
        bounceAddresses: config.bounce.addresses,
      },
    ),
    createVacationHook({ store: vacationStore, inject: injectVacation, hostname, clock, config: config.autoreply }),
    log,
  );
  const remote = createSmtpTransport({ resolver: dnsResolver, hostname, config: config.delivery, log });
  const transport = createRouter({ localDomains: directory, local, remote });
  runner = createRunner({
    store: queueStore,
    transport,
    clock,
    schedule: settings.schedule,
    log,
    limits: settings.limits,
    pollIntervalMs: settings.pollIntervalMs,
    leaseMs: settings.leaseMs,
    isLocalDomain: (d) => directory.hasDomain(d),
    isHeld: settings.isHeld,
    onOutcomes: createNoticeHook({
      hostname,
      config: config.bounce,
      clock,
      advise: adviseFromExplain,
      inject: injectNotice,
      markDelayWarned: (id, rcpts) => queueStore.markDelayWarned(id, rcpts),
      lifetimeMs: settings.lifetimeMs,
      log: (level, detail, msg) => log[level](detail, msg),
    }),
    spoolDir,
  });

  const tls =
    config.smtp.tls_cert_file && config.smtp.tls_key_file
      ? {
          cert: await readFile(config.smtp.tls_cert_file, 'utf8'),
          key: await readFile(config.smtp.tls_key_file, 'utf8'),
        }
      : await ensureCertificate(dataDir, hostname);
  const s = config.smtp;
  const server = createSmtpServer(
    {
      hostname,
      tls,
      listeners: config.listeners.map((l) => ({
        role: l.role,
        host: l.host,
        port: l.port,
        tls: l.tls,
        authOffered: l.auth_offered,
        authWithoutTls: l.auth_without_tls,
      })),
      limits: {
        maxLineLength: s.max_line_length,
        maxMessageSize: s.max_message_size,
        maxRecipients: s.max_recipients,
        maxErrors: s.max_errors,
        commandTimeoutMs: s.command_timeout_ms,
        dataTimeoutMs: s.data_timeout_ms,
        maxConnections: s.max_connections,
        maxConnectionsPerIp: s.max_connections_per_ip,
        ...(s.stress_connections !== undefined ? { stressConnections: s.stress_connections } : {}),
        stressTimeoutMs: s.stress_timeout_ms,
        bareNewline: s.bare_newline,
        greetingDelayMs: s.greeting_delay_ms,
      },
    },
    {
      onConnect: policy.onConnect,
      onHelo: policy.onHelo,
      onMail: policy.onMail,
      onRcpt: policy.onRcpt,
      onData: intake.onData,
      authenticate: createAuthenticator({
        directory,
        limiter: new LoginLimiter(clock, loginLimiterOptions(config.auth)),
        log,
      }),
    },
    log,
  );
  const listeners = await server.listen();
  await runner.start();

  return {
    listeners,
    bootstrap,
    async stop() {
      await server.close();
      await runner?.stop();
      await intake.close();
      await transport.close();
      await queueStore.close();
      directory.close();
    },
  };
}
