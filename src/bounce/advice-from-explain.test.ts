import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reply } from '../core/reply.js';
import { adviceFor } from '../explain/advice.js';
import { adviseFromExplain } from './advice-from-explain.js';

describe('adviseFromExplain', () => {
  it('gives the sender sentence of explain for the reply class', () => {
    assert.equal(
      adviseFromExplain(reply(550, '5.1.1', '<bob@remote.test>: Recipient address rejected: User unknown')),
      adviceFor('userunknown').sender,
    );
    assert.equal(adviseFromExplain(reply(552, '5.2.2', 'mailbox full')), adviceFor('mailboxfull').sender);
    assert.equal(
      adviseFromExplain(reply(553, '5.7.1', '<x@remote.test>: Relay access denied')),
      adviceFor('norelaying').sender,
    );
  });
  it('gives different advice for different failure classes', () => {
    const a = adviseFromExplain(reply(550, '5.1.1', 'no such user'));
    const b = adviseFromExplain(reply(552, '5.2.2', 'mailbox full'));
    assert.notEqual(a, b);
  });
});
