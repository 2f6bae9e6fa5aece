/**
 * The rule registry: check name → the one function that implements it (STYLE.md §3).
 */
import type { CheckName } from '../catalogue.js';
import type { PolicyRule } from '../context.js';
import { authRequired } from './auth-required.js';
import { contentFiltered } from './content-filtered.js';
import { nullSenderDenied } from './null-sender-denied.js';
import { rcptInvalid } from './rcpt-invalid.js';
import { rcptUnknown } from './rcpt-unknown.js';
import { relayDenied } from './relay-denied.js';
import { senderBlocked } from './sender-blocked.js';
import { senderDomainUnresolvable } from './sender-domain-unresolvable.js';
import { senderNotOwned } from './sender-not-owned.js';
import { suppressed } from './suppressed.js';

export const RULES: Readonly<Record<CheckName, PolicyRule>> = Object.freeze({
  relay_denied: relayDenied,
  auth_required: authRequired,
  sender_not_owned: senderNotOwned,
  null_sender_denied: nullSenderDenied,
  sender_blocked: senderBlocked,
  sender_domain_unresolvable: senderDomainUnresolvable,
  rcpt_unknown: rcptUnknown,
  rcpt_invalid: rcptInvalid,
  suppressed,
  content_filtered: contentFiltered,
});
