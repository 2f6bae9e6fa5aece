/**
 * The policy module's public face: createPolicy and the pieces the integration reuses.
 */
export { buildReplyCatalogue, CATALOGUE, type CheckName, PolicyConfigError, type ReplyName } from './catalogue.js';
export type { PolicyContext, PolicyLog } from './context.js';
export { createPolicy, type Policy, type PolicyWorld } from './create-policy.js';
export { networkSet, unmapIPv4 } from './networks.js';
export { decideRelay, type RelayVerdict } from './recipient.js';
export { type DnsResolver, systemResolver } from './sender-domain.js';
export { askSpamd, type SpamdResult } from './spamd-client.js';
