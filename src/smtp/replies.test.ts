/**
 * The engine's reply catalogue: every entry builds through the core factory (so no class
 * mismatch and no CR/LF can reach the wire), and the wire format repeats the enhanced code on
 * every line of a multi-line reply (RFC 2034 §4) and leaves it out of the greeting and EHLO.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatReply, isTransient } from '../core/reply.js';
import { replies } from './replies.js';

describe('replies', () => {
  it('builds every entry, each with an enhanced code of its class or none for 2xx/3xx greetings', () => {
    for (const [name, make] of Object.entries(replies)) {
      const r = (make as (...a: unknown[]) => ReturnType<typeof replies.ok>)('mx.test', 'client.test', ['X']);
      if (r.enhanced) assert.equal(r.enhanced[0], String(r.code)[0], name);
      else assert.ok([220, 250, 334, 354].includes(r.code), `${name} has no enhanced code`);
    }
  });

  it('formats multi-line replies with the code and enhanced code on every line', () => {
    assert.equal(
      formatReply(replies.help()),
      '214-2.0.0 Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY EXPN HELP STARTTLS AUTH\r\n' +
        '214 2.0.0 See RFC 5321\r\n',
    );
    assert.equal(
      formatReply(replies.ehloOk('mx.test', 'c.test', ['PIPELINING', 'SIZE 10'])),
      '250-mx.test Hello c.test\r\n250-PIPELINING\r\n250 SIZE 10\r\n',
    );
    assert.equal(formatReply(replies.greeting('mx.test')), '220 mx.test ESMTP mailward\r\n');
  });

  it('uses the codes the RFCs and DESIGN.md name for limits', () => {
    const pairs = [
      [replies.tooManyRecipients(), '452 4.5.3'],
      [replies.messageTooBig(), '552 5.3.4'],
      [replies.tlsRequired(), '530 5.7.0'],
      [replies.authFailed(), '535 5.7.8'],
      [replies.unknownParameter('X'), '555 5.5.4'],
      [replies.badSequence(), '503 5.5.1'],
      [replies.internalError(), '451 4.3.0'],
      [replies.tooManyConnections('mx.test'), '421 4.7.0'],
      [replies.cannotVerify(), '252 2.5.0'],
    ] as const;
    for (const [r, want] of pairs) assert.equal(`${r.code} ${r.enhanced}`, want);
    assert.equal(isTransient(replies.tooManyRecipients()), true);
  });
});
