import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { autoreplySchema } from '../config/sections/autoreply.js';
import { FakeClock } from '../core/clock.js';
import { MemoryVacationStore } from '../store/memory/vacation.js';
import { createVacationHook } from './vacation.js';

const DAY = 86_400_000;
let dir: string;
let bodyPath: string;
let listPath: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailward-vacation-'));
  bodyPath = join(dir, 'msg');
  listPath = join(dir, 'list');
  await writeFile(
    bodyPath,
    'From: Alice <alice@sender.test>\r\nTo: Bob <bob@ours.test>\r\nSubject: Hi\r\nMessage-ID: <a1@sender.test>\r\n\r\nHello\r\n',
  );
  await writeFile(listPath, 'From: dev@lists.test\r\nTo: dev@lists.test\r\nList-Id: <dev.lists.test>\r\n\r\npost\r\n');
});
after(() => rm(dir, { recursive: true, force: true }));

async function setup(config = {}) {
  const clock = new FakeClock(Date.UTC(2026, 10, 28, 10));
  const store = new MemoryVacationStore(() => clock.now());
  const sent: Array<{ from: string; to: string[]; raw: Buffer; source: string }> = [];
  const hook = createVacationHook({
    store,
    clock,
    hostname: 'mail.ours.test',
    config: autoreplySchema.parse(config),
    inject: async (m) => {
      sent.push(m);
    },
    newId: () => 'ID1',
  });
  await store.setVacation({
    address: 'bob@ours.test',
    enabled: true,
    subject: null,
    body: 'Away.',
    startAt: Date.UTC(2026, 10, 27),
    endAt: Date.UTC(2026, 11, 12),
    intervalDays: null,
    extraAddresses: [],
  });
  return { clock, store, sent, hook };
}

describe('createVacationHook', () => {
  it('replies once per interval with a null envelope sender, as a local message', async () => {
    const { clock, sent, hook } = await setup();
    const d = { user: 'bob@ours.test', envelopeFrom: 'alice@sender.test', bodyPath };
    assert.deepEqual(await hook(d), { sent: true, to: 'alice@sender.test' });
    assert.deepEqual(await hook(d), { sent: false, why: 'already answered this sender within 7 days' });
    clock.advance(7 * DAY);
    assert.deepEqual(await hook(d), { sent: true, to: 'alice@sender.test' });
    assert.equal(sent.length, 2);
    assert.equal(sent[0]?.from, '');
    assert.deepEqual(sent[0]?.to, ['alice@sender.test']);
    assert.equal(sent[0]?.source, 'autoreply');
    const mail = await simpleParser(sent[0]?.raw as Buffer);
    assert.equal(mail.subject, 'Auto: Hi');
    assert.equal(mail.messageId, '<ID1.vacation@mail.ours.test>');
    assert.equal(mail.inReplyTo, '<a1@sender.test>');
  });
  it("uses the user's address as envelope sender when configured", async () => {
    const { sent, hook } = await setup({ envelope_sender: 'user' });
    await hook({ user: 'bob@ours.test', envelopeFrom: 'alice@sender.test', bodyPath });
    assert.equal(sent[0]?.from, 'bob@ours.test');
  });
  it('does not reply outside the date window, when off, or to a list', async () => {
    const { clock, store, sent, hook } = await setup();
    assert.deepEqual(
      await hook({ user: 'bob@ours.test', envelopeFrom: 'dev-bounces@lists.test', bodyPath: listPath }),
      {
        sent: false,
        why: 'sender is a program: *-bounces (list or relay return path)',
      },
    );
    assert.deepEqual(await hook({ user: 'bob@ours.test', envelopeFrom: 'dev@lists.test', bodyPath: listPath }), {
      sent: false,
      why: 'mailing list (list-id present)',
    });
    clock.set(Date.UTC(2026, 11, 12));
    assert.deepEqual(await hook({ user: 'bob@ours.test', envelopeFrom: 'alice@sender.test', bodyPath }), {
      sent: false,
      why: 'vacation has ended',
    });
    clock.set(Date.UTC(2026, 10, 26));
    assert.deepEqual(await hook({ user: 'bob@ours.test', envelopeFrom: 'alice@sender.test', bodyPath }), {
      sent: false,
      why: 'vacation has not started',
    });
    await store.disableVacation('bob@ours.test');
    assert.deepEqual(await hook({ user: 'bob@ours.test', envelopeFrom: 'alice@sender.test', bodyPath }), {
      sent: false,
      why: 'vacation is off',
    });
    assert.equal(sent.length, 0);
  });
});
