/** What a client remembers between calls: the results it could not report yet, the intents this
 * process has run, and how far each governed call's idempotency lineage has gone. */

/** A result to report: `outcome` is `executed` or `failed`. */
export interface Report {
  readonly intentId: string;
  readonly outcome: "executed" | "failed";
  readonly summary: string | null;
}

/** Something that takes warnings (default: `console`). */
export interface Logger {
  warn(message: string): void;
}

/**
 * Bounded memory of one client.
 *
 * - Reports that could not be delivered wait here (at most `limit`, the oldest dropped first with a
 *   warning) until a later call or `flushReports()` delivers them.
 * - `claim(intentId)` marks an intent as settled by this process (run, or its refusal raised), so
 *   a later call that finds it again does not act on it twice.
 * - `generation(key)` is where a governed call with `key` starts walking its lineage: at the last
 *   intent a call found, past it once it was settled here.
 */
export class Ledger {
  private readonly reportsById = new Map<string, Report>();
  private readonly claimedIds = new Map<string, true>();
  private readonly generations = new Map<string, { generation: number; intentId: string | null }>();

  constructor(private readonly logger: Logger, readonly limit = 1000, private readonly memory = 10_000) {}

  keep(report: Report): void {
    this.reportsById.delete(report.intentId);
    this.reportsById.set(report.intentId, report);
    while (this.reportsById.size > this.limit) {
      const [id, dropped] = this.reportsById.entries().next().value as [string, Report];
      this.reportsById.delete(id);
      this.logger.warn(`writ: dropped the ${dropped.outcome} report of intent ${id}: more than ${this.limit} reports could not be delivered`);
    }
  }

  reports(): Report[] {
    return [...this.reportsById.values()];
  }

  delivered(report: Report): void {
    if (this.reportsById.get(report.intentId) === report) this.reportsById.delete(report.intentId);
  }

  /** True the first time this process claims `intentId`, false after. */
  claim(intentId: string): boolean {
    if (this.claimedIds.has(intentId)) return false;
    this.claimedIds.set(intentId, true);
    bound(this.claimedIds, this.memory);
    return true;
  }

  claimed(intentId: string): boolean {
    return this.claimedIds.has(intentId);
  }

  /** Where a call with `key` starts its walk: at the last intent a call found, past it once it was settled here. */
  generation(key: string): number {
    const reached = this.generations.get(key);
    if (!reached) return 0;
    return reached.intentId !== null && this.claimedIds.has(reached.intentId) ? reached.generation + 1 : reached.generation;
  }

  /** Records that a call with `key` continued with `intentId` (null: a one-off key), found at `generation`. */
  reached(key: string, generation: number, intentId: string | null): void {
    this.generations.delete(key);
    this.generations.set(key, { generation, intentId });
    bound(this.generations, this.memory);
  }
}

function bound(entries: Map<string, unknown>, limit: number): void {
  while (entries.size > limit) entries.delete(entries.keys().next().value as string);
}
