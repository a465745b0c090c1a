// The tier ladder and the active bonus rules, read at most once per `ttlSeconds`: every purchase needs both, and
// operators change them rarely. A change made elsewhere takes effect within that time; 0 reads them every time.
// Reads go through the caller's manager: inside a transaction, asking the pool for a second connection could wait
// forever once every connection is held by a transaction waiting for the same read.
import type { EntityManager } from "typeorm";
import type { Clock } from "../clock";
import { BonusRuleRecord, TierRecord } from "../entities";

interface Cached<Value> {
  value: Promise<Value>;
  readAt: number;
}

export class ProgrammeDataCache {
  private ladderCache: Cached<TierRecord[]> | null = null;
  private rulesCache: Cached<BonusRuleRecord[]> | null = null;

  constructor(private readonly clock: Clock, private readonly ttlSeconds: number) {}

  /** Lowest rank first. */
  ladder(manager: EntityManager): Promise<TierRecord[]> {
    this.ladderCache = this.fresh(this.ladderCache, () => manager.find(TierRecord, { order: { rank: "ASC" } }));
    return this.ladderCache.value;
  }

  bonusRules(manager: EntityManager): Promise<BonusRuleRecord[]> {
    this.rulesCache = this.fresh(this.rulesCache, () => manager.findBy(BonusRuleRecord, { active: true }));
    return this.rulesCache.value;
  }

  /** For writers in this process: the next read goes to the database. */
  invalidate(): void {
    this.ladderCache = null;
    this.rulesCache = null;
  }

  private fresh<Value>(cached: Cached<Value> | null, read: () => Promise<Value>): Cached<Value> {
    const now = this.clock.now().getTime();
    if (cached && now - cached.readAt < this.ttlSeconds * 1000) return cached;
    const value = read();
    // A failed read is not kept: the next caller tries again.
    value.catch(() => {
      if (this.ladderCache?.value === value || this.rulesCache?.value === value) this.invalidate();
    });
    return { value, readAt: now };
  }
}
