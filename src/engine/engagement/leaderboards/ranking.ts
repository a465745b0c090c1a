// Ranks a period's scores in every scope at once: the whole programme, each city, each tier. Ties share a rank
// (competition ranking: 1, 2, 2, 4) and are ordered by member id, so every member also has a distinct position
// (1, 2, 3, 4) within each scope, which is what top lists and neighbours are read by.
//
// A refresh ranks up to a million members in one go, inside the server's process: the work is done on typed arrays
// (one numeric sort, one pass), because objects per member cost seconds of the event loop at that size.

export const leaderboardScopes = ["ALL", "CITY", "TIER"] as const;
export type LeaderboardScope = (typeof leaderboardScopes)[number];

/** The members of a board, one column per field, in ascending member id order. */
export interface BoardColumns {
  memberIds: Int32Array;
  scores: Float64Array;
  /** An index into the board's list of cities; -1: no city (ranked in ALL and TIER, in no city's board). */
  cityIndexes: Int32Array;
  tierIds: Int32Array;
}

/** Standings per member index (the columns' order); positions and ranks count from 1, 0 where not ranked. */
export interface RankedBoard {
  /** Member indexes of the ranked members (score above zero), in board order. */
  order: Int32Array;
  positionAll: Int32Array;
  rankAll: Int32Array;
  positionCity: Int32Array;
  rankCity: Int32Array;
  positionTier: Int32Array;
  rankTier: Int32Array;
}

// Board order is score descending, then member id ascending, which is index order. Both fit one float64 sort key:
// (2^27 - score) * 2^26 + index, exact below 2^53. Scores are points in a week or month, far below 2^27.
const indexSpace = 2 ** 26;
const scoreSpace = 2 ** 27;

/** Position and rank counters of many boards at once (one per city, one per tier), fed in board order. */
class Counters {
  readonly positions: Int32Array;
  readonly ranks: Int32Array;
  private readonly lastScores: Float64Array;

  constructor(size: number) {
    this.positions = new Int32Array(size);
    this.ranks = new Int32Array(size);
    this.lastScores = new Float64Array(size).fill(Number.NaN);
  }

  next(board: number, score: number): void {
    this.positions[board] += 1;
    if (score !== this.lastScores[board]) {
      this.ranks[board] = this.positions[board];
      this.lastScores[board] = score;
    }
  }
}

export function rankBoard(columns: BoardColumns): RankedBoard {
  const size = columns.memberIds.length;
  if (size >= indexSpace) throw new Error(`A board of ${size} members is more than ranking handles (${indexSpace}).`);
  const keys = new Float64Array(size);
  // Each member's tier as a small slot number, and the number of cities: counters are arrays indexed by them.
  const tierSlots = new Map<number, number>();
  const tierSlotOf = new Int32Array(size);
  let cityCount = 0;
  let ranked = 0;
  for (let index = 0; index < size; index += 1) {
    if (index > 0 && columns.memberIds[index] <= columns.memberIds[index - 1]) throw new Error("Board columns must be in ascending member id order.");
    const score = columns.scores[index];
    if (!(score > 0)) continue;
    if (score >= scoreSpace || !Number.isInteger(score)) throw new Error(`Member ${columns.memberIds[index]} has a score of ${score}: scores are whole numbers below ${scoreSpace}.`);
    keys[ranked] = (scoreSpace - score) * indexSpace + index;
    ranked += 1;
    let slot = tierSlots.get(columns.tierIds[index]);
    if (slot === undefined) tierSlots.set(columns.tierIds[index], (slot = tierSlots.size));
    tierSlotOf[index] = slot;
    cityCount = Math.max(cityCount, columns.cityIndexes[index] + 1);
  }
  const sorted = keys.subarray(0, ranked).sort();
  const order = new Int32Array(sorted.length);
  const board: RankedBoard = {
    order,
    positionAll: new Int32Array(size), rankAll: new Int32Array(size),
    positionCity: new Int32Array(size), rankCity: new Int32Array(size),
    positionTier: new Int32Array(size), rankTier: new Int32Array(size),
  };
  const all = new Counters(1);
  const cities = new Counters(cityCount);
  const tiers = new Counters(tierSlots.size);
  for (let position = 0; position < sorted.length; position += 1) {
    const index = sorted[position] % indexSpace;
    order[position] = index;
    const score = columns.scores[index];
    all.next(0, score);
    board.positionAll[index] = all.positions[0];
    board.rankAll[index] = all.ranks[0];
    const city = columns.cityIndexes[index];
    if (city >= 0) {
      cities.next(city, score);
      board.positionCity[index] = cities.positions[city];
      board.rankCity[index] = cities.ranks[city];
    }
    const tier = tierSlotOf[index];
    tiers.next(tier, score);
    board.positionTier[index] = tiers.positions[tier];
    board.rankTier[index] = tiers.ranks[tier];
  }
  return board;
}

export interface ScoredMember {
  memberId: number;
  score: number;
  city: string | null;
  tierId: number;
}

export interface RankedMember extends ScoredMember {
  positionAll: number;
  rankAll: number;
  /** Null when the member has no city. */
  positionCity: number | null;
  rankCity: number | null;
  positionTier: number;
  rankTier: number;
}

/** The same ranking for a handful of members given as objects, in board order (tests, small boards). */
export function rankMembers(members: readonly ScoredMember[]): RankedMember[] {
  const sorted = [...members].sort((a, b) => a.memberId - b.memberId);
  const cities = [...new Set(sorted.map((member) => member.city).filter((city): city is string => city !== null))];
  const board = rankBoard({
    memberIds: Int32Array.from(sorted, (member) => member.memberId),
    scores: Float64Array.from(sorted, (member) => member.score),
    cityIndexes: Int32Array.from(sorted, (member) => (member.city === null ? -1 : cities.indexOf(member.city))),
    tierIds: Int32Array.from(sorted, (member) => member.tierId),
  });
  return Array.from(board.order, (index) => ({
    ...sorted[index],
    positionAll: board.positionAll[index],
    rankAll: board.rankAll[index],
    positionCity: board.positionCity[index] || null,
    rankCity: board.rankCity[index] || null,
    positionTier: board.positionTier[index],
    rankTier: board.rankTier[index],
  }));
}
