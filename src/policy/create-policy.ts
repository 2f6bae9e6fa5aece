/**
 * createPolicy: builds the policy from config and the world, and exposes it as the SMTP
 * session hooks (src/smtp/hooks.ts) plus the DATA-stage content check and the relay decision.
 *
 * RFC 5321 §4.1.1.2–4.1.1.4 (the MAIL, RCPT and DATA stages the hooks answer).
 * Config mistakes (bad reply override, bad network) throw at build time, never per message.
 * Security: every refusal is logged with the rule that decided, the client IP and the reply.
 */
import { readFile, stat } from 'node:fs/promises';
import type { PolicyConfig } from '../config/sections/policy.js';
import type { Address, MailboxAddress } from '../core/address.js';
import type { Clock } from '../core/clock.js';
import type { ClientInfo, Envelope, Recipient } from '../core/envelope.js';
import type { PolicyDecision } from '../core/policy-decision.js';
import type { Reply } from '../core/reply.js';
import type { SessionView } from '../smtp/hooks.js';
import type { DirectoryStore } from '../store/ports/directory.js';
import type { SuppressionStore } from '../store/ports/suppression.js';
import { buildReplyCatalogue, type PolicyStage, type ReplyCatalogue } from './catalogue.js';
import type { PolicyContext, PolicyDeps, PolicyLog } from './context.js';
import { runStage, stageRules } from './engine.js';
import { networkSet } from './networks.js';
import { decideRelay, type RelayVerdict } from './recipient.js';
import { type DnsResolver, senderDomainChecker } from './sender-domain.js';
import { askSpamd, type SpamdResult } from './spamd-client.js';

export interface PolicyWorld {
  readonly directory: DirectoryStore;
  readonly resolver: DnsResolver;
  readonly clock: Clock;
  readonly log: PolicyLog;
  /** Replaces the spamd TCP client (tests). */
  readonly spamd?: (message: Buffer) => Promise<SpamdResult>;
  /** The suppression list the `suppressed` check reads. */
  readonly suppression?: SuppressionStore;
}

export interface Policy {
  onConnect(view: SessionView): Promise<Reply | undefined>;
  onHelo(view: SessionView, name: string): Promise<Reply | undefined>;
  onMail(view: SessionView, from: Address, params?: ReadonlyMap<string, string | true>): Promise<Reply | undefined>;
  onRcpt(
    view: SessionView,
    from: Address,
    rcpt: Recipient,
    params?: ReadonlyMap<string, string | true>,
  ): Promise<Reply | undefined>;
  /** End of data: the message as a Buffer or the path of the spooled file. */
  checkContent(view: SessionView, envelope: Envelope, message: Buffer | string): Promise<Reply | undefined>;
  /** The full decision (with the rule's name) for logs and the admin UI. */
  evaluate(ctx: PolicyContext): Promise<PolicyDecision>;
  isTrustedClient(ip: string): Promise<boolean>;
  decideRelay(rcpt: MailboxAddress, client: ClientInfo): Promise<RelayVerdict>;
  readonly replies: ReplyCatalogue;
}

/** How long the directory's trusted networks are reused before asking the store again. */
const NETWORKS_TTL_MS = 10_000;

export function createPolicy(
  config: PolicyConfig & { readonly trustedNetworks: readonly string[]; readonly hostname: string },
  world: PolicyWorld,
): Policy {
  const { directory, clock, log } = world;
  const settings = Object.freeze({ ...config });
  const replies = buildReplyCatalogue({
    style: config.reply_style,
    overrides: config.replies,
    policyUrl: config.policy_url || `mailto:postmaster@${config.hostname}`,
  });
  const configured = networkSet(config.trustedNetworks);
  let stored = { set: networkSet([]), until: 0 };

  async function isTrusted(ip: string): Promise<boolean> {
    if (configured.has(ip)) return true;
    if (stored.until <= clock.now()) {
      const good = (await directory.listTrustedNetworks()).filter((cidr) => {
        try {
          networkSet([cidr]);
          return true;
        } catch {
          log.warn({ cidr }, 'ignoring malformed trusted network from the directory');
          return false;
        }
      });
      stored = { set: networkSet(good), until: clock.now() + NETWORKS_TTL_MS };
    }
    return stored.set.has(ip);
  }

  const isOurDomain = (domain: string): Promise<boolean> => directory.hasDomain(domain.toLowerCase());

  async function primaryDomain(): Promise<string> {
    if (config.primary_domain) return config.primary_domain.toLowerCase();
    const host = config.hostname.toLowerCase();
    if (await isOurDomain(host)) return host;
    return (await directory.listDomains())[0] ?? host;
  }

  const spamdOpts = {
    host: config.spamd.host,
    port: config.spamd.port,
    timeoutMs: config.spamd.timeout_ms,
    user: config.spamd.user,
  };
  const deps: PolicyDeps = {
    settings,
    directory,
    replies,
    isTrusted,
    isOurDomain,
    primaryDomain,
    senderDomain: senderDomainChecker({
      resolver: world.resolver,
      clock,
      timeoutMs: config.sender_domain_check.timeout_ms,
      cacheMs: config.sender_domain_check.cache_ms,
    }),
    spamd: world.spamd ?? ((m) => askSpamd(m, spamdOpts)),
    ...(world.suppression ? { suppression: world.suppression } : {}),
    log,
  };
  const stages = stageRules(config.checks);

  async function evaluate(ctx: PolicyContext): Promise<PolicyDecision> {
    const d = await runStage(stages[ctx.stage], ctx, deps);
    if (d.kind === 'reject' || d.kind === 'defer') {
      log.info(
        { session: ctx.sessionId, ip: ctx.client.ip, stage: ctx.stage, rule: d.rule, code: d.reply.code },
        `policy ${d.kind}: ${d.reply.code} ${d.reply.enhanced ?? ''} ${d.reply.lines.join(' ')}`.replace(/ {2}/, ' '),
      );
    }
    return d;
  }

  const replyOf = (d: PolicyDecision): Reply | undefined =>
    d.kind === 'reject' || d.kind === 'defer' ? d.reply : undefined;
  const at = (stage: PolicyStage, view: SessionView, rest: Partial<PolicyContext> = {}): PolicyContext => ({
    stage,
    sessionId: view.sessionId,
    client: view.client,
    ...rest,
  });

  return {
    replies,
    evaluate,
    isTrustedClient: isTrusted,
    decideRelay: (rcpt, client) => decideRelay(rcpt, client, deps),
    onConnect: async (view) => replyOf(await evaluate(at('connect', view))),
    onHelo: async (view, helo) => replyOf(await evaluate(at('helo', view, { helo }))),
    onMail: async (view, from) => replyOf(await evaluate(at('mail', view, { from }))),
    onRcpt: async (view, from, rcpt) => replyOf(await evaluate(at('rcpt', view, { from, rcpt }))),
    async checkContent(view, envelope, message) {
      if (!config.spamd.enabled || stages.data.length === 0) return undefined;
      let body: Buffer;
      if (typeof message === 'string') {
        // Too large for spamd: do not read it at all (the rule would skip it anyway).
        if ((await stat(message)).size > config.spamd.max_bytes) return undefined;
        body = await readFile(message);
      } else {
        body = message;
      }
      return replyOf(await evaluate(at('data', view, { from: envelope.from, message: body })));
    },
  };
}
