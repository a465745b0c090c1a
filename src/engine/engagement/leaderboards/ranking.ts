// Ranks a period's scores in every scope at once: the whole programme, each city, each tier. Ties share a rank
// (competition ranking: 1, 2, 2, 4) and are ordered by member id, so every member also has a distinct position
// (1, 2, 3, 4) within each scope, which is what top lists and neighbours are read by.

export const leaderboardScopes = ["ALL", "CITY", "TIER"] as const;
export type LeaderboardScope = (typeof leaderboardScopes)[number];

export interface ScoredMember {
  memberId: number;
  score: number;
  /** Null: the member is ranked in ALL and TIER but in no city's board. */
  city: string | null;
  tierId: number;
}

export interface Standing {
  position: number;
  rank: number;
}

export interface RankedMember extends ScoredMember {
  inAll: Standing;
  /** Null when the member has no city. */
  inCity: Standing | null;
  inTier: Standing;
}

/** Position and rank of the next member within one scope's board, fed in board order. */
class ScopeCounter {
  private count = 0;
  private lastScore = Number.NaN;
  private lastRank = 0;

  next(score: number): Standing {
    this.count += 1;
    if (score !== this.lastScore) {
      this.lastRank = this.count;
      this.lastScore = score;
    }
    return { position: this.count, rank: this.lastRank };
  }
}

/** Members with a score above zero, ranked; members with zero or less are not on any board. */
export function rankMembers(members: readonly ScoredMember[]): RankedMember[] {
  const ranked = members.filter((member) => member.score > 0).sort((a, b) => b.score - a.score || a.memberId - b.memberId);
  const all = new ScopeCounter();
  const cities = new Map<string, ScopeCounter>();
  const tiers = new Map<number, ScopeCounter>();
  const counterOf = <Key>(counters: Map<Key, ScopeCounter>, key: Key) => {
    let counter = counters.get(key);
    if (!counter) counters.set(key, (counter = new ScopeCounter()));
    return counter;
  };
  return ranked.map((member) => ({
    ...member,
    inAll: all.next(member.score),
    inCity: member.city === null ? null : counterOf(cities, member.city).next(member.score),
    inTier: counterOf(tiers, member.tierId).next(member.score),
  }));
}
