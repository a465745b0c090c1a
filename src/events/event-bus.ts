// The in-process event bus behind subscriptions. Services publish only after their transaction commits.
import { createPubSub } from "@graphql-yoga/subscription";
import type { PointEntryType, TierChangeReason } from "../entities";

export interface MemberChangedEvent {
  memberId: number;
  changedFields: string[];
  at: string;
}

export interface PointsChangedEvent {
  memberId: number;
  entryTypes: PointEntryType[];
  /** Sum of the entries' amounts: positive when points came in. */
  change: number;
  balance: number;
  at: string;
}

/** For later issues too (campaigns, segments): a member moved on the tier ladder or became permanent. */
export interface TierChangedEvent {
  memberId: number;
  fromTierId: number | null;
  toTierId: number;
  reason: TierChangeReason;
  at: string;
}

/** A member's segment in a scheme changed (fromSegmentId null: first placement). Published after commit. */
export interface SegmentMovedEvent {
  memberId: number;
  schemeId: number;
  fromSegmentId: number | null;
  toSegmentId: number;
  reason: string;
  at: string;
}

export const topics = {
  memberChanged: "MEMBER_CHANGED",
  pointsChanged: "POINTS_CHANGED",
  tierChanged: "TIER_CHANGED",
  segmentMoved: "SEGMENT_MOVED",
} as const;

export function createEventBus() {
  return createPubSub<{
    [topics.memberChanged]: [MemberChangedEvent];
    [topics.pointsChanged]: [PointsChangedEvent];
    [topics.tierChanged]: [TierChangedEvent];
    [topics.segmentMoved]: [SegmentMovedEvent];
  }>();
}

export type EventBus = ReturnType<typeof createEventBus>;
