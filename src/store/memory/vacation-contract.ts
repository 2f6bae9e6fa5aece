/**
 * The contract every VacationStore must meet (STYLE.md §10). memory/vacation.test.ts and
 * sqlite/vacation.test.ts run exactly these tests.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { VacationSettings, VacationStore } from '../ports/vacation.js';

export interface VacationStoreHandle {
  store: VacationStore;
  close(): Promise<void> | void;
}

export const SAMPLE: Omit<VacationSettings, 'updatedAt'> = {
  address: 'Bob@Ours.test',
  enabled: true,
  subject: 'Away until Monday',
  body: 'I am away.\nBack on Monday — Bob.',
  startAt: Date.UTC(2026, 10, 27),
  endAt: Date.UTC(2026, 10, 30),
  intervalDays: 3,
  extraAddresses: ['Robert@Ours.test'],
};

export function vacationContract(name: string, factory: (now: () => number) => Promise<VacationStoreHandle>): void {
  const T0 = Date.UTC(2026, 10, 28);
  async function withStore(fn: (s: VacationStore) => Promise<void>): Promise<void> {
    const h = await factory(() => T0);
    try {
      await fn(h.store);
    } finally {
      await h.close();
    }
  }

  describe(`VacationStore contract: ${name}`, () => {
    test('returns null for a user without settings', () =>
      withStore(async (s) => {
        assert.equal(await s.getVacation('nobody@ours.test'), null);
        assert.equal(await s.disableVacation('nobody@ours.test'), false);
      }));

    test('stores settings under the lower-cased address and reads them back exactly', () =>
      withStore(async (s) => {
        await s.setVacation(SAMPLE);
        assert.deepEqual(await s.getVacation('BOB@ours.TEST'), {
          ...SAMPLE,
          address: 'bob@ours.test',
          extraAddresses: ['robert@ours.test'],
          updatedAt: T0,
        });
      }));

    test('keeps null subject, dates and interval as null', () =>
      withStore(async (s) => {
        await s.setVacation({
          ...SAMPLE,
          subject: null,
          startAt: null,
          endAt: null,
          intervalDays: null,
          extraAddresses: [],
        });
        const v = await s.getVacation('bob@ours.test');
        assert.deepEqual(
          [v?.subject, v?.startAt, v?.endAt, v?.intervalDays, v?.extraAddresses],
          [null, null, null, null, []],
        );
      }));

    test('turns replies off but keeps the text', () =>
      withStore(async (s) => {
        await s.setVacation(SAMPLE);
        assert.equal(await s.disableVacation('bob@ours.test'), true);
        const v = await s.getVacation('bob@ours.test');
        assert.equal(v?.enabled, false);
        assert.equal(v?.body, SAMPLE.body);
      }));

    test('remembers the last reply per user and sender, case-insensitively', () =>
      withStore(async (s) => {
        assert.equal(await s.lastReplied('bob@ours.test', 'alice@sender.test'), null);
        await s.recordReply('bob@ours.test', 'Alice@Sender.test', T0);
        await s.recordReply('bob@ours.test', 'alice@sender.test', T0 + 5);
        assert.equal(await s.lastReplied('BOB@ours.test', 'alice@sender.test'), T0 + 5);
        assert.equal(await s.lastReplied('carol@ours.test', 'alice@sender.test'), null);
      }));

    test('forgets whom the user answered when the settings are set again', () =>
      withStore(async (s) => {
        await s.setVacation(SAMPLE);
        await s.recordReply('bob@ours.test', 'alice@sender.test', T0);
        await s.recordReply('carol@ours.test', 'alice@sender.test', T0);
        await s.setVacation({ ...SAMPLE, body: 'Away again.' });
        assert.equal(await s.lastReplied('bob@ours.test', 'alice@sender.test'), null);
        assert.equal(await s.lastReplied('carol@ours.test', 'alice@sender.test'), T0);
      }));
  });
}
