/**
 * The SMTP engine's reply catalogue: every reply the protocol layer sends on its own, by name.
 *
 * RFC 5321 §4.2.2-§4.2.3 (reply codes), RFC 3463 (enhanced status codes, chosen by us),
 * RFC 2034 §3 (no enhanced codes in the greeting and the EHLO/HELO reply), RFC 3030, RFC 3207,
 * RFC 4954 (AUTH replies), RFC 2920, RFC 1870 (SIZE).
 * Policy replies (the 553 catalogue) come from src/policy through the hooks, not from here.
 */
import { type Reply, reply } from '../core/reply.js';

export const replies = {
  greeting: (host: string): Reply => reply(220, null, `${host} ESMTP mailward`),
  serviceUnavailable: (host: string): Reply => reply(421, '4.3.2', `${host} Service not available, closing connection`),
  tooManyConnections: (host: string): Reply => reply(421, '4.7.0', `${host} Too many connections, try again later`),
  earlyTalker: (): Reply => reply(554, '5.5.0', 'Error: SMTP protocol synchronization: talked before the greeting'),
  timeout: (host: string): Reply => reply(421, '4.4.2', `${host} Error: timeout exceeded`),
  tooManyErrors: (host: string): Reply => reply(421, '4.7.0', `${host} Error: too many errors`),
  shuttingDown: (host: string): Reply => reply(421, '4.3.2', `${host} Service shutting down, closing connection`),

  heloOk: (host: string, name: string): Reply => reply(250, null, `${host} Hello ${name}`),
  ehloOk: (host: string, name: string, extensions: readonly string[]): Reply =>
    reply(250, null, [`${host} Hello ${name}`, ...extensions]),
  ok: (): Reply => reply(250, '2.0.0', 'Ok'),
  senderOk: (): Reply => reply(250, '2.1.0', 'Ok'),
  recipientOk: (): Reply => reply(250, '2.1.5', 'Ok'),
  chunkOk: (octets: number): Reply => reply(250, '2.0.0', `Ok: ${octets} octets received`),
  queuedWithoutSink: (): Reply => reply(250, '2.0.0', 'Ok: message discarded, no sink configured'),
  startData: (): Reply => reply(354, null, 'End data with <CR><LF>.<CR><LF>'),
  bye: (): Reply => reply(221, '2.0.0', 'Bye'),
  cannotVerify: (): Reply => reply(252, '2.5.0', 'Cannot verify the user, but will accept the message and try'),
  help: (): Reply =>
    reply(214, '2.0.0', [
      'Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY EXPN HELP STARTTLS AUTH',
      'See RFC 5321',
    ]),
  readyToStartTls: (): Reply => reply(220, '2.0.0', 'Ready to start TLS'),
  authSuccess: (): Reply => reply(235, '2.7.0', 'Authentication successful'),
  authChallenge: (base64: string): Reply => reply(334, null, base64),

  unknownCommand: (): Reply => reply(500, '5.5.2', 'Error: command not recognized'),
  lineTooLong: (): Reply => reply(500, '5.5.2', 'Error: line too long'),
  syntax: (usage: string): Reply => reply(501, '5.5.4', `Syntax: ${usage}`),
  invalidHeloName: (): Reply => reply(501, '5.5.2', 'Error: invalid host name in HELO/EHLO'),
  badSenderSyntax: (detail: string): Reply => reply(501, '5.1.7', `Bad sender address syntax: ${detail}`),
  badRecipientSyntax: (detail: string): Reply => reply(501, '5.1.3', `Bad recipient address syntax: ${detail}`),
  badParameter: (detail: string): Reply => reply(501, '5.5.4', `Invalid parameter: ${detail}`),
  unknownParameter: (name: string): Reply => reply(555, '5.5.4', `Unsupported parameter: ${name}`),
  utf8WithoutSmtputf8: (): Reply => reply(553, '5.6.7', 'Non-ASCII address requires SMTPUTF8'),
  notImplemented: (): Reply => reply(502, '5.5.1', 'Error: command not implemented'),
  badSequence: (detail = 'bad sequence of commands'): Reply => reply(503, '5.5.1', `Error: ${detail}`),
  noValidRecipients: (): Reply => reply(554, '5.5.1', 'Error: no valid recipients'),
  tooManyRecipients: (): Reply => reply(452, '4.5.3', 'Error: too many recipients'),
  messageTooBig: (): Reply => reply(552, '5.3.4', 'Error: message exceeds fixed maximum message size'),
  bareNewline: (): Reply =>
    reply(550, '5.5.2', 'Error: message contains bare <CR> or <LF>; lines must end with <CR><LF>'),
  textLineTooLong: (max: number): Reply => reply(554, '5.6.0', `Error: message has a line longer than ${max} octets`),
  pipelinedData: (): Reply =>
    reply(554, '5.5.0', 'Error: SMTP protocol synchronization: message content sent before the 354 reply'),
  nonAsciiCommand: (): Reply => reply(500, '5.5.2', 'Error: invalid characters in command'),
  internalError: (): Reply => reply(451, '4.3.0', 'Error: internal error, try again later'),

  tlsRequired: (): Reply => reply(530, '5.7.0', 'Must issue a STARTTLS command first'),
  tlsUnavailable: (): Reply => reply(454, '4.7.0', 'TLS not available'),
  tlsAlreadyActive: (): Reply => reply(503, '5.5.1', 'Error: TLS already active'),
  authAlready: (): Reply => reply(503, '5.5.1', 'Error: already authenticated'),
  authInTransaction: (): Reply => reply(503, '5.5.1', 'Error: AUTH not allowed during a mail transaction'),
  authMechanism: (): Reply => reply(504, '5.5.4', 'Error: unrecognized authentication mechanism'),
  authCancelled: (): Reply => reply(501, '5.7.0', 'Authentication cancelled'),
  authBadBase64: (): Reply => reply(501, '5.5.2', 'Error: cannot decode the AUTH response'),
  authFailed: (): Reply => reply(535, '5.7.8', 'Error: authentication credentials invalid'),
  authzidMismatch: (): Reply =>
    reply(535, '5.7.8', 'Error: the authorization identity must be empty or equal to the user name'),
} as const;

export type ReplyName = keyof typeof replies;
