import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatReply, isPermanent, isTransient, parseReplyLines, ReplyError, reply, replyText } from './reply.js';

describe('reply factory', () => {
  it('refuses a 4xx code with a 5.x.x enhanced code', () => {
    assert.throws(() => reply(451, '5.3.0', 'x'), ReplyError);
  });
  it('refuses a 5xx code with a 4.x.x enhanced code', () => {
    assert.throws(() => reply(553, '4.7.1', 'x'), ReplyError);
  });
  it('refuses CR or LF inside the text', () => {
    assert.throws(() => reply(250, '2.0.0', 'ok\r\nMAIL FROM:<a@b>'), ReplyError);
    assert.throws(() => reply(250, '2.0.0', ['ok', 'x\ny']), ReplyError);
  });
  it('refuses an enhanced code on a 3xx reply and malformed codes', () => {
    assert.throws(() => reply(354, '2.0.0', 'go'), ReplyError);
    assert.throws(() => reply(250, '2.0', 'x'), ReplyError);
    assert.throws(() => reply(99, null, 'x'), ReplyError);
  });
});

describe('formatReply', () => {
  it('repeats the enhanced code on every line of a multi-line reply', () => {
    const r = reply(553, '5.7.1', ['message filtered as spam', 'see https://example.test/policy']);
    assert.equal(formatReply(r), '553-5.7.1 message filtered as spam\r\n553 5.7.1 see https://example.test/policy\r\n');
  });
  it('writes a reply without enhanced code as is', () => {
    assert.equal(
      formatReply(reply(354, null, 'End data with <CR><LF>.<CR><LF>')),
      '354 End data with <CR><LF>.<CR><LF>\r\n',
    );
  });
});

describe('class of a reply', () => {
  it('decides temporary and permanent from the code alone', () => {
    assert.equal(isTransient(reply(452, '4.5.3', 'too many')), true);
    assert.equal(isPermanent(reply(452, '4.5.3', 'too many')), false);
    assert.equal(isPermanent(reply(553, '5.7.1', 'no')), true);
  });
});

describe('parseReplyLines', () => {
  it('keeps the enhanced code and the text of a remote multi-line reply', () => {
    const r = parseReplyLines([
      '550-5.1.1 The email account that you tried to reach does not exist.',
      '550 5.1.1 Please try again',
    ]);
    assert.equal(r.code, 550);
    assert.equal(r.enhanced, '5.1.1');
    assert.deepEqual(r.lines, ['The email account that you tried to reach does not exist.', 'Please try again']);
    assert.equal(replyText(r), '550 5.1.1 The email account that you tried to reach does not exist. Please try again');
  });
  it('drops an enhanced code whose class contradicts the reply code', () => {
    const r = parseReplyLines(['451 5.7.1 confused remote']);
    assert.equal(r.enhanced, null);
    assert.deepEqual(r.lines, ['5.7.1 confused remote']);
  });
});
