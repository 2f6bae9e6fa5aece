/**
 * SuppressionStore: addresses whose delivery failed permanently, as learnt from bounces that
 * arrived at mailward (DESIGN.md, "inbound bounce ──▶ suppression list").
 * Keys are lower-cased addresses; one entry per address, the latest bounce wins.
 */

export interface SuppressionEntry {
  /** Lower-cased `local@domain`. */
  readonly address: string;
  /** When the bounce arrived (ms since epoch). */
  readonly at: number;
  /** sisimai-style reason word (`userunknown`). */
  readonly reason: string;
  /** Enhanced status from the bounce ("5.1.1"), "" when none. */
  readonly status: string;
  readonly diagnostic: string;
  /** Message-ID of the message the bounce reports on, when it named one. */
  readonly originalMessageId?: string;
}

export interface SuppressionStore {
  /** Insert or replace the entry for entry.address. */
  put(entry: SuppressionEntry): Promise<void>;
  get(address: string): Promise<SuppressionEntry | null>;
  /** All entries, ordered by address. */
  list(): Promise<SuppressionEntry[]>;
  /** True when an entry was removed. */
  remove(address: string): Promise<boolean>;
}
