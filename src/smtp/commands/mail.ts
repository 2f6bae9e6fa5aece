/**
 * MAIL FROM (RFC 5321 §4.1.1.2) with SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8 (RFC 6531),
 * RET and ENVID (RFC 3461 §4.3-§4.4) and AUTH= (RFC 4954 §5, accepted and ignored).
 * Security: the path goes through parsePath unchanged; unknown parameters are refused
 * (`555 5.5.4`), and policy (auth_required, sender checks) decides in hooks.onMail.
 */
import { parsePath } from '../../core/address.js';
import type { BodyType, DsnParams } from '../../core/envelope.js';
import { decodeXtext, splitPathAndParams } from '../params.js';
import { replies } from '../replies.js';
import { HOOK_FAILED, type Session } from '../session.js';

export async function mail(s: Session, arg: string): Promise<void> {
  if (!s.client.helo) return s.send(replies.badSequence('send HELO/EHLO first'));
  if (s.tx) return s.send(replies.badSequence('nested MAIL command'));
  if (!/^FROM:/i.test(arg)) return s.send(replies.syntax('MAIL FROM:<address>'));
  const split = splitPathAndParams(arg.slice(5));
  if (!split.ok) {
    return s.send(split.reason === 'path' ? replies.badSenderSyntax(split.detail) : replies.badParameter(split.detail));
  }
  let body: BodyType = '7BIT';
  let smtputf8 = false;
  let declaredSize: number | undefined;
  const dsn: { ret?: 'FULL' | 'HDRS'; envid?: string } = {};
  for (const [key, value] of split.params) {
    // RFC 5321 §4.1.1.2: parameters exist only for ESMTP sessions.
    if (!s.client.esmtp) return s.send(replies.unknownParameter(key));
    switch (key) {
      case 'SIZE':
        if (value === true || !/^\d{1,15}$/.test(value)) return s.send(replies.badParameter('SIZE'));
        declaredSize = Number(value);
        if (declaredSize > s.ctx.limits.maxMessageSize) return s.send(replies.messageTooBig());
        break;
      case 'BODY': {
        const v = value === true ? '' : value.toUpperCase();
        if (v !== '7BIT' && v !== '8BITMIME') return s.send(replies.badParameter('BODY'));
        body = v;
        break;
      }
      case 'SMTPUTF8':
        if (value !== true) return s.send(replies.badParameter('SMTPUTF8'));
        smtputf8 = true;
        break;
      case 'RET': {
        const v = value === true ? '' : value.toUpperCase();
        if (v !== 'FULL' && v !== 'HDRS') return s.send(replies.badParameter('RET'));
        dsn.ret = v;
        break;
      }
      case 'ENVID': {
        const v = value === true ? null : decodeXtext(value);
        if (v === null || v.length > 100) return s.send(replies.badParameter('ENVID'));
        dsn.envid = v;
        break;
      }
      case 'AUTH':
        if (!s.authUsable) return s.send(replies.unknownParameter(key));
        break;
      default:
        return s.send(replies.unknownParameter(key));
    }
  }
  const parsed = parsePath(split.path, { allowNull: true, utf8: smtputf8 });
  if (!parsed.ok) {
    if (parsed.problem === 'utf8-not-allowed') return s.send(replies.utf8WithoutSmtputf8());
    return s.send(replies.badSenderSyntax(parsed.detail));
  }
  const from = parsed.value;
  const { onMail } = s.ctx.hooks;
  let answer = replies.senderOk();
  if (onMail) {
    const r = await s.hook('onMail', () => onMail(s.view, from, split.params));
    if (r === HOOK_FAILED) return s.send(replies.internalError());
    if (r && r.code >= 400) return s.send(r);
    if (r) answer = r;
  }
  s.tx = {
    from,
    body,
    smtputf8,
    dsn: dsn as DsnParams,
    ...(declaredSize !== undefined ? { declaredSize } : {}),
    rcpts: [],
    bdat: null,
  };
  s.log('mail', { from: split.path });
  s.send(answer);
}
