// Tier qualification over a rolling spend window: upgrades at once, downgrades only at review after a grace period,
// and a permanent member's floor that no review goes below.
import { addDays, addMonths } from "../calendar";

export interface TierRung {
  id: number;
  rank: number;
  /** Spend in the window that qualifies, in fen. */
  qualifyingSpend: number;
}

export interface TierPolicy {
  windowMonths: number;
  graceDays: number;
  /** Cumulative net spend (fen) that makes a member permanent (永久会员). */
  permanentSpend: number;
}

export function qualificationWindowStart(now: Date, policy: TierPolicy): Date {
  return addMonths(now, -policy.windowMonths);
}

/** The highest rung whose threshold the spend reaches; the entry rung (threshold 0) always qualifies. */
export function qualifiedRung<Rung extends TierRung>(ladder: readonly Rung[], windowSpend: number): Rung {
  const ordered = [...ladder].sort((a, b) => a.rank - b.rank);
  let best = ordered[0];
  if (!best) throw new Error("The tier ladder is empty.");
  for (const rung of ordered) if (windowSpend >= rung.qualifyingSpend) best = rung;
  return best;
}

export interface MemberTierState {
  currentRank: number;
  /** Rank of the tier held when the member became permanent; null when not permanent. */
  permanentFloorRank: number | null;
  reviewAt: Date | null;
}

/** After a purchase: a higher qualified rung is an immediate upgrade with a fresh review date; never a downgrade. */
export function upgradeAfterSpend<Rung extends TierRung>(ladder: readonly Rung[], state: MemberTierState, windowSpend: number, now: Date, policy: TierPolicy): { to: Rung; reviewAt: Date } | null {
  const qualified = qualifiedRung(ladder, windowSpend);
  if (qualified.rank <= state.currentRank) return null;
  return { to: qualified, reviewAt: addMonths(now, policy.windowMonths) };
}

/**
 * Permanent membership: the first time cumulative net spend reaches the threshold, the tier held at that moment
 * (after any upgrade the same purchase caused) becomes the member's floor for good. Later upgrades still happen
 * and can be lost again at review, but never below the floor.
 */
export function becomesPermanent(state: MemberTierState, cumulativeSpend: number, policy: TierPolicy): boolean {
  return state.permanentFloorRank === null && cumulativeSpend >= policy.permanentSpend;
}

export type ReviewOutcome<Rung extends TierRung> =
  | { kind: "not-due" }
  | { kind: "kept"; nextReviewAt: Date | null }
  | { kind: "downgraded"; to: Rung; nextReviewAt: Date | null };

/**
 * At review: due once the review date plus the grace period has passed. The spend in the window ending now decides
 * (so spend during the grace period counts); the member keeps the better of what they qualify for and their
 * permanent floor, but review never upgrades (purchases do that). The entry tier has nothing to review.
 */
export function reviewTier<Rung extends TierRung>(ladder: readonly Rung[], state: MemberTierState, windowSpend: number, now: Date, policy: TierPolicy): ReviewOutcome<Rung> {
  if (state.reviewAt === null || now < addDays(state.reviewAt, policy.graceDays)) return { kind: "not-due" };
  const qualified = qualifiedRung(ladder, windowSpend);
  const floorRank = Math.max(qualified.rank, state.permanentFloorRank ?? 0);
  if (floorRank >= state.currentRank) return { kind: "kept", nextReviewAt: addMonths(now, policy.windowMonths) };
  const to = [...ladder].filter((rung) => rung.rank <= floorRank).sort((a, b) => b.rank - a.rank)[0] ?? qualified;
  const entryRank = Math.min(...ladder.map((rung) => rung.rank));
  return { kind: "downgraded", to, nextReviewAt: to.rank === entryRank ? null : addMonths(now, policy.windowMonths) };
}

export interface TierProgress<Rung extends TierRung> {
  next: Rung | null;
  /** Fen still to spend in the window to reach the next rung; 0 at the top. */
  spendNeeded: number;
}

export function tierProgress<Rung extends TierRung>(ladder: readonly Rung[], currentRank: number, windowSpend: number): TierProgress<Rung> {
  const next = [...ladder].filter((rung) => rung.rank > currentRank).sort((a, b) => a.rank - b.rank)[0] ?? null;
  return { next, spendNeeded: next ? Math.max(0, next.qualifyingSpend - windowSpend) : 0 };
}
