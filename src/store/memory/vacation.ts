/**
 * VacationStore in memory, for tests and single-run tools. Passes vacation-contract.ts.
 */
import type { VacationSettings, VacationStore } from '../ports/vacation.js';

const key = (user: string, sender: string): string => `${user.toLowerCase()}\n${sender.toLowerCase()}`;

export class MemoryVacationStore implements VacationStore {
  private readonly settings = new Map<string, VacationSettings>();
  private readonly replies = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async getVacation(address: string): Promise<VacationSettings | null> {
    return this.settings.get(address.toLowerCase()) ?? null;
  }

  async setVacation(s: Omit<VacationSettings, 'updatedAt'>): Promise<void> {
    const address = s.address.toLowerCase();
    this.settings.set(
      address,
      Object.freeze({
        ...s,
        address,
        extraAddresses: Object.freeze(s.extraAddresses.map((a) => a.toLowerCase())),
        updatedAt: this.now(),
      }),
    );
    for (const k of [...this.replies.keys()]) if (k.startsWith(`${address}\n`)) this.replies.delete(k);
  }

  async disableVacation(address: string): Promise<boolean> {
    const s = this.settings.get(address.toLowerCase());
    if (!s) return false;
    this.settings.set(s.address, Object.freeze({ ...s, enabled: false, updatedAt: this.now() }));
    return true;
  }

  async lastReplied(user: string, sender: string): Promise<number | null> {
    return this.replies.get(key(user, sender)) ?? null;
  }

  async recordReply(user: string, sender: string, at: number): Promise<void> {
    this.replies.set(key(user, sender), at);
  }
}
