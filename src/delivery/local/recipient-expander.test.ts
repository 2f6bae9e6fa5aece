import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type MailboxAddress, NULL_SENDER, parsePath } from '../../core/address.js';
import type { Recipient } from '../../core/envelope.js';
import { MemoryDirectoryStore } from '../../store/memory/directory.js';
import { createRecipientExpander } from './recipient-expander.js';

function rcpt(path: string, extra: Omit<Recipient, 'address'> = {}): Recipient {
  const r = parsePath(path);
  assert.ok(r.ok);
  return { address: r.value as MailboxAddress, ...extra };
}

describe('createRecipientExpander (intake hook)', () => {
  it('replaces our aliases by their targets, remembering the given address and keeping NOTIFY and ORCPT', async () => {
    const d = new MemoryDirectoryStore();
    await d.addDomain('ours.test');
    await d.addUser({ address: 'ann@ours.test', passwordHash: 'x' });
    await d.addUser({ address: 'ben@ours.test', passwordHash: 'x' });
    await d.addAlias('team@ours.test', ['ann@ours.test', 'ben@ours.test', 'ext@remote.example']);
    const expand = createRecipientExpander({ directory: d });
    const out = await expand(
      [
        rcpt('<Team@ours.test>', { notify: ['FAILURE'], orcpt: 'rfc822;Team@ours.test' }),
        rcpt('<ann@ours.test>'),
        rcpt('<Someone@Remote.Example>'),
        rcpt('<ghost@ours.test>'),
      ],
      NULL_SENDER,
    );
    assert.deepEqual(out, [
      { address: 'ann@ours.test', original: 'Team@ours.test', orcpt: 'rfc822;Team@ours.test', notify: ['FAILURE'] },
      { address: 'ben@ours.test', original: 'Team@ours.test', orcpt: 'rfc822;Team@ours.test', notify: ['FAILURE'] },
      {
        address: 'ext@remote.example',
        original: 'Team@ours.test',
        orcpt: 'rfc822;Team@ours.test',
        notify: ['FAILURE'],
      },
      { address: 'ann@ours.test' },
      { address: 'Someone@remote.example' },
      { address: 'ghost@ours.test' },
    ]);
  });
});
