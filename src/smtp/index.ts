/**
 * The SMTP server protocol layer's public API, for `mailward serve` and tests:
 * createSmtpServer (listeners + sessions), its options, the hooks it calls, the reply
 * catalogue and the self-signed certificate helper.
 */
export type { AuthRequest, AuthResult, SessionHooks, SessionView } from './hooks.js';
export {
  type AuthWithoutTls,
  type BareNewlinePolicy,
  DEFAULT_LIMITS,
  type ListenerOptions,
  type SmtpLimits,
  type SmtpServerOptions,
  type TlsMode,
} from './options.js';
export { replies } from './replies.js';
export { type BoundListener, createSmtpServer, type SmtpServer } from './server.js';
export type { SmtpLogger } from './session-context.js';
export { ensureCertificate, type PemPair } from './tls-certificate.js';
