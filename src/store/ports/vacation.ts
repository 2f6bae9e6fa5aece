/**
 * Vacation port: per-user auto-reply settings and the once-per-period memory of who got a
 * reply (RFC 3834 §2, RFC 5230 §4.1 `:days`). Every store implements it and passes
 * store/memory/vacation-contract.ts. Addresses are stored in key form (lower-cased).
 */

export interface VacationSettings {
  /** The user's address, `local@domain`, lower-cased. */
  readonly address: string;
  readonly enabled: boolean;
  /** Subject of the reply; null → `<subject_prefix> <original subject>`. */
  readonly subject: string | null;
  /** Text body of the reply (UTF-8, LF or CRLF line breaks). */
  readonly body: string;
  /** Reply only from this time on (ms since epoch); null = now. */
  readonly startAt: number | null;
  /** Reply only until this time (ms since epoch, exclusive); null = until turned off. */
  readonly endAt: number | null;
  /** Days before the same sender gets another reply; null → config default (7). */
  readonly intervalDays: number | null;
  /** Further addresses that count as the user's (lower-cased). */
  readonly extraAddresses: readonly string[];
  readonly updatedAt: number;
}

export interface VacationStore {
  getVacation(address: string): Promise<VacationSettings | null>;
  /** Creates or replaces the settings; also forgets whom this user already answered (a new absence). */
  setVacation(settings: Omit<VacationSettings, 'updatedAt'>): Promise<void>;
  /** Turns replies off, keeping the text for next time. Returns false when the user had no settings. */
  disableVacation(address: string): Promise<boolean>;
  /** When this user last replied to this sender (ms), or null. */
  lastReplied(user: string, sender: string): Promise<number | null>;
  recordReply(user: string, sender: string, at: number): Promise<void>;
}
