/**
 * In-memory SuppressionStore for tests (store/ports/suppression.ts).
 */
import type { SuppressionEntry, SuppressionStore } from '../ports/suppression.js';

export class MemorySuppressionStore implements SuppressionStore {
  private readonly entries = new Map<string, SuppressionEntry>();

  async put(entry: SuppressionEntry): Promise<void> {
    const address = entry.address.toLowerCase();
    this.entries.set(address, { ...entry, address });
  }

  async get(address: string): Promise<SuppressionEntry | null> {
    return this.entries.get(address.toLowerCase()) ?? null;
  }

  async list(): Promise<SuppressionEntry[]> {
    return [...this.entries.values()].sort((a, b) => a.address.localeCompare(b.address));
  }

  async remove(address: string): Promise<boolean> {
    return this.entries.delete(address.toLowerCase());
  }
}
