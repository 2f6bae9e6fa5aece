/**
 * The command table: SMTP verb → handler, one file per command (RFC 5321 §4.1.1).
 */
import type { Session } from '../session.js';
import { auth } from './auth.js';
import { bdat } from './bdat.js';
import { data } from './data.js';
import { ehlo, helo } from './ehlo.js';
import { help } from './help.js';
import { mail } from './mail.js';
import { noop } from './noop.js';
import { quit } from './quit.js';
import { rcpt } from './rcpt.js';
import { rset } from './rset.js';
import { starttls } from './starttls.js';
import { vrfy } from './vrfy.js';

export type CommandHandler = (s: Session, arg: string) => Promise<void> | void;

export const COMMANDS: Readonly<Record<string, CommandHandler>> = Object.freeze({
  EHLO: ehlo,
  HELO: helo,
  MAIL: mail,
  RCPT: rcpt,
  DATA: data,
  BDAT: bdat,
  RSET: rset,
  NOOP: noop,
  QUIT: quit,
  VRFY: vrfy,
  EXPN: vrfy,
  HELP: help,
  STARTTLS: starttls,
  AUTH: auth,
});
